/**
 * A cap on what one MCP response may make gagent hold. The SDK reads a whole response into
 * memory and parses it, so a server answering 100 MB would take hundreds of MB; this fetch
 * wrapper streams the body and, past the cap, keeps only its beginning: a tool result becomes
 * that beginning plus a marker stating the original size, any other answer a JSON-RPC error.
 * Nothing past the cap is ever held (it is read and dropped, to learn the size).
 */
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { formatSize } from '../format.js';

interface RequestInfo {
  id: string | number | null;
  method: string | null;
}

/** The JSON-RPC id and method of our own request (a single message: the SDK never batches). */
function requestInfo(body: RequestInit['body']): RequestInfo {
  if (typeof body !== 'string') return { id: null, method: null };
  try {
    const message = JSON.parse(body) as { id?: unknown; method?: unknown };
    const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null;
    return { id, method: typeof message.method === 'string' ? message.method : null };
  } catch {
    return { id: null, method: null };
  }
}

/** The beginning of the first text content in a cut JSON document, decoded; '' when there is none. */
export function salvageText(prefix: string): string {
  const key = /"text"\s*:\s*"/.exec(prefix);
  if (!key) return '';
  const start = key.index + key[0].length;
  const body = /(?:[^"\\]|\\.)*/y;
  body.lastIndex = start;
  let raw = body.exec(prefix)?.[0] ?? '';
  // The cut may fall inside an escape: drop a trailing lone backslash or a partial \uXXXX.
  raw = raw.replace(/\\u[0-9a-fA-F]{0,3}$|\\$/, '');
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return '';
  }
}

/** The message that stands in for an answer too large to read. */
function standIn(request: RequestInfo, kept: string, originalBytes: number, maxBytes: number): string {
  const note = `the server's answer was ${formatSize(originalBytes)}, more than the ${formatSize(maxBytes)} gagent reads (GAGENT_MCP_MAX_RESULT_MB)`;
  if (request.method === 'tools/call') {
    const text = `${salvageText(kept)}\n[gagent: cut here: ${note}]`;
    return JSON.stringify({
      jsonrpc: '2.0',
      id: request.id,
      result: { content: [{ type: 'text', text }], isError: false },
    });
  }
  return JSON.stringify({ jsonrpc: '2.0', id: request.id, error: { code: -32603, message: `${note}.` } });
}

function withoutLength(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete('content-length');
  copy.delete('content-encoding');
  return copy;
}

/** A JSON body: whole when under the cap, else the stand-in (the rest is read and dropped). */
async function boundJson(response: Response, request: RequestInfo, maxBytes: number): Promise<Response> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total < maxBytes) chunks.push(value.subarray(0, Math.max(0, maxBytes - total)));
    total += value.byteLength;
  }
  const kept = Buffer.concat(chunks);
  const body = total <= maxBytes ? kept : standIn(request, kept.toString('utf8'), total, maxBytes);
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: withoutLength(response.headers),
  });
}

/** An event stream: each event passes whole when under the cap; a larger one becomes the stand-in. */
function boundEvents(request: RequestInfo, maxBytes: number): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let kept = '';
  let bytes = 0;
  let overflow = false;
  let lineEnded = false;
  const flush = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (overflow) {
      // Only our own request's answer can be stood in for; a server-initiated giant is dropped.
      if (request.id !== null) {
        const data = standIn(request, kept.replace(/^data: ?/gm, ''), bytes, maxBytes);
        controller.enqueue(encoder.encode(`event: message\ndata: ${data}\n\n`));
      }
    } else if (kept) {
      controller.enqueue(encoder.encode(`${kept}\n`));
    }
    kept = '';
    bytes = 0;
    overflow = false;
  };
  const feed = (text: string, controller: TransformStreamDefaultController<Uint8Array>) => {
    let at = 0;
    while (at < text.length) {
      const newline = text.indexOf('\n', at);
      const end = newline === -1 ? text.length : newline + 1;
      const piece = text.slice(at, end);
      at = end;
      if (lineEnded && (piece === '\n' || piece === '\r\n')) {
        flush(controller); // a blank line ends an event
        continue;
      }
      lineEnded = piece.endsWith('\n');
      bytes += Buffer.byteLength(piece);
      if (overflow) continue;
      if (bytes <= maxBytes) kept += piece;
      else {
        kept += piece.slice(0, Math.max(0, maxBytes - (bytes - piece.length)));
        overflow = true;
      }
    }
  };
  return new TransformStream({
    transform: (chunk, controller) => feed(decoder.decode(chunk, { stream: true }), controller),
    flush: (controller) => {
      feed(decoder.decode(), controller);
      flush(controller);
    },
  });
}

/** Wraps `base` so that no MCP response makes gagent hold more than about `maxBytes`. */
export function boundedFetch(maxBytes: number, base: FetchLike = fetch): FetchLike {
  return async (url, init) => {
    const response = await base(url, init);
    if (!response.body || !response.ok) return response;
    const request = requestInfo(init?.body);
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/event-stream')) {
      return new Response(response.body.pipeThrough(boundEvents(request, maxBytes)), {
        status: response.status,
        statusText: response.statusText,
        headers: withoutLength(response.headers),
      });
    }
    if (type.includes('application/json')) return boundJson(response, request, maxBytes);
    return response;
  };
}
