/** In-memory state of the fake Composio API, and the JSON shapes the real client expects. */
import { randomBytes, randomUUID } from 'node:crypto';

export type FakeAccountStatus =
  | 'INITIALIZING'
  | 'INITIATED'
  | 'ACTIVE'
  | 'FAILED'
  | 'EXPIRED'
  | 'INACTIVE'
  | 'REVOKED';

export interface FakeToolkit {
  slug: string;
  name: string;
}

/**
 * The toolkits the fake's Composio offers (a small slice of the real catalogue): any other slug is
 * unknown, as it is to the real API.
 */
export const DEFAULT_TOOLKITS: readonly FakeToolkit[] = [
  { slug: 'gmail', name: 'Gmail' },
  { slug: 'slack', name: 'Slack' },
  { slug: 'github', name: 'GitHub' },
  { slug: 'googlecalendar', name: 'Google Calendar' },
  { slug: 'googledrive', name: 'Google Drive' },
  { slug: 'notion', name: 'Notion' },
  { slug: 'linear', name: 'Linear' },
  { slug: 'outlook', name: 'Outlook' },
];

export interface FakeAuthConfig {
  id: string;
  toolkit: string;
  status: 'ENABLED' | 'DISABLED';
  authScheme: string;
  managed: boolean;
}

export interface FakeAccount {
  id: string;
  userId: string;
  authConfigId: string;
  toolkit: string;
  status: FakeAccountStatus;
  statusReason: string | null;
  callbackUrl: string | null;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
}

export interface FakeSession {
  id: string;
  userId: string;
  toolkits: string[];
  connectedAccounts: Record<string, string[]>;
}

export interface FakeMcpServer {
  id: string;
  name: string;
  toolkits: string[];
  authConfigIds: string[];
  allowedTools: string[];
}

const iso = (ms = Date.now()) => new Date(ms).toISOString();
const nanoid = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;

export class FakeComposioState {
  readonly toolkits = new Map<string, FakeToolkit>(DEFAULT_TOOLKITS.map((t) => [t.slug, t]));
  readonly authConfigs = new Map<string, FakeAuthConfig>();
  readonly accounts = new Map<string, FakeAccount>();
  readonly sessions = new Map<string, FakeSession>();
  readonly mcpServers = new Map<string, FakeMcpServer>();
  /** The OAuth access token an ACTIVE account's state carries, as Composio returns it. */
  accessToken = 'fake-access-token-not-a-secret';

  addAuthConfig(config: Partial<FakeAuthConfig> & { toolkit: string }): FakeAuthConfig {
    const full: FakeAuthConfig = {
      id: config.id ?? nanoid('ac_'),
      status: config.status ?? 'ENABLED',
      authScheme: config.authScheme ?? 'OAUTH2',
      managed: config.managed ?? true,
      toolkit: config.toolkit,
    };
    this.authConfigs.set(full.id, full);
    return full;
  }

  createAccount(
    userId: string,
    authConfigId: string,
    callbackUrl: string | null,
    status: FakeAccountStatus = 'INITIATED',
  ): FakeAccount {
    const config = this.authConfigs.get(authConfigId);
    const account: FakeAccount = {
      id: nanoid('ca_'),
      userId,
      authConfigId,
      toolkit: config?.toolkit ?? 'unknown',
      status,
      statusReason: null,
      callbackUrl,
      createdAt: iso(),
      updatedAt: iso(),
      deleted: false,
    };
    this.accounts.set(account.id, account);
    return account;
  }

  setAccountStatus(id: string, status: FakeAccountStatus, reason: string | null = null): void {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`fake composio: no account ${id}`);
    account.status = status;
    account.statusReason = reason;
    account.updatedAt = iso();
  }

  createSession(
    userId: string,
    toolkits: string[],
    connectedAccounts: Record<string, string[]>,
  ): FakeSession {
    const session = { id: `trs_${randomBytes(6).toString('hex')}`, userId, toolkits, connectedAccounts };
    this.sessions.set(session.id, session);
    return session;
  }

  createMcpServer(
    name: string,
    toolkits: string[],
    authConfigIds: string[],
    allowedTools: string[],
  ): FakeMcpServer {
    const server = { id: randomUUID(), name, toolkits, authConfigIds, allowedTools };
    this.mcpServers.set(server.id, server);
    return server;
  }
}

