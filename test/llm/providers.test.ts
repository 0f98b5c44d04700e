import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/http.js';
import { createModelProvider } from '../../src/llm/create-provider.js';
import { toAnthropicMessages } from '../../src/llm/providers/anthropic.js';
import { toOpenAIMessages } from '../../src/llm/providers/openai.js';
import type { ChatMessage } from '../../src/llm/types.js';
import { type FakeModelServer, startAnthropicFake, startOpenAIFake } from '../fakes/model/scripted-server.js';

const KEY = 'sk-test-SECRET-9c1d77';
const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
const servers: FakeModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const conversation: ChatMessage[] = [
  { role: 'system', content: 'You operate a computer.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What is on screen?' },
      { type: 'image', data: PNG, mediaType: 'image/png' },
    ],
  },
];

const kinds = [
  { name: 'openai', start: startOpenAIFake, key: 'OPENAI_API_KEY' },
  { name: 'anthropic', start: startAnthropicFake, key: 'ANTHROPIC_API_KEY' },
] as const;

describe.each(kinds)('$name provider against a server speaking its wire format', ({ name, start, key }) => {
  async function provider(script: Parameters<typeof start>[0]['script'], tuning = {}) {
    const server = await start({ script, apiKey: KEY });
    servers.push(server);
    const model = await createModelProvider(
      { provider: name, model: 'test-model' },
      { apiKey: KEY, baseUrl: server.baseUrl },
      { maxRetries: 3, ...tuning },
    );
    return { server, model };
  }

  it('sends text and images in the provider format and returns text and usage', async () => {
    const { server, model } = await provider([
      { text: 'A login form.', inputTokens: 1234, outputTokens: 56 },
    ]);
    const reply = await model.complete({ messages: conversation, temperature: 0.2 });
    expect(reply).toMatchObject({
      text: 'A login form.',
      usage: { inputTokens: 1234, outputTokens: 56 },
      model: 'test-model',
    });
    const [request] = server.requests();
    expect(request?.images).toBe(1);
    expect(request?.text).toContain('You operate a computer.');
    if (name === 'openai') {
      const messages = request?.body.messages as {
        role: string;
        content: { type: string; image_url?: { url: string } }[];
      }[];
      expect(messages[0]).toEqual({ role: 'system', content: 'You operate a computer.' });
      expect(messages[1]?.content[1]?.image_url?.url).toBe(`data:image/png;base64,${PNG}`);
    } else {
      expect(request?.body.system).toBe('You operate a computer.');
      const messages = request?.body.messages as {
        role: string;
        content: { type: string; source?: unknown }[];
      }[];
      expect(messages).toHaveLength(1);
      expect(messages[0]?.content[1]).toEqual({
        type: 'image',
        source: { type: 'base64', media_type: 'image/png', data: PNG },
      });
    }
  });

  const screens = (): { messages: ChatMessage[]; expected: Record<string, unknown> } => {
    const shots = [randomBytes(600_000).toString('base64'), randomBytes(200_000).toString('base64')];
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You operate a computer.' },
      {
        role: 'user',
        content: [
          // Text from outside that looks like what stands for an image in the body goes as it is.
          { type: 'text', text: 'gagent-image-00000000000000000000000000000000-0 → café 😀' },
          { type: 'image', data: shots[0] as string, mediaType: 'image/png' },
        ],
      },
      { role: 'assistant', content: 'Looking.' },
      {
        role: 'user',
        content: [
          { type: 'image', data: shots[1] as string, mediaType: 'image/jpeg' },
          { type: 'text', text: 'And now?' },
        ],
      },
    ];
    const expected =
      name === 'openai'
        ? { messages: toOpenAIMessages(messages) }
        : (({ system, messages: m }) => ({ system, messages: m }))(toAnthropicMessages(messages));
    return { messages, expected };
  };

  it('streams screenshots into the request with its exact length: the same JSON on the wire, retries included', async () => {
    const bodies: unknown[] = [];
    const recording: FetchLike = (input, init) => {
      bodies.push(init?.body);
      return fetch(input, init);
    };
    const { server, model } = await provider([{ status: 500 }, 'Two screens.'], { fetch: recording });
    const { messages, expected } = screens();
    expect((await model.complete({ messages })).text).toBe('Two screens.');
    const requests = server.requests();
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(request.images).toBe(2);
      expect(request.body).toMatchObject(expected);
      expect(request.headers['content-length']).toBe(String(request.bytes));
      expect(request.headers['transfer-encoding']).toBeUndefined();
    }
    // The SDK never held the request with its pictures as one string: fetch got a stream.
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(body).toBeInstanceOf(ReadableStream);
  });

  it('follows a redirect of the model endpoint as before, the whole request sent again', async () => {
    // Keyless: fetch drops the key when a redirect leaves the origin, as it always has.
    const server = await start({ script: ['Redirected.'] });
    servers.push(server);
    const redirector = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(307, { location: `${new URL(server.baseUrl).origin}${req.url}` }).end(),
      );
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const base = new URL(server.baseUrl);
      base.port = String((redirector.address() as AddressInfo).port);
      const model = await createModelProvider(
        { provider: name, model: 'test-model' },
        { apiKey: KEY, baseUrl: base.toString().replace(/\/$/, '') },
        { maxRetries: 0 },
      );
      const { messages, expected } = screens();
      expect((await model.complete({ messages })).text).toBe('Redirected.');
      const [request] = server.requests();
      expect(request?.images).toBe(2);
      expect(request?.body).toMatchObject(expected);
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('retries 429 (honouring retry-after) and 500, then succeeds', async () => {
    const { server, model } = await provider([{ status: 429, retryAfter: 0 }, { status: 500 }, 'finally']);
    expect((await model.complete({ messages: conversation })).text).toBe('finally');
    expect(server.requests()).toHaveLength(3);
  });

  it('gives up on a server that keeps failing with exit 4, naming the host', async () => {
    const { server, model } = await provider(() => ({ status: 503 }), { maxRetries: 1 });
    await expect(model.complete({ messages: conversation })).rejects.toMatchObject({
      exitCode: 4,
      message: expect.stringMatching(/is unavailable \(HTTP 503\)/),
    });
    expect(server.requests()).toHaveLength(2);
  });

  it('rejects a garbage body with a clear error', async () => {
    const { model } = await provider([{ garbage: true }]);
    await expect(model.complete({ messages: conversation })).rejects.toMatchObject({ exitCode: 1 });
  });

  it('times out a hanging server with exit 4', async () => {
    const { model } = await provider(() => ({ hang: true }), { timeoutMs: 300, maxRetries: 0 });
    await expect(model.complete({ messages: conversation })).rejects.toMatchObject({
      exitCode: 4,
      message: expect.stringContaining('did not answer in time'),
    });
  });

  it('stops at once when aborted', async () => {
    const { model } = await provider(() => ({ hang: true }), { maxRetries: 3 });
    const abort = new AbortController();
    const pending = model.complete({ messages: conversation, signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toMatchObject({ exitCode: 130 });
  });

  it('maps a rejected key to exit 3 without echoing the key', async () => {
    const server = await start({ script: ['never'], apiKey: KEY });
    servers.push(server);
    const model = await createModelProvider(
      { provider: name, model: 'm' },
      { apiKey: 'sk-wrong-key-000', baseUrl: server.baseUrl },
    );
    const error = (await model.complete({ messages: conversation }).catch((e: unknown) => e)) as Error & {
      hint?: string;
    };
    expect(error).toMatchObject({ exitCode: 3, hint: `Check ${key}.` });
    expect(`${error.message} ${(error as { hint?: string }).hint}`).not.toContain('sk-wrong-key-000');
  });

  it('maps an unreachable port to exit 4', async () => {
    const server = await start({ script: [] });
    const url = server.baseUrl;
    await server.close();
    const model = await createModelProvider(
      { provider: name, model: 'm' },
      { apiKey: KEY, baseUrl: url },
      { maxRetries: 0 },
    );
    await expect(model.complete({ messages: conversation })).rejects.toMatchObject({
      exitCode: 4,
      message: expect.stringContaining('Cannot reach'),
    });
  });
});

describe('missing keys', () => {
  it('refuses without a key and without a base URL (exit 3, with the fix)', async () => {
    await expect(createModelProvider({ provider: 'anthropic', model: 'claude' }, {})).rejects.toMatchObject({
      exitCode: 3,
      message: 'ANTHROPIC_API_KEY is not set, so gagent cannot use anthropic:claude.',
    });
  });

  it('allows a keyless OpenAI-compatible server (vLLM, Ollama) when a base URL is set', async () => {
    const server = await startOpenAIFake({ script: ['hello from a local model'] });
    servers.push(server);
    const model = await createModelProvider(
      { provider: 'openai', model: 'llama' },
      { baseUrl: server.baseUrl },
    );
    expect((await model.complete({ messages: [{ role: 'user', content: 'hi' }] })).text).toBe(
      'hello from a local model',
    );
  });
});
