/**
 * The HTTP server of `gagent serve`: every route of the table behind the bearer token (but the
 * OAuth callback, which the browser reaches and `state` protects), the user from X-User-Id, bodies
 * within a limit, answers as JSON (errors as {error: {code, message}}), one log line per request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { html as callbackPage } from '../../composio/callback-server.js';
import { parseUser } from '../../config/parse.js';
import type { ControllerUrlPrefix } from '../../config.js';
import { UsageError } from '../../errors.js';
import { packageVersion } from '../../package-root.js';
import { requestTarget } from '../../request-target.js';
import { RunRequestSchema } from '../../runner/run-request.js';
import { databaseErrorMessage } from '../../store/db-errors.js';
import { findRun } from '../commands/runs.js';
import { renderRunReport } from '../commands/runs-report.js';
import { handlers } from '../definitions.js';
import { requestContext, runHandler, type ServeDeps } from './api-context.js';
import { limitConnections, TIMEOUT_CHECK_MS } from './connection-limits.js';
import { CALLBACK_PATH, ServeConnects } from './connects.js';
import { errorAnswer, HttpError, hasToken, readJsonBody, sendHtml, sendJson } from './http-io.js';
import { openApiDocument } from './openapi.js';
import { type CommandRoute, matchRoute, routes, type SpecialRoute } from './routes.js';
import { submitFromApi } from './submit.js';

export interface ServeOptions {
  host: string;
  port: number;
  token: string;
  /** The callback route's public URL (COMPOSIO_REDIRECT), when this server sits behind one. */
  publicCallback?: URL;
  /** The most a request body may be. */
  maxBodyBytes: number;
  /** The controller URLs a submitted run may name (GAGENT_CONTROLLER_URLS and the server's own). */
  allowedControllerUrls: readonly ControllerUrlPrefix[];
  /** The default user when a request names none. */
  defaultUser: string;
  log(line: string): void;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** The most a refused body is read (and dropped) so its client can read the 413; past it, the connection is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * After a 413 the client may still be sending: read and drop the rest (within a limit) before
 * answering, so it finishes writing and reads the answer instead of failing on a closed socket.
 * Past the limit, or if it stalls, the connection is cut.
 */
function drainRefused(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    let drained = 0;
    const cut = () => {
      req.socket.destroy();
      resolve();
    };
    const timer = setTimeout(cut, 10_000);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_LIMIT_BYTES) cut();
    });
    req.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
    req.resume();
  });
}

/** A request matched to its route: what answering it needs. */
interface Routed {
  params: Record<string, string>;
  target: URL;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** From X-User-Id, or the server's default user. */
  user: string;
  /** Aborted when the client goes away or the server stops. */
  signal: AbortSignal;
}

