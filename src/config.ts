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
import { controllerUrlPrefix, parseControllerUrls } from './config/controller-urls.js';
import { parseMcpServers } from './config/mcp-servers.js';
import { baseUrlVariable, keyVariable, MODEL_PROVIDERS } from './config/model-providers.js';
import {
  type Env,
  type ModelProviderName,
  nonEmpty,
  parseHttpUrl,
  parseMegabytes,
  parseModelSpec,
  parsePositiveInt,
  parseScreenshotRetention,
  parseSeconds,
  parseUser,
  resolveDatabase,
} from './config/parse.js';
import { childEnvironment, envSecrets } from './config/secrets.js';
import { UsageError } from './errors.js';

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

import {
  CONTROLLERS,
  type ComposioConfig,
  type Config,
  type ConfigFlags,
  type ControllerName,
  type EndpointCredentials,
  type GroundingConfig,
} from './config/types.js';

export * from './config/types.js';

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
