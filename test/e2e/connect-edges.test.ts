/**
 * The edges of connecting and disconnecting, against the fake Composio: a toolkit Composio does not
 * have (refused at once with the close names, nothing created), a revoke Composio cannot take (the
 * local disconnect stands, the output says what did not happen and how to retry), the account such
 * a revoke leaves behind (a later connect says it reuses it), and a --refresh that cannot ask.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { runGagent, spawnGagent } from '../helpers/cli.js';
import { type ComposioWorld, startComposioWorld } from '../helpers/composio-env.js';
import { runInTerminal } from '../helpers/terminal.js';

const DOWN = { COMPOSIO_BASE_URL: 'http://127.0.0.1:9' };

let world: ComposioWorld;
beforeEach(async () => {
  world = await startComposioWorld();
});
afterEach(async () => {
  await world.close();
});

function gagent(args: string[], extra: Record<string, string | undefined> = {}) {
  return runGagent(args, world.env(extra));
}

/** Accounts made at Composio (as from the dashboard), set up here by a refresh that adopts them. */
async function connectedAtComposio(...authConfigs: string[]) {
  const accounts = authConfigs.map((id) =>
    world.composio.state.createAccount('singleton', id, null, 'ACTIVE'),
  );
  const adopted = await gagent(['status', '--refresh', '--json']);
  expect(adopted.code).toBe(0);
  return accounts;
}

