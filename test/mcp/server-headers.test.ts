import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { withServerHeaders } from '../../src/mcp/server-headers.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';

const cleanups = cleanupAfterEach();

/** A loopback server that records the headers it gets. */
async function recorder() {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('a server’s own headers', () => {
  it('go to its origin only, never to another host such as its authorization server, and never replace what the request set', async () => {
    const mcp = await recorder();
    const auth = await recorder();
    const f = withServerHeaders(fetch, `${mcp.url}/mcp`, {
      'X-Api-Key': 'k-SECRET-1',
      Authorization: 'Basic no',
    });
    await f(`${mcp.url}/mcp`, { headers: { Authorization: 'Bearer from-oauth' } });
    await f(`${mcp.url}/.well-known/oauth-protected-resource/mcp`);
    await f(`${auth.url}/token`, { method: 'POST', body: 'grant_type=refresh_token' });
    expect(mcp.seen.map((h) => h['x-api-key'])).toEqual(['k-SECRET-1', 'k-SECRET-1']);
    expect(mcp.seen[0]?.authorization).toBe('Bearer from-oauth');
    expect(auth.seen[0]?.['x-api-key']).toBeUndefined();
    expect(auth.seen[0]?.authorization).toBeUndefined();
  });
});
