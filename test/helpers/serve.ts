/** `gagent serve` as a subprocess on a free loopback port, and a client of its API for tests. */
import type { Cleanups } from './cleanup.js';
import { type SpawnedCli, spawnGagent } from './cli.js';

export const SERVE_TOKEN = 'serve-token-SECRET-3f9a61c0d2e8';

/** Starts `gagent serve --port 0` with `env`; it is stopped (SIGTERM) after the test. */
export async function startServe(
  env: NodeJS.ProcessEnv,
  cleanups: Cleanups,
): Promise<{ url: string; cli: SpawnedCli }> {
  const cli = spawnGagent(['serve', '--port', '0', '--json'], env);
  cleanups.push(() => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
    return cli.done;
  });
  const [, url] = (await cli.waitFor(/"url": "(http:\/\/127\.0\.0\.1:\d+)"/)) as string[];
  return { url: url as string, cli };
}

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads whatever JSON document the API answers
  json: Record<string, any>;
  text: string;
  headers: Headers;
}

/** A client of the API at `base`: method, path, and the user, body and extra headers of the request. */
export function serveApi(base: string, token = SERVE_TOKEN) {
  return async (
    method: string,
    path: string,
    options: { user?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer> => {
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.user) headers['x-user-id'] = options.user;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // an HTML answer
    }
    return { status: res.status, json: json as ApiAnswer['json'], text, headers: res.headers };
  };
}
