/**
 * Environment + flags → one typed Config. This is the only module that reads process.env;
 * everything else receives a Config (or the slice it needs).
 */
import path from 'node:path';
import envPaths from 'env-paths';
import { UsageError } from './errors.js';
import { isSecretName } from './redact.js';

export const CONTROLLERS = ['local', 'browser', 'osworld', 'none'] as const;
export type ControllerName = (typeof CONTROLLERS)[number];

export const MODEL_PROVIDERS = ['openai', 'anthropic'] as const;
export type ModelProviderName = (typeof MODEL_PROVIDERS)[number];

export interface ModelSpec {
  provider: ModelProviderName;
  model: string;
}

export interface EndpointCredentials {
  apiKey?: string;
  baseUrl?: string;
}

/**
 * How far an env-configured server is trusted: by default not at all (every call asks);
 * `read-only-hints` lets its tools that claim to be read-only run without asking.
 */
export const MCP_TRUST_LEVELS = ['none', 'read-only-hints'] as const;
export type McpTrust = (typeof MCP_TRUST_LEVELS)[number];

/** An MCP server given through GAGENT_MCP_<NAME>_URL / _TOKEN / _HEADERS / _TRUST. */
export interface EnvMcpServer {
  name: string;
  url: string;
  token?: string;
  headers: Record<string, string>;
  trust: McpTrust;
}

export interface GroundingConfig {
  model: ModelSpec;
  baseUrl?: string;
  apiKey?: string;
  /** The coordinate space the grounding model answers in (UI-TARS: its input image size). */
  width?: number;
  height?: number;
}

export interface Config {
  home: string;
  dbPath: string;
  user: string;
  debug: boolean;
  composio: {
    apiKey?: string;
    baseUrl?: string;
    redirect?: URL;
    mcpServerId?: string;
    token?: string;
    /** provider (lower case) → auth config id from COMPOSIO_<PROVIDER>_AUTH_CONFIG_ID */
    authConfigIds: Record<string, string>;
  };
  mcpServers: EnvMcpServer[];
  model?: ModelSpec;
  openai: EndpointCredentials;
  anthropic: EndpointCredentials;
  grounding?: GroundingConfig;
  /** Per-request timeout for model calls (GAGENT_MODEL_TIMEOUT seconds; default 120). */
  modelTimeoutMs: number;
  /** The most one MCP response may make gagent hold (GAGENT_MCP_MAX_RESULT_MB; default 4). */
  mcpMaxResultBytes: number;
  controller: ControllerName;
  controllerUrl?: string;
  /** The X DISPLAY the local controller would use, if any. */
  display?: string;
  /** A Wayland session is present (a browser can open even without DISPLAY). */
  waylandDisplay?: string;
  /** Running over SSH: a browser opened here would open on the wrong machine. */
  ssh: boolean;
  /** BROWSER: the command that opens a link (the first of a colon-separated list), as the user set it. */
  browser?: string;
  /** PATH, to find programs such as Chromium without a shell. */
  searchPath: string;
  /** The environment for child processes (the browser, BROWSER): this one without gagent's secrets. */
  childEnv: Record<string, string>;
}

/** Flags that override the environment (DESIGN §2–3). */
export interface ConfigFlags {
  user?: string;
  model?: string;
  groundingModel?: string;
  controller?: string;
  controllerUrl?: string;
}

type Env = Record<string, string | undefined>;

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const MCP_ENV = /^GAGENT_MCP_([A-Z0-9][A-Z0-9_]*?)_(URL|TOKEN|HEADERS|TRUST)$/;
const AUTH_CONFIG_ENV = /^COMPOSIO_([A-Z0-9_]+)_AUTH_CONFIG_ID$/;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseHttpUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${name} is not a valid URL: "${value}".`,
      'Use a full URL such as http://127.0.0.1:8080.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${name} must be an http or https URL, got "${url.protocol}".`);
  }
  return url;
}