export async function startServer(
  shared: Omit<ServeDeps, 'callbackUrl'>,
  options: ServeOptions,
): Promise<RunningServer> {
  const table = routes(RunRequestSchema);
  const version = packageVersion(import.meta.url);
  let base = '';
  const deps: ServeDeps = {
    ...shared,
    callbackUrl: () =>
      options.publicCallback ? new URL(options.publicCallback) : new URL(`${base}${CALLBACK_PATH}`),
  };
  const connects = new ServeConnects(deps);

  const special = async (route: SpecialRoute, { params, target, req, res, user, signal }: Routed) => {
    switch (route.special) {
      case 'openapi':
        return sendJson(res, 200, openApiDocument(table, version));
      case 'callback': {
        const answer = await connects.callback(target.searchParams);
        return callbackPage(res, answer.status, answer.title, answer.body);
      }
      case 'connect':
        return sendJson(res, 201, await connects.start(user, params.provider as string));
      case 'submit': {
        const answer = await submitFromApi(deps.store, user, req, options);
        for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
        return sendJson(res, answer.status, answer.body);
      }
      case 'report': {
        const { ctx } = requestContext(deps, user, signal);
        const run = await findRun(ctx, params.id as string);
        const { html } = await renderRunReport(ctx, run, await deps.store.runs.steps(run.id));
        return sendHtml(res, 200, html);
      }
    }
  };

  const command = async (route: CommandRoute, { params, target, req, res, user, signal }: Routed) => {
    const body = route.method === 'POST' ? await readJsonBody(req, options.maxBodyBytes) : undefined;
    if (route.body && !route.body.safeParse(body ?? {}).success)
      throw new HttpError(
        400,
        'bad_request',
        'The body does not have the fields this route takes; see /openapi.json.',
      );
    const { args, options: commandOptions } = route.invocation(params, target.searchParams, body);
    const handler = await handlers[route.command]();
    const document = await runHandler(deps, user, signal, handler as never, args, commandOptions as never);
    sendJson(res, 200, document);
  };

  const handle = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    target: URL | undefined,
    signal: AbortSignal,
  ) => {
    // HEAD is GET without the body (Node leaves the body out).
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    let found: ReturnType<typeof matchRoute> | 'invalid' = 'invalid';
    try {
      if (target) found = matchRoute(table, method, target.pathname);
    } catch {
      // a path parameter that is not valid percent-encoding
    }
    // The token before anything else: without it, not even which routes exist is said.
    const isPublic = found !== null && found !== 'invalid' && 'route' in found && 'public' in found.route;
    if (!isPublic && !hasToken(req, options.token)) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new HttpError(
        401,
        'unauthorized',
        'This request needs Authorization: Bearer <GAGENT_SERVE_TOKEN>.',
      );
    }
    if (found === 'invalid' || !target) throw new HttpError(400, 'bad_request', 'The path is not valid.');
    if (found === null)
      throw new HttpError(404, 'not_found', `No route ${target.pathname}; see /openapi.json.`);
    if ('allowed' in found) {
      res.setHeader('allow', found.allowed.join(', '));
      throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${target.pathname}.`);
    }
    const { route, params } = found;
    // The callback acts on the connect it names: only the browser's GET may do that.
    if (req.method === 'HEAD' && 'public' in route) {
      res.setHeader('allow', 'GET');
      throw new HttpError(405, 'method_not_allowed', `HEAD is not allowed on ${target.pathname}.`);
    }
    // The same rule as --user: a bad id is one sentence and 400.
    const header = req.headers['x-user-id'];
    const user = header === undefined ? options.defaultUser : parseUser(String(header), {}, 'X-User-Id');
    const routed = { params, target, req, res, user, signal };
    if ('special' in route) await special(route, routed);
    else await command(route, routed);
  };

  const server = http.createServer({ connectionsCheckingInterval: TIMEOUT_CHECK_MS }, (req, res) => {
    const started = performance.now();
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const target = requestTarget(req.url);
    const path = target?.pathname ?? '(not a path)';
    handle(req, res, target, abort.signal)
      .catch(async (err: unknown) => {
        // The client went away mid-request: nobody is left to answer, and it is not our error.
        if (abort.signal.aborted && !res.headersSent) {
          res.statusCode = 499;
          return;
        }
        const answer = errorAnswer(err);
        if (answer.status === 413) await drainRefused(req);
        // A stalled body is not waited for: answer, then close.
        if (answer.status === 408) res.once('finish', () => req.socket.destroy());
        if (answer.status === 500 && !(err instanceof HttpError))
          options.log(`error on ${req.method} ${path}: ${databaseErrorMessage(err)}`);
        if (!res.headersSent)
          sendJson(res, answer.status, {
            error: { code: answer.code, message: answer.message },
            ...(answer.result !== undefined ? { result: answer.result } : {}),
          });
        else res.end();
      })
      .catch(() => {}) // answering failed (the client is gone): nothing is left to tell it
      .finally(() => {
        options.log(`${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)} ms`);
      });
  });
  limitConnections(server, options.maxBodyBytes);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new UsageError(
              `Port ${options.port} on ${options.host} is already in use.`,
              'Pick another with --port.',
            )
          : err,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  base = `http://${host}:${address.port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      }),
  };
}
