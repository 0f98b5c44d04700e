// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the files imported here hold ${VAR} references on purpose.
/**
 * gagent mcp add | list | get | remove | import, as a user types them: servers stored per user,
 * secrets never shown, bad input one sentence with exit 2 and nothing stored; a legacy SSE-only
 * server is reached through the Streamable-then-SSE fallback.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeSseServer } from '../fakes/mcp/sse-server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { cliEnv, runGagent, tempHome } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const cleanups = cleanupAfterEach();

async function sseServer() {
  const server = await startFakeSseServer();
  cleanups.push(() => server.close());
  return server;
}

const json = (text: string) => JSON.parse(text);

describe('gagent mcp add, list, get, remove', () => {
  it('adds a remote server that only speaks legacy SSE; its tools work, its header never shows', async () => {
    const legacy = await sseServer();
    const env = cliEnv(tempHome());
    const added = await runGagent(
      ['mcp', 'add', 'legacy', legacy.url.toString(), '--header', 'X-Auth: sse-header-secret-1'],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout + added.stderr).not.toContain('sse-header-secret-1');

    const listed = json((await runGagent(['mcp', 'list', '--json'], env)).stdout);
    expect(listed.servers).toEqual([
      expect.objectContaining({ name: 'legacy', transport: 'http', headers: { 'X-Auth': '[REDACTED]' } }),
    ]);

    const tools = await runGagent(['tools', 'list', '--json'], env);
    expect(tools.code, tools.stderr).toBe(0);
    expect(json(tools.stdout).servers[0]).toMatchObject({ name: 'legacy', source: 'user', state: 'ready' });

    const call = await runGagent(['tools', 'call', 'legacy', 'shout', '--arg', 'text=quiet please'], env);
    expect(call.code, call.stderr).toBe(0);
    expect(json(call.stdout).content).toEqual([{ type: 'text', text: 'QUIET PLEASE' }]);
    // The Streamable POST was refused (405), then the SSE stream carried the session.
    expect(legacy.requests).toEqual(expect.arrayContaining(['POST /sse', 'GET /sse', 'POST /messages']));

    const debug = await runGagent(['debug', 'mcp-client', '--json'], env);
    const [entry] = json(debug.stdout).servers;
    expect(entry).toMatchObject({ name: 'legacy', source: 'user', transport: 'sse', state: 'ready' });
    expect(entry.headers).toEqual({ 'X-Auth': '[REDACTED]' });
    for (const out of [listed, debug.stdout, debug.stderr, tools.stdout, call.stdout])
      expect(JSON.stringify(out)).not.toContain('sse-header-secret-1');
  });

  it('--transport sse goes straight to the event stream', async () => {
    const legacy = await sseServer();
    const env = cliEnv(tempHome());
    await runGagent(['mcp', 'add', 'old', legacy.url.toString(), '--transport', 'sse'], env);
    const call = await runGagent(['tools', 'call', 'old', 'shout', '--arg', 'text=hey'], env);
    expect(call.code, call.stderr).toBe(0);
    expect(legacy.requests).not.toContain('POST /sse');
  });

  it('keeps users apart, replaces by name, and removes', async () => {
    const home = tempHome();
    const alice = cliEnv(home, { GAGENT_USER: 'alice' });
    const bob = cliEnv(home, { GAGENT_USER: 'bob' });
    expect((await runGagent(['mcp', 'add', 'notes', 'http://127.0.0.1:9/mcp'], alice)).code).toBe(0);
    expect(json((await runGagent(['mcp', 'list', '--json'], bob)).stdout).servers).toEqual([]);
    const again = await runGagent(['mcp', 'add', 'notes', 'http://127.0.0.1:10/mcp', '--json'], alice);
    expect(json(again.stdout)).toMatchObject({ replaced: true, server: { url: 'http://127.0.0.1:10/mcp' } });
    const got = await runGagent(['mcp', 'get', 'notes', '--json'], alice);
    expect(json(got.stdout).server).toMatchObject({ name: 'notes', trust: 'none', loggedIn: false });

    const removeForBob = await runGagent(['mcp', 'remove', 'notes'], bob);
    expect(removeForBob.code).toBe(2);
    expect(removeForBob.stderr).toContain('bob has no MCP server named "notes"');
    expect((await runGagent(['mcp', 'remove', 'notes'], alice)).code).toBe(0);
    expect(json((await runGagent(['mcp', 'list', '--json'], alice)).stdout).servers).toEqual([]);
  });

  it('refuses bad input with one sentence and exit 2, storing nothing', async () => {
    const env = cliEnv(tempHome());
    const cases: [string[], string][] = [
      [['mcp', 'add', 'Bad Name!', 'http://127.0.0.1:9/mcp'], 'is not a valid MCP server name'],
      [['mcp', 'add', 'x', 'ftp://127.0.0.1/mcp'], 'must be an http or https URL'],
      [['mcp', 'add', 'x'], 'Say where the server is'],
      [['mcp', 'add', 'x', 'http://127.0.0.1:9/mcp', '--env', 'A=b'], '--env is for stdio programs'],
      [
        ['mcp', 'add', 'x', '--header', 'A: b', '--', 'node', 'server.js'],
        '--header and --transport are for remote',
      ],
      [['mcp', 'add', 'x', '--env', 'not-a-pair', '--', 'node'], 'is not NAME=value'],
      [['mcp', 'add', 'x', 'http://127.0.0.1:9/mcp', '--header', 'X-A: one\rtwo'], 'control character'],
      [['mcp', 'add', 'x', 'http://127.0.0.1:9/mcp', '--callback-port', '70000'], '--callback-port must be'],
      [['mcp', 'get', 'nothing'], 'has no MCP server named "nothing"'],
    ];
    for (const [args, sentence] of cases) {
      const out = await runGagent(args, env);
      expect(out.code, args.join(' ')).toBe(2);
      expect(out.stderr).toContain(sentence);
      expect(out.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    }
    expect(json((await runGagent(['mcp', 'list', '--json'], env)).stdout).servers).toEqual([]);
  });
});

describe('gagent mcp import', () => {
  it('reads the common mcpServers shape, expands ${VAR} from the environment, and skips disabled ones', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'mcp.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        mcpServers: {
          files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv'] },
          remote: {
            type: 'http',
            url: 'https://mcp.example.test/mcp',
            headers: { Authorization: 'Bearer ${DEMO_TOKEN}' },
          },
          gemini: { httpUrl: 'http://127.0.0.1:9/mcp' },
          legacy: { type: 'sse', url: 'http://127.0.0.1:9/sse' },
          memory: {
            command: 'mcp-server-memory',
            env: { MEMORY_FILE_PATH: '${MEM_PATH:-/tmp/memory.jsonl}' },
          },
          off: { command: 'nothing', disabled: true },
        },
      }),
    );
    const env = cliEnv(tempHome(), { DEMO_TOKEN: 'imported-token-secret-2' });
    const out = await runGagent(['mcp', 'import', file, '--json'], env);
    expect(out.code, out.stderr).toBe(0);
    expect(json(out.stdout)).toMatchObject({ skipped: ['off'] });
    const servers = json((await runGagent(['mcp', 'list', '--json'], env)).stdout).servers;
    expect(servers.map((s: { name: string; transport: string }) => [s.name, s.transport])).toEqual([
      ['files', 'stdio'],
      ['gemini', 'http'],
      ['legacy', 'sse'],
      ['memory', 'stdio'],
      ['remote', 'http'],
    ]);
    expect(servers.find((s: { name: string }) => s.name === 'remote').headers).toEqual({
      Authorization: '[REDACTED]',
    });
    expect(out.stdout + out.stderr).not.toContain('imported-token-secret-2');
  });

  it('refuses a file that is not an mcpServers file, or names an unset variable, importing none of it', async () => {
    const dir = tempDir();
    const env = cliEnv(tempHome());
    const notJson = path.join(dir, 'broken.json');
    fs.writeFileSync(notJson, '{"mcpServers": ');
    const unset = path.join(dir, 'unset.json');
    fs.writeFileSync(
      unset,
      JSON.stringify({
        mcpServers: {
          good: { url: 'http://127.0.0.1:9/mcp' },
          bad: { url: 'http://127.0.0.1:9/mcp', headers: { 'X-Key': '${NOT_SET_ANYWHERE}' } },
        },
      }),
    );
    for (const [file, sentence] of [
      [notJson, 'is not an MCP servers file'],
      [unset, 'uses ${NOT_SET_ANYWHERE}, which is not set'],
      [path.join(dir, 'missing.json'), 'Cannot read'],
    ] as const) {
      const out = await runGagent(['mcp', 'import', file], env);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(sentence);
    }
    expect(json((await runGagent(['mcp', 'list', '--json'], env)).stdout).servers).toEqual([]);
  });
});
