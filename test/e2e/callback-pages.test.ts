/**
 * The pages a browser gets back from Composio — the CLI's loopback callback and serve's
 * /v1/connect/callback — forbid everything they do not need: no script, no request, no frame, no
 * Referer carrying the connect's `state`, no MIME sniffing; their one style is allowed by its hash.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { followLink, LINK_PATTERN } from '../helpers/browser.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { spawnGagent } from '../helpers/cli.js';
import { startComposioWorld } from '../helpers/composio-env.js';
import { SERVE_TOKEN, serveApi, startServe } from '../helpers/serve.js';

const cleanups = cleanupAfterEach();

/** The page's headers hold it to itself, and its style is the one the policy allows. */
async function expectLockedDown(res: Response): Promise<void> {
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  const policy = res.headers.get('content-security-policy') ?? '';
  expect(policy).toContain("default-src 'none'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("form-action 'none'");
  expect(policy).not.toMatch(/unsafe-inline|script-src/);
  const style = /<style>(.*?)<\/style>/.exec(await res.text())?.[1] ?? '';
  const hash = createHash('sha256').update(style).digest('base64');
  expect(policy).toContain(`style-src 'sha256-${hash}'`);
}

describe('callback pages', () => {
  it("gagent connect's loopback page, for the right state and a wrong one", async () => {
    const world = cleanups.later(await startComposioWorld());
    const cli = spawnGagent(['connect', 'gmail', '--json'], world.env());
    cleanups.push(() => {
      if (cli.child.exitCode === null) cli.child.kill('SIGTERM');
      return cli.done;
    });
    const [link] = await cli.waitFor(LINK_PATTERN);
    const { callbackUrl } = await followLink(link as string);
    const wrong = new URL(callbackUrl as string);
    wrong.searchParams.set('state', 'not-this-one');
    const refused = await fetch(wrong);
    expect(refused.status).toBe(400);
    await expectLockedDown(refused);
    const accepted = await fetch(callbackUrl as string);
    expect(accepted.status).toBe(200);
    await expectLockedDown(accepted);
    expect((await cli.done).code).toBe(0);
  });

  it("gagent serve's /v1/connect/callback, for a connect in progress and one it does not know", async () => {
    const world = cleanups.later(await startComposioWorld());
    const { url } = await startServe(world.env({ GAGENT_SERVE_TOKEN: SERVE_TOKEN }), cleanups);
    const unknown = await fetch(`${url}/v1/connect/callback?state=nothing&status=success`);
    expect(unknown.status).toBe(400);
    await expectLockedDown(unknown);
    const started = await serveApi(url)('POST', '/v1/connections/gmail', { user: 'ada' });
    const { callbackUrl } = await followLink(started.json.redirectUrl);
    const finished = await fetch(callbackUrl as string);
    expect(finished.status).toBe(200);
    await expectLockedDown(finished);
  });
});
