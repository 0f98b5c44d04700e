/**
 * A loopback fake of Composio's REST API (the endpoints gagent uses, in the shapes the real
 * `@composio/core` 0.19 client parses), with a request log, fault injection, control over account
 * outcomes, and an MCP proxy: session MCP URLs live on the fake's own origin (the SDK only adds
 * credentials for same-origin URLs) and are forwarded to an upstream MCP server per toolkit.
 *
 *   const fake = await startFakeComposio({ apiKey: 'ak_test', mcpUpstreams: { gmail: gmailServer.url } });
 *   env.COMPOSIO_BASE_URL = fake.baseUrl; env.COMPOSIO_API_KEY = 'ak_test';
 *   fake.apiRequests()            // what gagent asked, in order
 *   fake.inject({ status: 500, count: 3 })
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyMcp } from './mcp-proxy.js';
import {
  accountJson,
  authConfigJson,
  type FakeAccountStatus,
  FakeComposioState,
  listJson,
  mcpServerJson,
  sessionJson,
  toolkitItemJson,
  toolkitJson,
} from './state.js';

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  at: number;
}

export interface Fault {
  status: number;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Only requests whose "METHOD /path" matches. */
  match?: RegExp;
  retryAfterSeconds?: number;
  message?: string;
  /** Answer with this body instead of an error document (e.g. a 200 with garbage in it). */
  body?: unknown;
}

export interface FakeComposioOptions {
  apiKey?: string;
  /** Toolkit slug → MCP server URL that session/server MCP URLs are proxied to. */
  mcpUpstreams?: Record<string, URL | string>;
  /** Skip the default ENABLED auth configs for gmail and slack. */
  noDefaultAuthConfigs?: boolean;
}

export interface FakeComposio {
  baseUrl: string;
  state: FakeComposioState;
  /** Every /api request, in order. */
  apiRequests(): LoggedRequest[];
  /** MCP requests that went through the proxy. */
  mcpRequests(): LoggedRequest[];
  clearRequests(): void;
  inject(fault: Fault): void;
  /** Matching requests are answered only after `delayMs` (e.g. to kill a client mid-request). */
  slow(match: RegExp, delayMs: number): void;
  setAccountStatus(id: string, status: FakeAccountStatus, reason?: string): void;
  setMcpUpstream(toolkit: string, url: URL | string): void;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function apiError(
  res: http.ServerResponse,
  status: number,
  message: string,
  code = status,
  extra: Record<string, string> = {},
) {
  send(
    res,
    status,
    {
      error: {
        message,
        code,
        status,
        request_id: `req_${Date.now()}`,
        suggested_fix: 'See the Composio docs.',
      },
    },
    { 'x-should-retry': 'false', ...extra },
  );
}

const csv = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : undefined);

