/** Forwards an MCP request (POST/GET/DELETE, streaming both ways) to an upstream MCP server, as Composio's MCP endpoint would serve it. */
import http from 'node:http';

export function proxyMcp(req: http.IncomingMessage, res: http.ServerResponse, upstream: URL): void {
  const headers: http.OutgoingHttpHeaders = { ...req.headers, host: upstream.host };
  // Composio consumes its own credential; the tools behind it never see the key.
  delete headers['x-api-key'];
  const forward = http.request(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      path: `${upstream.pathname}${upstream.search}`,
      method: req.method,
      headers,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  forward.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { message: `upstream MCP server unreachable: ${err.message}`, code: 502, status: 502 },
      }),
    );
  });
  res.on('close', () => forward.destroy());
  req.pipe(forward);
}
