/**
 * What a user may give for an MCP server (gagent mcp add, mcp import, the API), checked into the
 * shape the database keeps. Every value is checked here; nothing reaches the store unchecked.
 */
import { z } from 'zod';
import { parseHttpUrl } from '../config/parse.js';
import { UsageError } from '../errors.js';
import type { McpTransportKind, NewMcpServer } from '../store/mcp-servers.js';

/** Lower case, so `GAGENT_MCP_<NAME>_*`, Composio providers and added servers share one namespace. */
const SERVER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
const CONTROL = /[\u0000-\u001f\u007f]/;

export const TRUST_CHOICES = ['none', 'read-only-hints'] as const;

export function parseServerName(raw: string): string {
  const name = raw.trim().toLowerCase();
  if (!SERVER_NAME.test(name)) {
    throw new UsageError(
      `"${raw}" is not a valid MCP server name.`,
      'Use lower-case letters, digits, - and _ (at most 63 characters), starting with a letter or digit.',
    );
  }
  return name;
}

function checkText(value: string, what: string): string {
  if (CONTROL.test(value)) throw new UsageError(`${what} contains a control character.`);
  return value;
}

export function parseEnvPairs(pairs: readonly string[], what = '--env'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const idx = pair.indexOf('=');
    const key = pair.slice(0, Math.max(idx, 0));
    if (idx <= 0 || !ENV_NAME.test(key)) {
      throw new UsageError(
        `${what} "${pair}" is not NAME=value.`,
        'Write each variable as --env NAME=value.',
      );
    }
    env[key] = checkText(pair.slice(idx + 1), `${what} ${key}`);
  }
  return env;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** One `Name: value` (the value may hold ; and :, as cookies do). */
export function parseOneHeader(text: string): Record<string, string> {
  const idx = text.indexOf(':');
  const name = text.slice(0, Math.max(idx, 0)).trim();
  if (idx <= 0 || !HEADER_NAME.test(name)) {
    throw new UsageError(
      `--header "${text}" is not "Name: value".`,
      'Write each header as --header "Name: value".',
    );
  }
  return { [name]: checkText(text.slice(idx + 1).trim(), `The header ${name}`) };
}

function checkHeaders(headers: Record<string, string>, what: string): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) checkText(value, `${what} ${name}`);
  return headers;
}

export interface RemoteInput {
  url: string;
  headers?: Record<string, string>;
  transport?: 'http' | 'sse';
}

export interface StdioInput {
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

export interface ServerChoices {
  trust?: string;
  clientId?: string;
  callbackPort?: number;
}

function trustOf(value: string | undefined): string {
  if (value === undefined) return 'none';
  if ((TRUST_CHOICES as readonly string[]).includes(value)) return value;
  throw new UsageError(
    `--trust must be "read-only-hints" or "none", got "${value}".`,
    "read-only-hints lets the server's tools that claim to be read-only run without asking.",
  );
}

/** A checked server row (without its user) from a remote or a stdio description. */
export function checkedServer(
  name: string,
  target: RemoteInput | StdioInput,
  choices: ServerChoices = {},
): Omit<NewMcpServer, 'userId'> {
  const trust = trustOf(choices.trust);
  if ('url' in target) {
    const url = parseHttpUrl(checkText(target.url, 'The URL'), `The URL of "${name}"`).toString();
    const transport: McpTransportKind = target.transport === 'sse' ? 'sse' : 'http';
    return {
      name,
      transport,
      url,
      headers: checkHeaders(target.headers ?? {}, 'The header'),
      trust,
      oauthClientId: choices.clientId ? checkText(choices.clientId, '--client-id') : null,
      oauthCallbackPort: choices.callbackPort ?? null,
    };
  }
  const command = checkText(target.command.trim(), 'The command');
  if (!command) throw new UsageError(`The command of "${name}" is empty.`);
  if (choices.clientId || choices.callbackPort) {
    throw new UsageError(
      '--client-id and --callback-port are for remote servers (OAuth), not stdio programs.',
    );
  }
  return {
    name,
    transport: 'stdio',
    command,
    args: (target.args ?? []).map((a) => checkText(a, 'An argument')),
    env: parseEnvPairs(Object.entries(target.env ?? {}).map(([k, v]) => `${k}=${v}`)),
    trust,
  };
}

/** `mcp add NAME URL` or `mcp add NAME -- COMMAND ARGS…`: a URL alone is a remote server. */
export function targetFromWords(
  words: readonly string[],
  options: { header?: string[]; transport?: string; env?: string[] },
): RemoteInput | StdioInput {
  const [first, ...rest] = words;
  if (!first) {
    throw new UsageError(
      'Say where the server is: a URL, or -- and the command that starts it.',
      'gagent mcp add NAME https://host/mcp   or   gagent mcp add NAME -- npx some-server ARGS',
    );
  }
  // Anything with a scheme is meant as a URL (and must then be http or https), never as a program.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(first) && rest.length === 0) {
    if (options.env?.length)
      throw new UsageError('--env is for stdio programs; a remote server takes --header.');
    const headers: Record<string, string> = {};
    for (const h of options.header ?? []) Object.assign(headers, parseOneHeader(h));
    const transport = options.transport as 'http' | 'sse' | undefined;
    return { url: first, headers, ...(transport ? { transport } : {}) };
  }
  if (options.header?.length || options.transport) {
    throw new UsageError('--header and --transport are for remote servers; a stdio program takes --env.');
  }
  return { command: first, args: rest, env: parseEnvPairs(options.env ?? []) };
}