describe('connect a toolkit Composio does not have', () => {
  it('is refused at once with the close names (exit 2), creating nothing at Composio or here', async () => {
    const typo = await gagent(['connect', 'gmial', '--no-browser']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim().split('\n').at(-1)).toBe(
      'gagent: Composio has no toolkit "gmial"; did you mean gmail? Run gagent connect gmail.',
    );
    const several = await gagent(['connect', 'google', '--no-browser']);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('did you mean googlecalendar or googledrive?');
    const unknown = await gagent(['connect', 'nosuchtoolkit', '--no-browser', '--json']);
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toContain('gagent: Composio has no toolkit "nosuchtoolkit". Check the spelling');
    // Nothing was created: no auth config, no link, no row.
    expect(world.composio.apiRequests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(world.composio.state.accounts.size).toBe(0);
    const rows = JSON.parse((await gagent(['debug', 'db', '--json'])).stdout).rows;
    expect(rows).toMatchObject({ auth_configs: 0, connected_accounts: 0, oauth_pending: 0 });
    // What connect would do says the same.
    const preview = await gagent(['debug', 'redirect', 'gmial']);
    expect(preview.code).toBe(2);
    expect(preview.stderr).toContain('did you mean gmail?');
  });

  it('an answer gagent cannot use is exit 4; suggestions come only from names connect takes', async () => {
    world.composio.inject({ status: 200, body: { hello: 1 }, match: /^GET \/api\/v3\.1\/toolkits\/gmial$/ });
    const garbage = await gagent(['connect', 'gmial', '--no-browser']);
    expect(garbage.code).toBe(4);
    expect(garbage.stderr.trim().split('\n').at(-1)).toMatch(
      /^gagent: Composio at 127\.0\.0\.1:\d+ sent an answer gagent cannot use while looking up the toolkit gmial\./,
    );
    // A listed name no one could type (a control character in it) is never suggested.
    world.composio.state.toolkits.set('gmia\u0007', { slug: 'gmia\u0007', name: 'Bell' });
    const hostile = await gagent(['connect', 'gmial', '--no-browser']);
    expect(hostile.stderr).toContain('did you mean gmail? Run gagent connect gmail.');
    // A listing that fails still leaves the catalogue's names to suggest.
    world.composio.inject({ status: 500, match: /^GET \/api\/v3\.1\/toolkits$/ });
    const unlisted = await gagent(['connect', 'gmial', '--no-browser']);
    expect(unlisted.code).toBe(2);
    expect(unlisted.stderr).toContain('did you mean gmail?');
  });

  it('costs a catalogue provider no toolkit lookup, and a real toolkit outside it still connects', async () => {
    const gmail = spawnGagent(['connect', 'gmail', '--no-browser'], world.env());
    await followLink((await gmail.waitFor(LINK_PATTERN))[0] as string);
    expect((await gmail.done).code).toBe(0);
    expect(world.composio.apiRequests().filter((r) => r.path.includes('/toolkits'))).toEqual([]);

    const github = spawnGagent(['connect', 'github', '--no-browser'], world.env());
    await followLink((await github.waitFor(LINK_PATTERN))[0] as string);
    expect((await github.done).code).toBe(0);
    expect(world.composio.apiRequests().map((r) => `${r.method} ${r.path}`)).toContain(
      'GET /api/v3.1/toolkits/github',
    );
  });
});

describe('disconnect --revoke when Composio cannot take the revoke', () => {
  it('keeps the local disconnect, says the revoke failed and how to retry (exit 4); a later connect says it reuses the account', async () => {
    const [account] = await connectedAtComposio('ac_gmail01');
    const id = account?.id as string;

    const failed = await gagent(['disconnect', 'gmail', '--revoke', '--json'], DOWN);
    expect(failed.code).toBe(4);
    expect(JSON.parse(failed.stdout)).toEqual({
      user: 'singleton',
      provider: 'gmail',
      status: 'DISCONNECTED',
      connectedAccountId: id,
      revoked: false,
      revokeError: 'Cannot reach Composio at 127.0.0.1:9 while deleting the connected account.',
      retry: 'gagent disconnect gmail --revoke',
    });
    expect(failed.stderr.trim()).toBe(
      `gagent: Gmail was disconnected here, but its account ${id} is still active at Composio: Cannot reach Composio at 127.0.0.1:9 while deleting the connected account. Check your network and COMPOSIO_BASE_URL. Then run gagent disconnect gmail --revoke again to delete it there.`,
    );
    // A person at a terminal reads the same: done here, not done there, and the retry.
    const text = await runInTerminal(['disconnect', 'gmail', '--revoke'], world.env(DOWN));
    expect(text.code).toBe(4);
    expect(text.output).toContain(
      `Disconnected Gmail for singleton (${id}). Its tools are no longer available.`,
    );
    expect(text.output).toContain('The account is still active at Composio: the revoke failed.');
    expect(text.output).toContain('Then run gagent disconnect gmail --revoke again');

    // The local part stands: unauthorized, no tools.
    const status = JSON.parse((await gagent(['status', '--json'], DOWN)).stdout);
    expect(status.providers[0]).toMatchObject({
      provider: 'gmail',
      status: 'DISCONNECTED',
      authorized: false,
    });
    expect(JSON.parse((await gagent(['tools', 'list', '--json'])).stdout).servers).toEqual([]);
    // A refresh says what Composio still holds.
    const refreshed = await gagent(['status', '--refresh', '--json']);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stderr).toContain(
      `gagent: warning: gmail is disconnected here, but Composio still holds its account ${id} ACTIVE`,
    );

    // Connecting again reuses that account, and says so plainly; no new link is made.
    world.composio.clearRequests();
    const again = await gagent(['connect', 'gmail', '--no-browser', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      status: 'ACTIVE',
      connectedAccountId: id,
      reusedExistingAccount: true,
    });
    expect(again.stderr).toContain(
      `gagent: warning: Gmail is already authorized at Composio for singleton: its account ${id} was disconnected here but never deleted there. Reusing it, without a new sign-in; to sign in afresh instead, run gagent disconnect gmail --revoke, then connect again.`,
    );
    expect(world.composio.apiRequests().some((r) => r.path.endsWith('/link'))).toBe(false);

    // The retry, with Composio back, deletes it there.
    const retried = await gagent(['disconnect', 'gmail', '--revoke', '--json']);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ status: 'DISCONNECTED', revoked: true });
    expect(JSON.parse(retried.stdout)).not.toHaveProperty('revokeError');
    expect(world.composio.state.accounts.get(id)?.deleted).toBe(true);
  });

  it('a revoke refused for the key is exit 3, the local disconnect still done', async () => {
    const [account] = await connectedAtComposio('ac_gmail01');
    const refused = await gagent(['disconnect', 'gmail', '--revoke', '--json'], {
      COMPOSIO_API_KEY: 'ak_wrong_key_123456',
    });
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({ status: 'DISCONNECTED', revoked: false });
    expect(refused.stderr).toContain('Set COMPOSIO_API_KEY to a valid project API key');
    expect(world.composio.state.accounts.get(account?.id as string)?.deleted).toBe(false);
  });
});

describe('status --refresh', () => {
  it('is exit 4 when Composio is down, even with nothing connected', async () => {
    await connectedAtComposio('ac_gmail01', 'ac_slack01');
    for (const provider of ['gmail', 'slack'])
      expect((await gagent(['disconnect', provider, '--json'])).code).toBe(0);
    const down = await gagent(['status', '--refresh', '--json'], DOWN);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('Cannot reach Composio at 127.0.0.1:9');
    // Without --refresh it shows what it knows, asking nothing.
    const plain = await gagent(['status', '--json'], DOWN);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).providers.map((p: { status: string }) => p.status)).toEqual([
      'DISCONNECTED',
      'DISCONNECTED',
    ]);
  });
});
