/**
 * The API of `gagent serve`, as one table: each route names the CLI command it runs and how the
 * request becomes that command's arguments and options (so the API is the CLI, over HTTP), or a
 * few special answers (connect, the OAuth callback, submitting a run, the HTML report). The
 * OpenAPI document is built from this table too.
 */
import { z } from 'zod';
import type { CommandPath } from '../definitions.js';

export type Query = URLSearchParams;

export interface CommandRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path with :params, e.g. /v1/runs/:id. */
  path: string;
  summary: string;
  command: CommandPath;
  /** Query parameters the route reads (for the OpenAPI document). */
  query?: Record<string, string>;
  /** The request body's schema, for routes that take one. */
  body?: z.ZodType;
  invocation(
    params: Record<string, string>,
    query: Query,
    body: unknown,
  ): { args: string[]; options: object };
}

export interface SpecialRoute {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  special: 'connect' | 'callback' | 'submit' | 'report' | 'openapi';
  /** Answered without the bearer token (the browser coming back from Composio cannot send one). */
  public?: boolean;
  query?: Record<string, string>;
  /** Request headers the route reads besides the token and X-User-Id (for the OpenAPI document). */
  headers?: Record<string, string>;
  body?: z.ZodType;
}

export type Route = CommandRoute | SpecialRoute;

const flag = (query: Query, name: string) => ['1', 'true', 'yes'].includes(query.get(name) ?? '');

export const ToolCallBody = z.object({ args: z.record(z.string(), z.unknown()).default({}) }).strict();

/** An MCP server as the API takes it: the words and flags of `gagent mcp add`, as JSON. */
export const McpServerBody = z
  .object({
    name: z.string(),
    url: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    transport: z.enum(['http', 'sse']).optional(),
    command: z.string().optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    trust: z.enum(['none', 'read-only-hints']).optional(),
    clientId: z.string().optional(),
    callbackPort: z.number().int().optional(),
  })
  .strict();

