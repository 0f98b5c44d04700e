/**
 * What keeps one client from taking the server from everyone: connections per remote address are
 * capped (a client that opens more is cut at once, before it has said anything), headers must
 * arrive within 10 s and the whole request within 60 s, and a body announced over the limit with
 * `Expect: 100-continue` is refused before it is sent. Behind a reverse proxy every request comes
 * from the proxy's address; the cap then bounds the proxy's open connections.
 */
import type http from 'node:http';
import { sendJson } from './http-io.js';

/** Open connections one address may hold. */
export const MAX_CONNECTIONS_PER_ADDRESS = 64;
/** How often Node looks for requests past their header or request timeout. */
export const TIMEOUT_CHECK_MS = 1_000;

export function limitConnections(server: http.Server, maxBodyBytes: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > MAX_CONNECTIONS_PER_ADDRESS) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  server.headersTimeout = 10_000;
  // Receiving a request (headers and body; not answering it) may take a minute at most.
  server.requestTimeout = 60_000;
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      res.once('finish', () => req.socket.destroy());
      sendJson(res, 413, {
        error: {
          code: 'payload_too_large',
          message: `The body is larger than ${Math.round(maxBodyBytes / 1024)} KB.`,
        },
      });
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
}