export async function startFakeComposio(options: FakeComposioOptions = {}): Promise<FakeComposio> {
  const apiKey = options.apiKey ?? 'ak_fake_test_key';
  const state = new FakeComposioState();
  if (!options.noDefaultAuthConfigs) {
    state.addAuthConfig({ id: 'ac_gmail01', toolkit: 'gmail' });
    state.addAuthConfig({ id: 'ac_slack01', toolkit: 'slack' });
  }
  const upstreams = new Map(Object.entries(options.mcpUpstreams ?? {}).map(([k, v]) => [k, String(v)]));
  const api: LoggedRequest[] = [];
  const mcp: LoggedRequest[] = [];
  const faults: (Fault & { remaining: number })[] = [];
  const delays: { match: RegExp; delayMs: number }[] = [];
  let origin = '';

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);

    // Test-only: the "user" finishing OAuth in a browser.
    const connect = /^\/__fake\/connect\/([^/]+)$/.exec(path);
    if (connect?.[1] && req.method === 'GET') {
      const account = state.accounts.get(connect[1]);
      if (!account) return apiError(res, 404, 'no such account', 1803);
      const outcome = url.searchParams.get('outcome') ?? 'success';
      state.setAccountStatus(
        account.id,
        outcome === 'success' ? 'ACTIVE' : 'FAILED',
        outcome === 'success' ? null : 'OAuth callback failed during token exchange',
      );
      if (!account.callbackUrl) return send(res, 200, { ok: true });
      const target = new URL(account.callbackUrl);
      target.searchParams.set('status', outcome === 'success' ? 'success' : 'failed');
      target.searchParams.set('connected_account_id', account.id);
      res.writeHead(302, { location: target.toString() }).end();
      return;
    }

    const mcpMatch = /^\/(?:tool_router\/([^/]+)|v3\/mcp\/([^/]+))\/mcp$/.exec(path);
    if (mcpMatch) {
      mcp.push({ method: req.method ?? 'GET', path, query, body: undefined, at: Date.now() });
      if (req.headers['x-api-key'] !== apiKey) return apiError(res, 401, 'Invalid or missing API key');
      const toolkit = mcpMatch[1]
        ? state.sessions.get(mcpMatch[1])?.toolkits[0]
        : state.mcpServers.get(mcpMatch[2] as string)?.toolkits[0];
      const upstream = toolkit ? upstreams.get(toolkit) : undefined;
      if (!upstream) return apiError(res, 404, `No MCP endpoint for ${path}`);
      return proxyMcp(req, res, new URL(upstream));
    }

    if (!path.startsWith('/api/')) return apiError(res, 404, `Not found: ${path}`);
    const body = req.method === 'GET' || req.method === 'DELETE' ? undefined : await readBody(req);
    api.push({ method: req.method ?? 'GET', path, query, body, at: Date.now() });

    const delay = delays.find((d) => d.match.test(`${req.method} ${path}`));
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay.delayMs));
    const fault = faults.find((f) => f.remaining > 0 && (!f.match || f.match.test(`${req.method} ${path}`)));
    if (fault) {
      fault.remaining -= 1;
      const extra: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      const message =
        fault.message ?? (fault.status === 401 ? 'Invalid API key' : `Injected fault ${fault.status}`);
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        // 429 with retry-after lets the client retry; other faults answer at once.
        ...(fault.status === 429 ? {} : { 'x-should-retry': 'false' }),
        ...extra,
      });
      res.end(
        JSON.stringify(
          fault.body !== undefined
            ? fault.body
            : { error: { message, code: fault.status, status: fault.status } },
        ),
      );
      return;
    }
    if (req.headers['x-api-key'] !== apiKey) return apiError(res, 401, 'Invalid API key provided', 10401);

    route(req.method ?? 'GET', path, query, body, res);
  });

  type Handler = (
    match: RegExpExecArray,
    query: Record<string, string>,
    body: Record<string, unknown>,
    res: http.ServerResponse,
  ) => void;
  const routes: [string, RegExp, Handler][] = [
    [
      'GET',
      /^\/api\/v3\.1\/auth_configs$/,
      (_m, query, _b, res) => {
        const items = [...state.authConfigs.values()].filter(
          (c) =>
            (!query.toolkit_slug || c.toolkit === query.toolkit_slug) &&
            (query.show_disabled === 'true' || c.status === 'ENABLED'),
        );
        send(res, 200, listJson(items.map(authConfigJson)));
      },
    ],
    [
      'POST',
      /^\/api\/v3\.1\/auth_configs$/,
      (_m, _q, b, res) => {
        const toolkit = (b.toolkit as { slug?: string } | undefined)?.slug ?? '';
        // Composio refuses an auth config for a toolkit it does not have; the exact status for
        // this case is not documented, 400 is what its validation errors use.
        if (!state.toolkits.has(toolkit)) {
          apiError(res, 400, `Toolkit ${toolkit} not found`, 1400);
          return;
        }
        const created = state.addAuthConfig({ toolkit });
        send(res, 201, {
          auth_config: { id: created.id, auth_scheme: created.authScheme, is_composio_managed: true },
          toolkit: { slug: toolkit },
        });
      },
    ],
    [
      'GET',
      /^\/api\/v3\.1\/auth_configs\/([^/]+)$/,
      (m, _q, _b, res) => {
        const config = state.authConfigs.get(m[1] as string);
        if (config) send(res, 200, authConfigJson(config));
        else apiError(res, 404, 'Auth config not found', 1404);
      },
    ],
    [
      'PATCH',
      /^\/api\/v3\.1\/auth_configs\/([^/]+)\/(ENABLED|DISABLED)$/,
      (m, _q, _b, res) => {
        const config = state.authConfigs.get(m[1] as string);
        if (!config) {
          apiError(res, 404, 'Auth config not found', 1404);
          return;
        }
        config.status = m[2] as 'ENABLED' | 'DISABLED';
        send(res, 200, {});
      },
    ],
    [
      'GET',
      /^\/api\/v3\.1\/toolkits$/,
      (_m, query, _b, res) => {
        // Cursor pagination as the real API does it: an opaque cursor, at most 1000 a page.
        const all = [...state.toolkits.values()].sort((x, y) => x.slug.localeCompare(y.slug));
        const limit = Math.min(Math.max(Number(query.limit) || 20, 1), 1000);
        const offset = query.cursor
          ? Number(Buffer.from(query.cursor, 'base64url').toString('utf8')) || 0
          : 0;
        const page = all.slice(offset, offset + limit);
        const next =
          offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64url') : null;
        send(res, 200, {
          items: page.map(toolkitItemJson),
          total_items: all.length,
          total_pages: Math.ceil(all.length / limit),
          current_page: Math.floor(offset / limit) + 1,
          next_cursor: next,
        });
      },
    ],
    [
      'GET',
      /^\/api\/v3\.1\/toolkits\/([^/]+)$/,
      (m, _q, _b, res) => {
        const toolkit = state.toolkits.get(decodeURIComponent(m[1] as string));
        if (toolkit) send(res, 200, toolkitJson(toolkit));
        else apiError(res, 404, `Toolkit ${m[1]} not found`, 1404);
      },
    ],
    [
      'GET',
      /^\/api\/v3\.1\/connected_accounts$/,
      (_m, query, _b, res) => {
        const users = csv(query.user_ids);
        const toolkits = csv(query.toolkit_slugs);
        const statuses = csv(query.statuses);
        const configs = csv(query.auth_config_ids);
        const ids = csv(query.connected_account_ids);
        const items = [...state.accounts.values()]
          .filter(
            (a) =>
              !a.deleted &&
              (!users || users.includes(a.userId)) &&
              (!toolkits || toolkits.includes(a.toolkit)) &&
              (!statuses || statuses.includes(a.status)) &&
              (!configs || configs.includes(a.authConfigId)) &&
              (!ids || ids.includes(a.id)),
          )
          .sort((x, y) => y.updatedAt.localeCompare(x.updatedAt));
        send(
          res,
          200,
          listJson(
            items.map((a) => accountJson(a, state.authConfigs.get(a.authConfigId), state.accessToken)),
          ),
        );
      },
    ],
    [
      'POST',
      /^\/api\/v3\.1\/connected_accounts\/link$/,
      (_m, _q, b, res) => {
        const authConfigId = String(b.auth_config_id ?? '');
        if (!state.authConfigs.has(authConfigId)) {
          apiError(res, 400, `Auth config ${authConfigId} not found`, 1400);
          return;
        }
        const account = state.createAccount(
          String(b.user_id ?? ''),
          authConfigId,
          typeof b.callback_url === 'string' ? b.callback_url : null,
        );
        send(res, 201, {
          connected_account_id: account.id,
          redirect_url: `${origin}/__fake/connect/${account.id}`,
          link_token: `lt_${account.id}`,
          expires_at: new Date(Date.now() + 10 * 60_000).toISOString(),
        });
      },
    ],
    [
      'GET',
      /^\/api\/v3\.1\/connected_accounts\/([^/]+)$/,
      (m, _q, _b, res) => {
        const account = state.accounts.get(m[1] as string);
        if (!account || account.deleted) apiError(res, 404, 'Connected account not found', 1803);
        else
          send(
            res,
            200,
            accountJson(account, state.authConfigs.get(account.authConfigId), state.accessToken),
          );
      },
    ],
    [
      'DELETE',
      /^\/api\/v3\.1\/connected_accounts\/([^/]+)$/,
      (m, _q, _b, res) => {
        const account = state.accounts.get(m[1] as string);
        if (!account || account.deleted) {
          apiError(res, 404, 'Connected account not found', 1803);
          return;
        }
        account.deleted = true;
        send(res, 200, { success: true });
      },
    ],
    [
      'PATCH',
      /^\/api\/v3\.1\/connected_accounts\/([^/]+)\/status$/,
      (m, _q, b, res) => {
        const account = state.accounts.get(m[1] as string);
        if (!account) {
          apiError(res, 404, 'Connected account not found', 1803);
          return;
        }
        state.setAccountStatus(account.id, b.enabled === false ? 'INACTIVE' : 'ACTIVE');
        send(res, 200, { success: true });
      },
    ],
    [
      'POST',
      /^\/api\/v3\.1\/tool_router\/session$/,
      (_m, _q, b, res) => {
        const toolkits = ((b.toolkits as { enable?: string[] } | undefined)?.enable ?? []).map(String);
        const session = state.createSession(
          String(b.user_id ?? ''),
          toolkits,
          (b.connected_accounts as Record<string, string[]>) ?? {},
        );
        send(res, 201, sessionJson(session, origin));
      },
    ],
    [
      'GET',
      /^\/api\/v3\.1\/tool_router\/session\/([^/]+)$/,
      (m, _q, _b, res) => {
        const session = state.sessions.get(m[1] as string);
        if (session) send(res, 200, sessionJson(session, origin));
        else apiError(res, 404, 'Session not found', 1404);
      },
    ],
    [
      'POST',
      /^\/api\/v3\.1\/mcp\/servers(\/custom)?$/,
      (_m, _q, b, res) => {
        const created = state.createMcpServer(
          String(b.name ?? 'server'),
          (b.toolkits as string[]) ?? [],
          (b.auth_config_ids as string[]) ?? [],
          (b.allowed_tools as string[]) ?? [],
        );
        send(res, 201, mcpServerJson(created, origin));
      },
    ],
    [
      'GET',
      /^\/api\/v3\.1\/mcp\/servers$/,
      (_m, _q, _b, res) => {
        send(res, 200, {
          items: [...state.mcpServers.values()].map((s) => mcpServerJson(s, origin)),
          current_page: 1,
          total_pages: 1,
        });
      },
    ],
    [
      'POST',
      /^\/api\/v3\.1\/mcp\/servers\/generate$/,
      (_m, _q, b, res) => {
        const server = state.mcpServers.get(String(b.mcp_server_id ?? ''));
        if (!server) {
          apiError(res, 404, 'MCP server not found', 1404);
          return;
        }
        const base = `${origin}/v3/mcp/${server.id}`;
        send(res, 200, {
          mcp_url: base,
          user_ids_url: ((b.user_ids as string[]) ?? []).map(
            (u) => `${base}?user_id=${encodeURIComponent(u)}`,
          ),
          connected_account_urls: [],
        });
      },
    ],
    [
      'GET',
      /^\/api\/v3\.1\/mcp\/([^/]+)$/,
      (m, _q, _b, res) => {
        const server = state.mcpServers.get(m[1] as string);
        if (server) send(res, 200, mcpServerJson(server, origin));
        else apiError(res, 404, 'MCP server not found', 1404);
      },
    ],
    [
      'DELETE',
      /^\/api\/v3\.1\/mcp\/([^/]+)$/,
      (m, _q, _b, res) => {
        if (state.mcpServers.delete(m[1] as string)) send(res, 200, { id: m[1], deleted: true });
        else apiError(res, 404, 'MCP server not found', 1404);
      },
    ],
  ];

  function route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
    res: http.ServerResponse,
  ): void {
    for (const [routeMethod, pattern, handler] of routes) {
      const match = routeMethod === method ? pattern.exec(path) : null;
      if (match) {
        handler(match, query, (body ?? {}) as Record<string, unknown>, res);
        return;
      }
    }
    apiError(res, 404, `No route for ${method} ${path}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl: origin,
    state,
    apiRequests: () => [...api],
    mcpRequests: () => [...mcp],
    clearRequests: () => {
      api.length = 0;
      mcp.length = 0;
    },
    inject: (fault) => faults.push({ ...fault, remaining: fault.count ?? 1 }),
    slow: (match, delayMs) => void delays.push({ match, delayMs }),
    setAccountStatus: (id, status, reason) => state.setAccountStatus(id, status, reason ?? null),
    setMcpUpstream: (toolkit, url) => void upstreams.set(toolkit, String(url)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
