/**
 * An MCP server behind OAuth, built from the SDK's own server parts (mcpAuthRouter, the bearer
 * middleware, Streamable HTTP) on 127.0.0.1, for what the SDK's example cannot do: refresh tokens
 * (rotated, or kept), short-lived access tokens, revoking them mid-session, RFC 9207's `iss` in the
 * authorization answer, and holding the code exchange until the test lets it go. The authorization
 * endpoint approves at once (or denies), like the SDK's demo. Tokens carry the SECRET marker so
 * the suite's secret scan fails if gagent ever prints one.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidGrantError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type {
  AuthorizationParams,
  OAuthServerProvider,
} from '@modelcontextprotocol/sdk/server/auth/provider.js';
import {
  createOAuthMetadata,
  getOAuthProtectedResourceMetadataUrl,
  mcpAuthRouter,
} from '@modelcontextprotocol/sdk/server/auth/router.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

export interface OAuthFakeOptions {
  /** Lifetime of access tokens, in seconds (default 3600). */
  accessTokenSeconds?: number;
  /** A refresh gives a new refresh token and retires the old one (default true); false: none is returned. */
  rotateRefreshTokens?: boolean;
  /** RFC 9207: advertise `iss` and send it — right, wrong (a mix-up), or not at all. */
  iss?: 'right' | 'wrong' | 'absent';
  /** The authorization endpoint answers access_denied. */
  deny?: boolean;
  /** The metadata names no registration endpoint: clients are registered by hand. */
  registration?: false;
}

interface Grant {
  clientId: string;
  resource?: string;
  expiresAt: number;
}

export interface OAuthFake {
  url: string;
  issuer: string;
  /** Every authorization request's parameters, as the server parsed them. */
  authorizations: AuthorizationParams[];
  /** Refresh requests: how many, and how many were refused. */
  refreshes: { ok: number; refused: number };
  /** HTTP statuses of the MCP endpoint, in order (401s show a token was refused). */
  mcpStatuses: number[];
  /**
   * Makes the token endpoint wait before it answers code exchanges or refreshes, until released;
   * `arrived` settles when the first such request is waiting.
   */
  hold(grant: 'code' | 'refresh'): { arrived: Promise<void>; release(): void };
  /** Every access token stops working (refresh tokens still do). */
  revokeAccessTokens(): void;
  /** Every token stops working. */
  revokeAll(): void;
  /** The refresh tokens the server would accept now. */
  liveRefreshTokens(): string[];
  close(): Promise<void>;
}

