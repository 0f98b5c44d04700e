/** The shape of gagent's configuration: what loadConfig (config.ts) gives every command. */

import type { ProxySettings } from '../http.js';
import type { ControllerUrlPrefix } from './controller-urls.js';
import type { EnvMcpServer } from './mcp-servers.js';
import type { DatabaseLocation, ModelProviderName, ModelSpec, ScreenshotRetention } from './parse.js';

export const CONTROLLERS = ['local', 'browser', 'osworld', 'none'] as const;
export type ControllerName = (typeof CONTROLLERS)[number];

export interface EndpointCredentials {
  apiKey?: string;
  baseUrl?: string;
}

export interface GroundingConfig {
  model: ModelSpec;
  baseUrl?: string;
  apiKey?: string;
  /** The coordinate space the grounding model answers in (UI-TARS: its input image size). */
  width?: number;
  height?: number;
}

export interface ComposioConfig {
  apiKey?: string;
  baseUrl?: string;
  redirect?: URL;
  mcpServerId?: string;
  token?: string;
  /** provider (lower case) → auth config id from COMPOSIO_<PROVIDER>_AUTH_CONFIG_ID */
  authConfigIds: Record<string, string>;
}

export interface Config {
  readonly home: string;
  /** The database: a SQLite file under the home (default) or DB_URL (file: or postgres://). */
  readonly database: DatabaseLocation;
  readonly user: string;
  readonly debug: boolean;
  readonly composio: ComposioConfig;
  readonly mcpServers: EnvMcpServer[];
  readonly model?: ModelSpec;
  /** Each model provider's key and base URL (OPENAI_API_KEY, ANTHROPIC_BASE_URL, …), parsed when read. */
  readonly modelEndpoints: Record<ModelProviderName, EndpointCredentials>;
  readonly grounding?: GroundingConfig;
  /** One deadline for all of a step's model requests (GAGENT_MODEL_TIMEOUT seconds; default 120). */
  readonly modelTimeoutMs: number;
  /** The most one MCP response may make gagent hold (GAGENT_MCP_MAX_RESULT_MB; default 4). */
  readonly mcpMaxResultBytes: number;
  /** How long an MCP server may take to connect and list its tools (GAGENT_MCP_TIMEOUT seconds; default 5). */
  readonly mcpTimeoutMs: number;
  /** How long a run's first model request waits for MCP servers still connecting (GAGENT_MCP_GRACE seconds; default 2, 0 = not at all). */
  readonly mcpGraceMs: number;
  /** The most one model request may cost, in estimated tokens (GAGENT_CONTEXT_TOKENS; default 24,000). */
  readonly contextTokens: number;
  /** How long runs' screenshots are kept (GAGENT_KEEP_SCREENSHOTS: all, none, or days; default all). */
  readonly keepScreenshots: ScreenshotRetention;
  readonly controller: ControllerName;
  readonly controllerUrl?: string;
  /**
   * The controller URLs a run submitted to serve or a worker may name: GAGENT_CONTROLLER_URLS, and
   * this process's own GAGENT_CONTROLLER_URL (a run that names none goes there anyway).
   */
  readonly allowedControllerUrls: readonly ControllerUrlPrefix[];
  /**
   * Whether stdio MCP servers may start: always for a user's own commands; in serve and workers
   * only when the operator says so (GAGENT_ALLOW_STDIO=1), since they run programs on this machine.
   */
  readonly allowStdioServers: boolean;
  /** The X DISPLAY the local controller would use, if any. */
  readonly display?: string;
  /** A Wayland session is present (a browser can open even without DISPLAY). */
  readonly waylandDisplay?: string;
  /** Running over SSH: a browser opened here would open on the wrong machine. */
  readonly ssh: boolean;
  /** BROWSER: the command that opens a link (the first of a colon-separated list), as the user set it. */
  readonly browser?: string;
  /** PATH, to find programs such as Chromium without a shell. */
  readonly searchPath: string;
  /** HTTPS_PROXY, HTTP_PROXY and NO_PROXY, for the one HTTP stack. */
  readonly proxy: ProxySettings;
  /** GAGENT_SERVE_TOKEN: the bearer token every `gagent serve` request must carry. */
  readonly serveToken?: string;
  /** Every secret value gagent was given, for the redactor. */
  readonly secrets: readonly string[];
  /** The environment for child processes (the browser, BROWSER): this one without gagent's secrets. */
  readonly childEnv: Record<string, string>;
}

/** Flags that override the environment. */
export interface ConfigFlags {
  user?: string;
  model?: string;
  groundingModel?: string;
  controller?: string;
  controllerUrl?: string;
  /** The command acts for others (serve, worker): stdio MCP servers only with GAGENT_ALLOW_STDIO=1. */
  shared?: boolean;
}
