/**
 * Environment + flags → one typed Config. This is the only module that reads process.env;
 * everything else receives a Config (or the slice it needs).
 *
 * Each part is parsed when a command first reads it, so only what a command uses can fail it:
 * a bad GAGENT_MODEL stops `gagent run`, never `gagent status`. Secrets and the child-process
 * environment are read leniently and at once, so redaction never depends on a parse succeeding.
 */
import path from 'node:path';
import envPaths from 'env-paths';
import {
  type ControllerUrlPrefix,
  controllerUrlPrefix,
  parseControllerUrls,
} from './config/controller-urls.js';
import { type EnvMcpServer, parseMcpServers } from './config/mcp-servers.js';
import { baseUrlVariable, keyVariable, MODEL_PROVIDERS } from './config/model-providers.js';
import {
  type DatabaseLocation,
  type Env,
  type ModelProviderName,
  type ModelSpec,
  nonEmpty,
  parseHttpUrl,
  parseMegabytes,
  parseModelSpec,
  parsePositiveInt,
  parseScreenshotRetention,
  parseSeconds,
  parseUser,
  resolveDatabase,
  type ScreenshotRetention,
} from './config/parse.js';
import { childEnvironment, envSecrets } from './config/secrets.js';
import { UsageError } from './errors.js';
import type { ProxySettings } from './http.js';

export { type ControllerUrlPrefix, isAllowedControllerUrl } from './config/controller-urls.js';
export { groundingCredentials, modelCredentials } from './config/endpoints.js';
export { type EnvMcpServer, MCP_TRUST_LEVELS, type McpTrust } from './config/mcp-servers.js';
export {
  type DatabaseLocation,
  MODEL_PROVIDERS,
  type ModelProviderName,
  type ModelSpec,
  parseHeaderList,
  parseModelSpec,
  type ScreenshotRetention,
} from './config/parse.js';

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

const AUTH_CONFIG_ENV = /^COMPOSIO_([A-Z0-9_]+)_AUTH_CONFIG_ID$/;

/** A value computed on first read, then kept (an error is thrown again on every read). */
function lazily<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

function httpUrl(value: string | undefined, name: string): string | undefined {
  return value ? parseHttpUrl(value, name).toString() : undefined;
}

function composioConfig(env: Env): ComposioConfig {
  const authConfigIds: Record<string, string> = {};
  for (const [key, raw] of Object.entries(env)) {
    const match = AUTH_CONFIG_ENV.exec(key);
    const value = nonEmpty(raw);
    if (match?.[1] && value) authConfigIds[match[1].toLowerCase()] = value;
  }
  const redirect = nonEmpty(env.COMPOSIO_REDIRECT);
  return {
    apiKey: nonEmpty(env.COMPOSIO_API_KEY),
    baseUrl: httpUrl(nonEmpty(env.COMPOSIO_BASE_URL), 'COMPOSIO_BASE_URL')?.replace(/\/$/, ''),
    redirect: redirect ? parseHttpUrl(redirect, 'COMPOSIO_REDIRECT') : undefined,
    mcpServerId: nonEmpty(env.COMPOSIO_MCP_SERVER_ID),
    token: nonEmpty(env.COMPOSIO_TOKEN),
    authConfigIds,
  };
}

function groundingConfig(flags: ConfigFlags, env: Env): GroundingConfig | undefined {
  const raw = nonEmpty(flags.groundingModel) ?? nonEmpty(env.GAGENT_GROUNDING_MODEL);
  if (!raw) return undefined;
  const width = parsePositiveInt(nonEmpty(env.GAGENT_GROUNDING_WIDTH), 'GAGENT_GROUNDING_WIDTH');
  const height = parsePositiveInt(nonEmpty(env.GAGENT_GROUNDING_HEIGHT), 'GAGENT_GROUNDING_HEIGHT');
  if ((width === undefined) !== (height === undefined)) {
    throw new UsageError('Set both GAGENT_GROUNDING_WIDTH and GAGENT_GROUNDING_HEIGHT, or neither.');
  }
  return {
    model: parseModelSpec(raw, flags.groundingModel ? '--grounding-model' : 'GAGENT_GROUNDING_MODEL'),
    baseUrl: httpUrl(nonEmpty(env.GAGENT_GROUNDING_BASE_URL), 'GAGENT_GROUNDING_BASE_URL'),
    apiKey: nonEmpty(env.GAGENT_GROUNDING_API_KEY),
    width,
    height,
  };
}

function controllerName(flags: ConfigFlags, env: Env): ControllerName {
  const raw = nonEmpty(flags.controller) ?? nonEmpty(env.GAGENT_CONTROLLER) ?? 'local';
  if (!(CONTROLLERS as readonly string[]).includes(raw)) {
    throw new UsageError(`Unknown controller "${raw}".`, `Choose one of: ${CONTROLLERS.join(', ')}.`);
  }
  return raw as ControllerName;
}

function endpoint(env: Env, provider: ModelProviderName): EndpointCredentials {
  return {
    apiKey: nonEmpty(env[keyVariable(provider)]),
    baseUrl: httpUrl(nonEmpty(env[baseUrlVariable(provider)]), baseUrlVariable(provider)),
  };
}

/** One lazily parsed endpoint per provider: a bad ANTHROPIC_BASE_URL never stops an OpenAI run. */
function modelEndpoints(env: Env): Record<ModelProviderName, EndpointCredentials> {
  const out = {} as Record<ModelProviderName, EndpointCredentials>;
  for (const provider of MODEL_PROVIDERS) {
    const read = lazily(() => endpoint(env, provider));
    Object.defineProperty(out, provider, { get: read, enumerable: true });
  }
  return out;
}