export function parseModelSpec(value: string, name: string): ModelSpec {
  const match = /^([a-z]+):(.+)$/.exec(value.trim());
  const provider = match?.[1];
  if (!match || !provider || !(MODEL_PROVIDERS as readonly string[]).includes(provider)) {
    throw new UsageError(
      `${name} must look like openai:<model> or anthropic:<model>, got "${value}".`,
      'For example: openai:gpt-4o or anthropic:claude-sonnet-4-5.',
    );
  }
  return { provider: provider as ModelProviderName, model: (match[2] ?? '').trim() };
}

function parsePositiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${name} must be a positive integer, got "${value}".`);
  return n;
}

function parseMegabytes(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.01 || n > 1024)
    throw new UsageError(`${name} must be a number of megabytes from 0.01 to 1024, got "${value}".`);
  return n;
}

/** Accepts a JSON object or "Name: value" pairs separated by newlines or semicolons. */
export function parseHeaderList(value: string, name: string): Record<string, string> {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    // Checked by hand: this module is on every command's start-up path, where zod costs ~70 ms to load.
    const parsed = safeJson(trimmed);
    const isStringRecord =
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((v) => typeof v === 'string');
    if (!isStringRecord) throw new UsageError(`${name} must be a JSON object of string header values.`);
    return parsed as Record<string, string>;
  }
  const headers: Record<string, string> = {};
  for (const part of trimmed.split(/[\n;]/)) {
    if (!part.trim()) continue;
    const idx = part.indexOf(':');
    const key = part.slice(0, idx).trim();
    if (idx <= 0 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) {
      throw new UsageError(
        `${name} has a malformed header "${part.trim()}".`,
        'Write headers as "Name: value".',
      );
    }
    headers[key] = part.slice(idx + 1).trim();
  }
  return headers;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseTrust(value: string | undefined, name: string): McpTrust {
  if (value === undefined) return 'none';
  if ((MCP_TRUST_LEVELS as readonly string[]).includes(value)) return value as McpTrust;
  throw new UsageError(
    `${name} must be "read-only-hints" or "none", got "${value}".`,
    `Set ${name}=read-only-hints to let the server's tools that claim to be read-only run without asking.`,
  );
}

function parseMcpServers(env: Env): EnvMcpServer[] {
  type Fields = { url?: string; token?: string; headers?: string; trust?: string };
  const byName = new Map<string, Fields>();
  for (const [key, raw] of Object.entries(env)) {
    const match = MCP_ENV.exec(key);
    const value = nonEmpty(raw);
    if (!match?.[1] || !match[2] || !value) continue;
    const entry = byName.get(match[1]) ?? {};
    entry[match[2].toLowerCase() as keyof Fields] = value;
    byName.set(match[1], entry);
  }
  const servers: EnvMcpServer[] = [];
  for (const [envName, entry] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    if (!entry.url) {
      throw new UsageError(
        `GAGENT_MCP_${envName}_URL is missing while other GAGENT_MCP_${envName}_* variables are set.`,
        `Set GAGENT_MCP_${envName}_URL to the server's Streamable HTTP endpoint.`,
      );
    }
    servers.push({
      name: envName.toLowerCase(),
      url: parseHttpUrl(entry.url, `GAGENT_MCP_${envName}_URL`).toString(),
      ...(entry.token ? { token: entry.token } : {}),
      headers: entry.headers ? parseHeaderList(entry.headers, `GAGENT_MCP_${envName}_HEADERS`) : {},
      trust: parseTrust(entry.trust, `GAGENT_MCP_${envName}_TRUST`),
    });
  }
  return servers;
}

function resolveDbPath(env: Env, home: string): string {
  const dbUrl = nonEmpty(env.DB_URL);
  if (!dbUrl) return path.join(home, 'gagent.db');
  if (!dbUrl.startsWith('file:')) {
    throw new UsageError(
      `DB_URL must start with "file:", got "${dbUrl}".`,
      'Use DB_URL=file:/path/to/gagent.db.',
    );
  }
  const file = dbUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  if (!file) throw new UsageError('DB_URL names no file.', 'Use DB_URL=file:/path/to/gagent.db.');
  return path.resolve(file);
}

