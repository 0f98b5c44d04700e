/**
 * Scripted model servers on 127.0.0.1 that speak the real wire formats, so the real SDKs talk to
 * them unmodified:
 *
 *   const model = await startOpenAIFake({ script: ['first reply', 'second reply'] });
 *   env.OPENAI_BASE_URL = model.baseUrl;            // …/v1, as the openai SDK expects
 *   const claude = await startAnthropicFake({ script: (req) => req.text.includes('Query:') ? '(10, 20)' : 'ok' });
 *   env.ANTHROPIC_BASE_URL = claude.baseUrl;        // the origin, as the Anthropic SDK expects
 *
 * A script is an array consumed in order, or a function of the recorded request. A reply is text,
 * or a fault: { status, body, retryAfter } | { garbage: true } | { hang: true } | { destroy: true }.
 * Every request is recorded (headers, body, all text, image count) for assertions.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedModelRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Every text part of every message (system included), joined by newlines. */
  text: string;
  /** Text of the last user message only. */
  lastUserText: string;
  images: number;
  model: string;
  /** When it arrived (performance.now() of the server process), and its body's size in bytes. */
  receivedAt: number;
  bytes: number;
}

export type ModelFault =
  | { status: number; body?: string; retryAfter?: number }
  | { garbage: true }
  | { hang: true }
  | { destroy: true };

export type ModelReply = string | { text: string; inputTokens?: number; outputTokens?: number } | ModelFault;

export type ModelScript =
  | ModelReply[]
  | ((request: RecordedModelRequest, index: number) => ModelReply | Promise<ModelReply>);

export interface FakeModelServer {
  baseUrl: string;
  requests(): RecordedModelRequest[];
  setScript(script: ModelScript): void;
  close(): Promise<void>;
}

interface WireFormat {
  prefix: string;
  path: string;
  authorized(headers: http.IncomingHttpHeaders, apiKey: string): boolean;
  record(body: Record<string, unknown>): { text: string; lastUserText: string; images: number };
  respond(model: string, text: string, inputTokens: number, outputTokens: number, n: number): unknown;
  error(status: number, message: string): unknown;
}

type Part = { type?: string; text?: string };

function partsOf(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Part[]) : [];
}

const textOf = (parts: Part[]) =>
  parts
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('\n');

/** What a test asserts on, read from either wire format (they differ in system prompt and image part type). */
function recordChat(rawMessages: unknown, systemParts: Part[], imageType: string) {
  const messages = (rawMessages as { role: string; content: unknown }[] | undefined) ?? [];
  const parts = [...systemParts, ...messages.flatMap((m) => partsOf(m.content))];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return {
    text: textOf(parts),
    lastUserText: textOf(partsOf(lastUser?.content)),
    images: parts.filter((p) => p.type === imageType).length,
  };
}

const openAIFormat: WireFormat = {
  prefix: '/v1',
  path: '/v1/chat/completions',
  authorized: (headers, key) => headers.authorization === `Bearer ${key}`,
  record: (body) => recordChat(body.messages, [], 'image_url'),
  respond: (model, text, inputTokens, outputTokens, n) => ({
    id: `chatcmpl-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: inputTokens,
      completion_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
    },
  }),
  error: (status, message) => ({
    error: { message, type: status === 401 ? 'invalid_request_error' : 'server_error', code: null },
  }),
};

const anthropicFormat: WireFormat = {
  prefix: '',
  path: '/v1/messages',
  authorized: (headers, key) => headers['x-api-key'] === key,
  record: (body) => recordChat(body.messages, partsOf(body.system), 'image'),
  respond: (model, text, inputTokens, outputTokens, n) => ({
    id: `msg_${n}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens },
  }),
  error: (status, message) => ({
    type: 'error',
    error: { type: status === 401 ? 'authentication_error' : 'api_error', message },
  }),
};

async function start(
  format: WireFormat,
  options: { script: ModelScript; apiKey?: string },
): Promise<FakeModelServer> {
  let script = options.script;
  let served = 0;
  const recorded: RecordedModelRequest[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== format.path) {
      return send(404, format.error(404, `no route ${req.method} ${req.url}`));
    }
    if (options.apiKey && !format.authorized(req.headers, options.apiKey)) {
      return send(401, format.error(401, 'Incorrect API key provided.'));
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, format.error(400, 'body is not JSON'));
    }
    const raw = Buffer.concat(chunks);
    const request: RecordedModelRequest = {
      path: format.path,
      headers: req.headers,
      receivedAt: performance.now(),
      bytes: raw.length,
      body,
      model: String(body.model ?? ''),
      ...format.record(body),
    };
    recorded.push(request);
    const index = served++;
    const reply = Array.isArray(script) ? script[index] : await script(request, index);
    if (reply === undefined)
      return send(500, format.error(500, `the test script has no reply #${index + 1}`), {
        'x-should-retry': 'false',
      });
    if (typeof reply === 'string') return send(200, format.respond(request.model, reply, 100, 20, index));
    if ('text' in reply)
      return send(
        200,
        format.respond(request.model, reply.text, reply.inputTokens ?? 100, reply.outputTokens ?? 20, index),
      );
    if ('garbage' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>this is not the API you are looking for');
      return;
    }
    if ('hang' in reply) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('destroy' in reply) {
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string> =
      reply.retryAfter !== undefined ? { 'retry-after': String(reply.retryAfter) } : {};
    if (reply.body !== undefined) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...headers });
      res.end(reply.body);
      return;
    }
    send(reply.status, format.error(reply.status, `injected HTTP ${reply.status}`), headers);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}${format.prefix}`,
    requests: () => [...recorded],
    setScript: (next) => {
      script = next;
      served = 0;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function startOpenAIFake(options: { script: ModelScript; apiKey?: string }): Promise<FakeModelServer> {
  return start(openAIFormat, options);
}

export function startAnthropicFake(options: {
  script: ModelScript;
  apiKey?: string;
}): Promise<FakeModelServer> {
  return start(anthropicFormat, options);
}