export function loadConfig(flags: ConfigFlags = {}, env: Env = process.env): Config {
  const home = lazily(() =>
    path.resolve(nonEmpty(env.GAGENT_HOME) ?? envPaths('gagent', { suffix: '' }).data),
  );
  const database = lazily(() => resolveDatabase(env, home()));
  const user = lazily(() => parseUser(flags.user, env));
  const composio = lazily(() => composioConfig(env));
  const mcpServers = lazily(() => parseMcpServers(env));
  const model = lazily(() => {
    const raw = nonEmpty(flags.model) ?? nonEmpty(env.GAGENT_MODEL);
    return raw ? parseModelSpec(raw, flags.model ? '--model' : 'GAGENT_MODEL') : undefined;
  });
  const endpoints = modelEndpoints(env);
  const grounding = lazily(() => groundingConfig(flags, env));
  const modelTimeoutMs = lazily(
    () => (parsePositiveInt(nonEmpty(env.GAGENT_MODEL_TIMEOUT), 'GAGENT_MODEL_TIMEOUT') ?? 120) * 1000,
  );
  const maxResultBytes = lazily(() =>
    Math.round(
      (parseMegabytes(nonEmpty(env.GAGENT_MCP_MAX_RESULT_MB), 'GAGENT_MCP_MAX_RESULT_MB') ?? 4) * 1024 * 1024,
    ),
  );
  const mcpTimeoutMs = lazily(() =>
    Math.round((parseSeconds(nonEmpty(env.GAGENT_MCP_TIMEOUT), 'GAGENT_MCP_TIMEOUT') ?? 5) * 1000),
  );
  const mcpGraceMs = lazily(() => {
    const raw = nonEmpty(env.GAGENT_MCP_GRACE);
    if (raw !== undefined && /^0+(\.0*)?$/.test(raw)) return 0;
    const seconds = parseSeconds(raw, 'GAGENT_MCP_GRACE') ?? 2;
    if (seconds > 60) throw new UsageError(`GAGENT_MCP_GRACE must be at most 60 seconds, got "${raw}".`);
    return Math.round(seconds * 1000);
  });
  const contextTokens = lazily(() => {
    const tokens = parsePositiveInt(nonEmpty(env.GAGENT_CONTEXT_TOKENS), 'GAGENT_CONTEXT_TOKENS') ?? 24_000;
    if (tokens < 4_000)
      throw new UsageError(
        `GAGENT_CONTEXT_TOKENS must be at least 4000, got "${env.GAGENT_CONTEXT_TOKENS}".`,
      );
    return tokens;
  });
  const keepScreenshots = lazily(() =>
    parseScreenshotRetention(env.GAGENT_KEEP_SCREENSHOTS, 'GAGENT_KEEP_SCREENSHOTS'),
  );
  const controller = lazily(() => controllerName(flags, env));
  const controllerUrl = lazily(() =>
    httpUrl(nonEmpty(flags.controllerUrl) ?? nonEmpty(env.GAGENT_CONTROLLER_URL), '--controller-url'),
  );
  const allowedControllerUrls = lazily(() => {
    const own = nonEmpty(env.GAGENT_CONTROLLER_URL);
    const ownPrefix = own ? controllerUrlPrefix(own) : null;
    return [
      ...parseControllerUrls(env.GAGENT_CONTROLLER_URLS, 'GAGENT_CONTROLLER_URLS'),
      ...(ownPrefix ? [ownPrefix] : []),
    ];
  });
  const secrets = envSecrets(env);
  const allowStdioServers = !flags.shared || env.GAGENT_ALLOW_STDIO === '1';

  return {
    allowStdioServers,
    get home() {
      return home();
    },
    get database() {
      return database();
    },
    get user() {
      return user();
    },
    debug: env.GAGENT_DEBUG === '1' || env.GAGENT_DEBUG === 'true',
    get composio() {
      return composio();
    },
    get mcpServers() {
      return mcpServers();
    },
    get model() {
      return model();
    },
    modelEndpoints: endpoints,
    get grounding() {
      return grounding();
    },
    get modelTimeoutMs() {
      return modelTimeoutMs();
    },
    get mcpMaxResultBytes() {
      return maxResultBytes();
    },
    get mcpTimeoutMs() {
      return mcpTimeoutMs();
    },
    get mcpGraceMs() {
      return mcpGraceMs();
    },
    get contextTokens() {
      return contextTokens();
    },
    get keepScreenshots() {
      return keepScreenshots();
    },
    get controller() {
      return controller();
    },
    get controllerUrl() {
      return controllerUrl();
    },
    get allowedControllerUrls() {
      return allowedControllerUrls();
    },
    display: nonEmpty(env.DISPLAY),
    waylandDisplay: nonEmpty(env.WAYLAND_DISPLAY),
    ssh: !!(nonEmpty(env.SSH_CONNECTION) ?? nonEmpty(env.SSH_TTY)),
    browser: nonEmpty(env.BROWSER?.split(':')[0]),
    searchPath: env.PATH ?? '',
    proxy: {
      http: nonEmpty(env.HTTP_PROXY) ?? nonEmpty(env.http_proxy) ?? '',
      https: nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy) ?? '',
      noProxy: nonEmpty(env.NO_PROXY) ?? nonEmpty(env.no_proxy) ?? '',
    },
    serveToken: nonEmpty(env.GAGENT_SERVE_TOKEN),
    secrets,
    childEnv: childEnvironment(env, secrets),
  };
}