export function loadConfig(flags: ConfigFlags = {}, env: Env = process.env): Config {
  const home = path.resolve(nonEmpty(env.GAGENT_HOME) ?? envPaths('gagent', { suffix: '' }).data);
  const user = nonEmpty(flags.user) ?? nonEmpty(env.GAGENT_USER) ?? 'singleton';
  if (!USER_ID.test(user)) {
    throw new UsageError(
      `"${user}" is not a valid user id.`,
      'Use letters, digits and . _ @ + - (at most 128 characters), starting with a letter or digit.',
    );
  }

  const authConfigIds: Record<string, string> = {};
  for (const [key, raw] of Object.entries(env)) {
    const match = AUTH_CONFIG_ENV.exec(key);
    const value = nonEmpty(raw);
    if (match?.[1] && value) authConfigIds[match[1].toLowerCase()] = value;
  }

  const controllerRaw = nonEmpty(flags.controller) ?? nonEmpty(env.GAGENT_CONTROLLER) ?? 'local';
  if (!(CONTROLLERS as readonly string[]).includes(controllerRaw)) {
    throw new UsageError(
      `Unknown controller "${controllerRaw}".`,
      `Choose one of: ${CONTROLLERS.join(', ')}.`,
    );
  }
  const controllerUrl = nonEmpty(flags.controllerUrl) ?? nonEmpty(env.GAGENT_CONTROLLER_URL);

  const modelRaw = nonEmpty(flags.model) ?? nonEmpty(env.GAGENT_MODEL);
  const groundingRaw = nonEmpty(flags.groundingModel) ?? nonEmpty(env.GAGENT_GROUNDING_MODEL);
  const redirect = nonEmpty(env.COMPOSIO_REDIRECT);
  const composioBase = nonEmpty(env.COMPOSIO_BASE_URL);
  const openaiBase = nonEmpty(env.OPENAI_BASE_URL);
  const anthropicBase = nonEmpty(env.ANTHROPIC_BASE_URL);
  const groundingBase = nonEmpty(env.GAGENT_GROUNDING_BASE_URL);
  const width = parsePositiveInt(nonEmpty(env.GAGENT_GROUNDING_WIDTH), 'GAGENT_GROUNDING_WIDTH');
  const height = parsePositiveInt(nonEmpty(env.GAGENT_GROUNDING_HEIGHT), 'GAGENT_GROUNDING_HEIGHT');
  if ((width === undefined) !== (height === undefined)) {
    throw new UsageError('Set both GAGENT_GROUNDING_WIDTH and GAGENT_GROUNDING_HEIGHT, or neither.');
  }

  const modelTimeout = parsePositiveInt(nonEmpty(env.GAGENT_MODEL_TIMEOUT), 'GAGENT_MODEL_TIMEOUT') ?? 120;
  const maxResultMb = parseMegabytes(nonEmpty(env.GAGENT_MCP_MAX_RESULT_MB), 'GAGENT_MCP_MAX_RESULT_MB') ?? 4;

  const config: Omit<Config, 'childEnv'> = {
    home,
    dbPath: resolveDbPath(env, home),
    user,
    debug: env.GAGENT_DEBUG === '1' || env.GAGENT_DEBUG === 'true',
    composio: {
      apiKey: nonEmpty(env.COMPOSIO_API_KEY),
      baseUrl: composioBase
        ? parseHttpUrl(composioBase, 'COMPOSIO_BASE_URL').toString().replace(/\/$/, '')
        : undefined,
      redirect: redirect ? parseHttpUrl(redirect, 'COMPOSIO_REDIRECT') : undefined,
      mcpServerId: nonEmpty(env.COMPOSIO_MCP_SERVER_ID),
      token: nonEmpty(env.COMPOSIO_TOKEN),
      authConfigIds,
    },
    mcpServers: parseMcpServers(env),
    model: modelRaw ? parseModelSpec(modelRaw, flags.model ? '--model' : 'GAGENT_MODEL') : undefined,
    openai: {
      apiKey: nonEmpty(env.OPENAI_API_KEY),
      baseUrl: openaiBase ? parseHttpUrl(openaiBase, 'OPENAI_BASE_URL').toString() : undefined,
    },
    anthropic: {
      apiKey: nonEmpty(env.ANTHROPIC_API_KEY),
      baseUrl: anthropicBase ? parseHttpUrl(anthropicBase, 'ANTHROPIC_BASE_URL').toString() : undefined,
    },
    grounding: groundingRaw
      ? {
          model: parseModelSpec(
            groundingRaw,
            flags.groundingModel ? '--grounding-model' : 'GAGENT_GROUNDING_MODEL',
          ),
          baseUrl: groundingBase
            ? parseHttpUrl(groundingBase, 'GAGENT_GROUNDING_BASE_URL').toString()
            : undefined,
          apiKey: nonEmpty(env.GAGENT_GROUNDING_API_KEY),
          width,
          height,
        }
      : undefined,
    modelTimeoutMs: modelTimeout * 1000,
    mcpMaxResultBytes: Math.round(maxResultMb * 1024 * 1024),
    controller: controllerRaw as ControllerName,
    controllerUrl: controllerUrl ? parseHttpUrl(controllerUrl, '--controller-url').toString() : undefined,
    display: nonEmpty(env.DISPLAY),
    waylandDisplay: nonEmpty(env.WAYLAND_DISPLAY),
    ssh: !!(nonEmpty(env.SSH_CONNECTION) ?? nonEmpty(env.SSH_TTY)),
    browser: nonEmpty(env.BROWSER?.split(':')[0]),
    searchPath: env.PATH ?? '',
  };
  return { ...config, childEnv: childEnvironment(env, configSecrets(config)) };
}