const StringRecord = z.record(z.string(), z.string());

/** One entry of an `mcpServers` file, as Claude Desktop, Claude Code and Gemini CLI write them. */
const FileEntry = z
  .object({
    command: z.string().optional(),
    args: z.array(z.string()).optional(),
    env: StringRecord.optional(),
    url: z.string().optional(),
    /** Gemini CLI's name for a Streamable HTTP URL (its `url` is SSE). */
    httpUrl: z.string().optional(),
    headers: StringRecord.optional(),
    type: z.enum(['stdio', 'http', 'sse', 'streamable-http', 'streamableHttp']).optional(),
    disabled: z.boolean().optional(),
  })
  .passthrough();

export const McpServersFile = z.object({ mcpServers: z.record(z.string(), FileEntry) });

export type FileEntry = z.infer<typeof FileEntry>;

/** An `mcpServers` entry as a remote or stdio description. */
export function targetFromFileEntry(name: string, entry: FileEntry): RemoteInput | StdioInput {
  if (entry.command) return { command: entry.command, args: entry.args ?? [], env: entry.env ?? {} };
  const url = entry.httpUrl ?? entry.url;
  if (!url) throw new UsageError(`The server "${name}" in the file has neither a command nor a url.`);
  const transport = entry.type === 'sse' ? 'sse' : 'http';
  return { url, headers: entry.headers ?? {}, transport };
}

/**
 * `${VAR}` and `${VAR:-default}` in a file's values, read from the importing user's environment
 * (as Claude Code expands them), so the file can stay free of secrets. Unset without a default:
 * one sentence naming the variable.
 */
export function expandVariables(value: string, env: NodeJS.ProcessEnv, where: string): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_match, name: string, fallback?: string) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new UsageError(
        `${where} uses \${${name}}, which is not set.`,
        `Set ${name} in the environment of gagent mcp import, or give a default: \${${name}:-value}.`,
      );
    },
  );
}

/** The entry with every string value expanded. */
export function expandEntry(name: string, entry: FileEntry, env: NodeJS.ProcessEnv): FileEntry {
  const where = `The server "${name}"`;
  const one = (v: string | undefined) => (v === undefined ? undefined : expandVariables(v, env, where));
  const record = (r: Record<string, string> | undefined) =>
    r && Object.fromEntries(Object.entries(r).map(([k, v]) => [k, expandVariables(v, env, where)]));
  return {
    ...entry,
    command: one(entry.command),
    args: entry.args?.map((a) => expandVariables(a, env, where)),
    env: record(entry.env),
    url: one(entry.url),
    httpUrl: one(entry.httpUrl),
    headers: record(entry.headers),
  };
}