function mcpAddInvocation(body: z.infer<typeof McpServerBody>) {
  const where =
    body.url !== undefined
      ? [body.url]
      : body.command !== undefined
        ? [body.command, ...(body.args ?? [])]
        : [];
  return {
    args: [body.name, ...where],
    options: {
      header: Object.entries(body.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      env: Object.entries(body.env ?? {}).map(([k, v]) => `${k}=${v}`),
      ...(body.transport ? { transport: body.transport } : {}),
      ...(body.trust ? { trust: body.trust } : {}),
      ...(body.clientId ? { clientId: body.clientId } : {}),
      ...(body.callbackPort !== undefined ? { callbackPort: String(body.callbackPort) } : {}),
    },
  };
}

export function routes(runRequest: z.ZodType): Route[] {
  return [
    {
      method: 'GET',
      path: '/openapi.json',
      summary: 'This API, as an OpenAPI 3.1 document',
      special: 'openapi',
    },
    {
      method: 'GET',
      path: '/v1/status',
      summary: "The user's accounts and their state (Composio asked at most every 30 s)",
      command: 'status',
      query: { refresh: 'true: ask Composio now' },
      invocation: (_p, q) => ({ args: [], options: { refresh: flag(q, 'refresh') } }),
    },
    {
      method: 'POST',
      path: '/v1/connections/:provider',
      summary: "Start connecting a provider: returns Composio's link for the user to open",
      special: 'connect',
    },
    {
      method: 'GET',
      path: '/v1/connect/callback',
      summary: 'Where Composio sends the browser back (COMPOSIO_REDIRECT names it); finishes the connect',
      special: 'callback',
      public: true,
      query: {
        state: 'the connect it belongs to',
        status: 'success or failed',
        connected_account_id: "Composio's account",
      },
    },
    {
      method: 'DELETE',
      path: '/v1/connections/:provider',
      summary: 'Disconnect a provider: its tools are unavailable at once',
      command: 'disconnect',
      query: { revoke: 'true: also delete the account at Composio' },
      invocation: (p, q) => ({ args: [p.provider as string], options: { revoke: flag(q, 'revoke') } }),
    },
    {
      method: 'GET',
      path: '/v1/tools',
      summary: 'The MCP tools available to the user',
      command: 'tools list',
      invocation: () => ({ args: [], options: {} }),
    },
    {
      method: 'POST',
      path: '/v1/tools/:provider/:tool/call',
      summary: 'Call one tool outside any run',
      command: 'tools call',
      body: ToolCallBody,
      invocation: (p, _q, body) => ({
        args: [p.provider as string, p.tool as string],
        options: { argsJson: JSON.stringify(ToolCallBody.parse(body ?? {}).args) },
      }),
    },
    {
      method: 'GET',
      path: '/v1/runs',
      summary: "The user's runs: queued, running and finished, with the worker of each",
      command: 'runs list',
      query: { limit: 'how many (default 20)' },
      invocation: (_p, q) => ({ args: [], options: { limit: q.get('limit') ?? '20' } }),
    },
    {
      method: 'POST',
      path: '/v1/runs',
      summary:
        "Submit a run: queued for a gagent worker. A controllerUrl must be under the operator's GAGENT_CONTROLLER_URLS",
      special: 'submit',
      headers: {
        'Idempotency-Key':
          'Optional, 1 to 200 visible ASCII characters (a UUID): a retry with the same key and body answers the run already queued (200) instead of queuing another; the same key with another body is 409. Keys are per user and last as long as the run.',
      },
      body: runRequest,
    },
    {
      method: 'GET',
      path: '/v1/runs/:id',
      summary: 'One run, step by step (a unique prefix of the id is enough)',
      command: 'runs show',
      invocation: (p) => ({ args: [p.id as string], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/runs/:id/report',
      summary: 'The run as a self-contained HTML report with its screenshots',
      special: 'report',
    },
    {
      method: 'POST',
      path: '/v1/runs/:id/cancel',
      summary: 'Stop a run: a queued one at once, a running one after its current step',
      command: 'runs cancel',
      invocation: (p) => ({ args: [p.id as string], options: {} }),
    },
    {
      method: 'DELETE',
      path: '/v1/runs/:id',
      summary: 'Delete one run, its steps and screenshots',
      command: 'runs delete',
      invocation: (p) => ({ args: [p.id as string], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/approvals',
      summary: 'The user\'s remembered "always" approvals',
      command: 'approvals list',
      invocation: () => ({ args: [], options: {} }),
    },
    {
      method: 'DELETE',
      path: '/v1/approvals/:server',
      summary: "Forget the approvals of a server's tools",
      command: 'approvals revoke',
      query: { tool: 'only this tool' },
      invocation: (p, q) => ({
        args: [p.server as string, ...(q.get('tool') ? [q.get('tool') as string] : [])],
        options: {},
      }),
    },
    {
      method: 'GET',
      path: '/v1/mcp/servers',
      summary: 'The MCP servers the user added (secrets redacted)',
      command: 'mcp list',
      invocation: () => ({ args: [], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/mcp/servers/:name',
      summary: 'One added MCP server (secrets redacted)',
      command: 'mcp get',
      invocation: (p) => ({ args: [p.name as string], options: {} }),
    },
    {
      method: 'POST',
      path: '/v1/mcp/servers',
      summary:
        'Add (or replace) an MCP server: a url, or a command with args (stdio only where the operator set GAGENT_ALLOW_STDIO=1)',
      command: 'mcp add',
      body: McpServerBody,
      invocation: (_p, _q, body) => mcpAddInvocation(McpServerBody.parse(body)),
    },
    {
      method: 'DELETE',
      path: '/v1/mcp/servers/:name',
      summary: 'Remove an added MCP server and any login to it',
      command: 'mcp remove',
      invocation: (p) => ({ args: [p.name as string], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/debug/mcp-client',
      summary: "The user's MCP servers: source, URL, headers (redacted), session, state, latency, tools",
      command: 'debug mcp-client',
      invocation: () => ({ args: [], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/debug/redirect/:provider',
      summary: 'The callback URL and the Composio link request a connect would make (creates nothing)',
      command: 'debug redirect',
      invocation: (p) => ({ args: [p.provider as string], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/debug/composio-ping',
      summary: 'Is Composio reachable and the key valid, with latency',
      command: 'debug composio-ping',
      invocation: () => ({ args: [], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/debug/auth-configs',
      summary: "Composio's auth configs",
      command: 'debug auth-configs',
      query: { provider: 'only this provider' },
      invocation: (_p, q) => ({ args: q.get('provider') ? [q.get('provider') as string] : [], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/debug/connected-accounts',
      summary: "Composio's view of the user's accounts beside the database's",
      command: 'debug connected-accounts',
      invocation: () => ({ args: [], options: {} }),
    },
    {
      method: 'GET',
      path: '/v1/debug/db',
      summary: 'The database (its URL without a password), engine, schema version, row counts',
      command: 'debug db',
      invocation: () => ({ args: [], options: {} }),
    },
  ];
}

/** The route for a method and path, with its path parameters; null when none matches. */
export function matchRoute(
  table: Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | { allowed: string[] } | null {
  const allowed: string[] = [];
  for (const route of table) {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${route.path.replace(/:([a-z]+)/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    const match = pattern.exec(pathname);
    if (!match) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1] as string);
    });
    return { route, params };
  }
  return allowed.length > 0 ? { allowed } : null;
}