/** Where each provider's SDK sends requests when no base URL is set. */
export const DEFAULT_MODEL_BASE_URLS: Record<ModelProviderName, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The key and base URL a model of `provider` gets for the main model's requests. */
export function modelCredentials(config: Config, provider: ModelProviderName): EndpointCredentials {
  return provider === 'openai' ? config.openai : config.anthropic;
}

/**
 * The grounding model's endpoint. Its key is GAGENT_GROUNDING_API_KEY, or none: the provider's
 * own key (OPENAI_API_KEY, ANTHROPIC_API_KEY) goes along only when grounding talks to that
 * provider's own origin, never to another host named by GAGENT_GROUNDING_BASE_URL.
 */
export function groundingCredentials(config: Config, grounding: GroundingConfig): EndpointCredentials {
  const provider = grounding.model.provider;
  const own = modelCredentials(config, provider);
  const ownBase = own.baseUrl ?? DEFAULT_MODEL_BASE_URLS[provider];
  const baseUrl = grounding.baseUrl ?? own.baseUrl;
  if (grounding.apiKey) return { apiKey: grounding.apiKey, baseUrl };
  const sameHome = originOf(baseUrl ?? ownBase) === originOf(ownBase);
  return { apiKey: sameHome ? own.apiKey : undefined, baseUrl };
}

/** Variables that are gagent's own configuration or credentials: no child process needs them. */
const GAGENT_VARIABLE = /^(GAGENT_|COMPOSIO_|OPENAI_|ANTHROPIC_|DB_URL$)/;

/** The environment minus gagent's variables and anything holding one of its secrets. */
function childEnvironment(env: Env, secrets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  // Short values would match unrelated variables; gagent's own variables are dropped by name anyway.
  const long = secrets.filter((secret) => secret.length >= 8);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || GAGENT_VARIABLE.test(name)) continue;
    if (long.some((secret) => value.includes(secret))) continue;
    out[name] = value;
  }
  return out;
}

/** Every secret value the config holds, for the Redactor. */
export function configSecrets(config: Omit<Config, 'childEnv'>): string[] {
  const secrets = [
    config.composio.apiKey,
    config.composio.token,
    config.openai.apiKey,
    config.anthropic.apiKey,
    config.grounding?.apiKey,
  ];
  for (const server of config.mcpServers) {
    secrets.push(server.token);
    for (const [name, value] of Object.entries(server.headers)) {
      if (isSecretName(name)) secrets.push(value.replace(/^Bearer\s+/i, ''));
    }
  }
  return secrets.filter((s): s is string => !!s);
}
