import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedFetch, salvageText } from '../../src/mcp/bounded-fetch.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

async function serve(type: string, body: string): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

const call = (method: string) => ({
  method: 'POST',
  body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: {} }),
});

describe('bounded MCP responses', () => {
  it('passes an answer under the cap through unchanged', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      result: { content: [{ type: 'text', text: 'hi' }] },
    });
    const url = await serve('application/json', body);
    const response = await boundedFetch(1024)(url, call('tools/call'));
    expect(await response.text()).toBe(body);
  });

  it('cuts a JSON tool result past the cap, keeping its beginning and stating the size', async () => {
    const text = `first line "quoted" é\n${'x'.repeat(5000)}`;
    const url = await serve(
      'application/json',
      JSON.stringify({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text }] } }),
    );
    const response = await boundedFetch(1024)(url, call('tools/call'));
    const message = JSON.parse(await response.text());
    expect(message.id).toBe(7);
    const cut = message.result.content[0].text as string;
    expect(cut.startsWith('first line "quoted" é\nxxx')).toBe(true);
    expect(cut).toMatch(
      /\[gagent: cut here: the server's answer was 5.0 KB, more than the 1.0 KB gagent reads/,
    );
  });

  it('turns any other oversized answer into a JSON-RPC error', async () => {
    const url = await serve(
      'application/json',
      JSON.stringify({ jsonrpc: '2.0', id: 7, result: { tools: 'y'.repeat(5000) } }),
    );
    const message = JSON.parse(await (await boundedFetch(1024)(url, call('tools/list'))).text());
    expect(message).toMatchObject({ id: 7, error: { code: -32603 } });
  });

  it('cuts an oversized event of a stream and passes the small ones', async () => {
    const progress = `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } })}\n\n`;
    const big = `event: message\ndata: ${JSON.stringify({ result: { content: [{ type: 'text', text: 'z'.repeat(5000) }] }, jsonrpc: '2.0', id: 7 })}\n\n`;
    const url = await serve('text/event-stream', progress + big);
    const streamed = await (await boundedFetch(1024)(url, call('tools/call'))).text();
    const events = streamed.split('\n\n').filter(Boolean);
    expect(events[0]).toBe(progress.trimEnd());
    const data = JSON.parse((events[1] as string).split('data: ')[1] as string);
    expect(data).toMatchObject({ jsonrpc: '2.0', id: 7, result: { isError: false } });
    expect(data.result.content[0].text).toMatch(/^z+\n\[gagent: cut here/);
  });

  it('salvages the beginning of a text even when the cut falls inside an escape', () => {
    expect(salvageText('{"content":[{"type":"text","text":"ab\\"c\\u00e9\\u00')).toBe('ab"cé');
    expect(salvageText('{"content":[{"type":"image"')).toBe('');
  });
});