export async function startOAuthFake(options: OAuthFakeOptions = {}): Promise<OAuthFake> {
  const clients = new Map<string, OAuthClientInformationFull>();
  const codes = new Map<string, { clientId: string; params: AuthorizationParams }>();
  const access = new Map<string, Grant>();
  const refresh = new Map<string, Grant>();
  const authorizations: AuthorizationParams[] = [];
  const refreshes = { ok: 0, refused: 0 };
  const mcpStatuses: number[] = [];
  const holds: Partial<Record<'code' | 'refresh', { arrive(): void; released: Promise<void> }>> = {};
  const wait = async (grant: 'code' | 'refresh') => {
    const held = holds[grant];
    if (!held) return;
    held.arrive();
    await held.released;
  };
  let app: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;

  const httpServer = http.createServer((req, res) => app?.(req, res));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const mcpUrl = new URL(`${base}/mcp`);
  const issuerUrl = new URL(`${base}/`);

  const issue = (clientId: string, resource?: string, refreshToken?: string): OAuthTokens => {
    const seconds = options.accessTokenSeconds ?? 3600;
    const token = `at-SECRET-${randomUUID()}`;
    access.set(token, { clientId, resource, expiresAt: Date.now() + seconds * 1000 });
    const tokens: OAuthTokens = { access_token: token, token_type: 'bearer', expires_in: seconds };
    if (refreshToken !== undefined) tokens.refresh_token = refreshToken;
    return tokens;
  };

  const provider: OAuthServerProvider = {
    clientsStore: {
      getClient: async (id) => clients.get(id),
      registerClient: async (client) => {
        const full = client as OAuthClientInformationFull;
        clients.set(full.client_id, full);
        return full;
      },
    },
    async authorize(client, params, res) {
      authorizations.push(params);
      const target = new URL(params.redirectUri);
      if (params.state !== undefined) target.searchParams.set('state', params.state);
      if (options.deny) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_description', 'The user said no.');
      } else {
        const code = randomUUID();
        codes.set(code, { clientId: client.client_id, params });
        target.searchParams.set('code', code);
      }
      if (options.iss === 'right') target.searchParams.set('iss', issuerUrl.href);
      if (options.iss === 'wrong') target.searchParams.set('iss', 'https://attacker.example/');
      res.redirect(target.href);
    },
    async challengeForAuthorizationCode(_client, code) {
      const grant = codes.get(code);
      if (!grant) throw new InvalidGrantError('unknown code');
      return grant.params.codeChallenge;
    },
    async exchangeAuthorizationCode(client, code) {
      await wait('code');
      const grant = codes.get(code);
      if (!grant || grant.clientId !== client.client_id) throw new InvalidGrantError('unknown code');
      codes.delete(code);
      const resource = grant.params.resource?.href;
      const refreshToken = `rt-SECRET-${randomUUID()}`;
      refresh.set(refreshToken, {
        clientId: client.client_id,
        resource,
        expiresAt: Number.POSITIVE_INFINITY,
      });
      return issue(client.client_id, resource, refreshToken);
    },
    async exchangeRefreshToken(client, refreshToken) {
      await wait('refresh');
      const grant = refresh.get(refreshToken);
      if (!grant || grant.clientId !== client.client_id) {
        refreshes.refused += 1;
        throw new InvalidGrantError('refresh token is not valid');
      }
      refreshes.ok += 1;
      if (options.rotateRefreshTokens === false) return issue(client.client_id, grant.resource);
      refresh.delete(refreshToken);
      const next = `rt-SECRET-${randomUUID()}`;
      refresh.set(next, grant);
      return issue(client.client_id, grant.resource, next);
    },
    async verifyAccessToken(token) {
      const grant = access.get(token);
      if (!grant || grant.expiresAt < Date.now()) throw new InvalidTokenError('token is not valid');
      return {
        token,
        clientId: grant.clientId,
        scopes: [],
        expiresAt: Math.floor(grant.expiresAt / 1000),
        resource: grant.resource ? new URL(grant.resource) : undefined,
      };
    },
  };

  const express = createMcpExpressApp({ host: '127.0.0.1' });
  if (options.iss !== undefined || options.registration === false) {
    // Served before the SDK's router, which has no field for RFC 9207 and always offers registration.
    const { registration_endpoint, ...metadata } = createOAuthMetadata({ provider, issuerUrl });
    express.get('/.well-known/oauth-authorization-server', (_req: unknown, res: { json(v: unknown): void }) =>
      res.json({
        ...metadata,
        ...(options.registration === false ? {} : { registration_endpoint }),
        ...(options.iss !== undefined ? { authorization_response_iss_parameter_supported: true } : {}),
      }),
    );
  }
  express.use(mcpAuthRouter({ provider, issuerUrl, resourceServerUrl: mcpUrl }));
  const bearer = requireBearerAuth({
    verifier: provider,
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl),
  });
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  express.all('/mcp', (_req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
    res.on('finish', () => mcpStatuses.push(res.statusCode));
    next();
  });
  express.all(
    '/mcp',
    bearer,
    async (req: http.IncomingMessage & { body?: unknown }, res: http.ServerResponse) => {
      const id = req.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!transport) {
        if (req.method !== 'POST' || id || !isInitializeRequest(req.body)) {
          res.writeHead(id ? 404 : 400).end();
          return;
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sid) => void sessions.set(sid, created),
          onsessionclosed: (sid) => void sessions.delete(sid),
        });
        const server = new McpServer({ name: 'oauth-fake', version: '1.0.0' });
        server.registerTool(
          'whoami',
          { description: 'The client the token was issued to' },
          async (extra) => ({
            content: [{ type: 'text', text: `client ${extra.authInfo?.clientId ?? 'nobody'}` }],
          }),
        );
        await server.connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, req.body);
    },
  );
  app = express as unknown as (req: http.IncomingMessage, res: http.ServerResponse) => void;

  return {
    url: mcpUrl.href,
    issuer: issuerUrl.href,
    authorizations,
    refreshes,
    mcpStatuses,
    hold(grant) {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds[grant] = { arrive, released };
      return {
        arrived,
        release: () => {
          delete holds[grant];
          release();
        },
      };
    },
    revokeAccessTokens: () => access.clear(),
    revokeAll: () => {
      access.clear();
      refresh.clear();
    },
    liveRefreshTokens: () => [...refresh.keys()],
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
