/**
 * gagent serve [--host 127.0.0.1] [--port N]: the CLI's commands as a JSON HTTP API (see
 * /openapi.json), for a team or a deployed host. Every request carries the bearer token
 * GAGENT_SERVE_TOKEN and names its user in X-User-Id. Off loopback it refuses to start without a
 * token; on loopback without one it makes a token for this run and prints it once.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../errors.js';
import type { CommandHandler } from '../context.js';
import { databaseReplacedError, REPLACED_CHECK_MS } from '../database-replaced.js';
import type { OptionsOf } from '../definitions.js';
import { wholeNumberFlag } from '../number-flags.js';
import { startServer } from '../serve/server.js';

/** Every address of the machine: no URL of it names one a browser could reach. */
const WILDCARD = /^(0\.0\.0\.0|::|0|)$/;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const MAX_BODY_BYTES = 1024 * 1024;

function parsePort(raw: unknown): number {
  return wholeNumberFlag(raw, '--port', { min: 0, max: 65_535, fallback: 8717 });
}

export const serveCommand: CommandHandler<OptionsOf<'serve'>> = async (ctx, _args, options) => {
  const host = String(options.host ?? '127.0.0.1');
  const port = parsePort(options.port);
  let token = ctx.config.serveToken;
  if (!token && !LOOPBACK.test(host))
    throw new UsageError(
      `gagent serve will not listen on ${host} without GAGENT_SERVE_TOKEN: anyone who reached it could act for every user.`,
      'Set GAGENT_SERVE_TOKEN to a long random secret, or listen on 127.0.0.1.',
    );
  if (token && token.length < 16)
    throw new UsageError(
      'GAGENT_SERVE_TOKEN is too short to keep anyone out.',
      'Use at least 16 random characters.',
    );
  // Read before listening, so a malformed list stops the server rather than every submit.
  const allowedControllerUrls = ctx.config.allowedControllerUrls;
  const made = !token;
  token ??= randomBytes(24).toString('base64url');
  const store = await ctx.store();
  const server = await startServer(
    { store, http: ctx.http, redactor: ctx.redactor, signal: ctx.signal },
    {
      host,
      port,
      token,
      publicCallback: ctx.config.composio.redirect,
      maxBodyBytes: MAX_BODY_BYTES,
      allowedControllerUrls,
      defaultUser: ctx.config.user,
      log: (line) => ctx.output.info(line),
    },
  );
  if (WILDCARD.test(host) && !ctx.config.composio.redirect)
    ctx.output.warn(
      `COMPOSIO_REDIRECT is not set, so Composio would send browsers back to ${server.url}/v1/connect/callback, which no browser can reach. Set it to this server's public URL of /v1/connect/callback.`,
    );
  if (made)
    // Shown once, on the terminal that started the server; never in a log line after this.
    process.stderr.write(`gagent serve: no GAGENT_SERVE_TOKEN set; this run's token is ${token}\n`);
  ctx.redactor.add(token);
  ctx.output.result(
    { url: server.url, database: store.location },
    () => `gagent serve listening on ${server.url} (database ${store.location}); Ctrl+C stops it`,
  );
  const replaced = await new Promise<boolean>((resolve) => {
    const check = setInterval(() => {
      if (!store.replacedOnDisk()) return;
      clearInterval(check);
      resolve(true);
    }, REPLACED_CHECK_MS);
    const stopped = () => {
      clearInterval(check);
      resolve(false);
    };
    if (ctx.signal.aborted) stopped();
    ctx.signal.addEventListener('abort', stopped, { once: true });
  });
  await server.close();
  if (replaced) throw databaseReplacedError(store);
  return 0;
};