export function authConfigJson(config: FakeAuthConfig) {
  return {
    id: config.id,
    uuid: randomUUID(),
    name: `${config.toolkit} auth config`,
    no_of_connections: 0,
    status: config.status,
    type: config.managed ? 'default' : 'custom',
    auth_scheme: config.authScheme,
    is_composio_managed: config.managed,
    is_enabled_for_tool_router: true,
    toolkit: { slug: config.toolkit, logo: `https://logos.composio.dev/api/${config.toolkit}` },
    tool_access_config: {},
    credentials: {},
    expected_input_fields: [],
    created_at: '2026-01-01T00:00:00.000Z',
    last_updated_at: '2026-01-01T00:00:00.000Z',
    created_by: 'fake',
  };
}

export function accountJson(
  account: FakeAccount,
  authConfig: FakeAuthConfig | undefined,
  accessToken = 'fake-access-token-not-a-secret',
) {
  const val =
    account.status === 'ACTIVE'
      ? { status: 'ACTIVE', access_token: accessToken, token_type: 'Bearer' }
      : {
          status: account.status === 'INITIATED' ? 'INITIATED' : account.status,
          redirectUrl: 'https://example.invalid/oauth',
        };
  return {
    id: account.id,
    alias: null,
    word_id: null,
    user_id: account.userId,
    status: account.status,
    status_reason: account.statusReason,
    is_disabled: false,
    created_at: account.createdAt,
    updated_at: account.updatedAt,
    toolkit: { slug: account.toolkit },
    auth_config: {
      id: account.authConfigId,
      auth_scheme: authConfig?.authScheme ?? 'OAUTH2',
      is_composio_managed: authConfig?.managed ?? true,
      is_disabled: authConfig?.status === 'DISABLED',
    },
    state: { authScheme: authConfig?.authScheme ?? 'OAUTH2', val },
    data: {},
    params: {},
  };
}

export function sessionJson(session: FakeSession, origin: string) {
  return {
    session_id: session.id,
    config: { user_id: session.userId, execute: {}, preload: { tools: [] }, search: {} },
    config_version: 1,
    mcp: { type: 'http', url: `${origin}/tool_router/${session.id}/mcp` },
    tool_router_tools: [],
  };
}

export function mcpServerJson(server: FakeMcpServer, origin: string) {
  return {
    id: server.id,
    name: server.name,
    allowed_tools: server.allowedTools,
    auth_config_ids: server.authConfigIds,
    toolkits: server.toolkits,
    managed_auth_via_composio: false,
    commands: { claude: '', cursor: '', windsurf: '' },
    mcp_url: `${origin}/v3/mcp/${server.id}`,
    toolkit_icons: {},
    server_instance_count: 0,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    deleted: false,
  };
}

/** A toolkit as GET /api/v3.1/toolkits/{slug} answers it (ToolkitRetrieveResponse). */
export function toolkitJson(toolkit: FakeToolkit) {
  return {
    slug: toolkit.slug,
    name: toolkit.name,
    enabled: true,
    type: 'native',
    is_local_toolkit: false,
    composio_managed_auth: [],
    composio_managed_auth_schemes: ['OAUTH2'],
    deprecated: { rawProxyInfoByAuthSchemes: [], toolkitId: `tk_${toolkit.slug}` },
    meta: toolkitMeta(toolkit),
  };
}

/** A toolkit as an item of GET /api/v3.1/toolkits (ToolkitListResponse.Item). */
export function toolkitItemJson(toolkit: FakeToolkit) {
  return {
    slug: toolkit.slug,
    name: toolkit.name,
    type: 'native',
    is_local_toolkit: false,
    auth_schemes: ['OAUTH2'],
    composio_managed_auth_schemes: ['OAUTH2'],
    no_auth: false,
    deprecated: { toolkitId: `tk_${toolkit.slug}` },
    meta: { ...toolkitMeta(toolkit), categories: [] },
  };
}

function toolkitMeta(toolkit: FakeToolkit) {
  return {
    available_versions: ['20250909_00'],
    categories: [],
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    description: `${toolkit.name} (fake)`,
    logo: `https://logos.composio.dev/api/${toolkit.slug}`,
    tools_count: 2,
    triggers_count: 0,
    version: '20250909_00',
  };
}

export function listJson<T>(items: T[]) {
  return { items, total_items: items.length, total_pages: 1, current_page: 1, next_cursor: null };
}
