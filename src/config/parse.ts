/**
 * Parsers for environment values and flags. Each takes the text and the name it came from, and
 * throws a UsageError (exit 2) that names the variable and how to fix it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';

export type Env = Record<string, string | undefined>;

import { isModelProvider, MODEL_PROVIDERS, type ModelProviderName } from './model-providers.js';

export { MODEL_PROVIDERS, type ModelProviderName };

export interface ModelSpec {
  provider: ModelProviderName;
  model: string;
}

export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function parseHttpUrl(value: string, name: string): URL {
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
  if (!match || !provider || !isModelProvider(provider)) {
    throw new UsageError(
      `${name} must look like ${MODEL_PROVIDERS.map((p) => `${p}:<model>`).join(' or ')}, got "${value}".`,
      'For example: openai:gpt-4o or anthropic:claude-sonnet-4-5.',
    );
  }
  return { provider, model: (match[2] ?? '').trim() };
}

/** Digits, or digits with decimals: Number() alone would also take "0x10", "1e3" and "". */
export const WHOLE_NUMBER = /^\s*\d+\s*$/;
export const DECIMAL_NUMBER = /^\s*\d+(\.\d+)?\s*$/;

export function parsePositiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!WHOLE_NUMBER.test(value) || n <= 0)
    throw new UsageError(`${name} must be a positive integer, got "${value}".`);
  return n;
}

/** A positive number of seconds (decimals allowed), at most an hour. */
export function parseSeconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!DECIMAL_NUMBER.test(value) || n <= 0 || n > 3600)
    throw new UsageError(`${name} must be a number of seconds from 0.1 to 3600, got "${value}".`);
  return n;
}

export function parseMegabytes(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!DECIMAL_NUMBER.test(value) || n < 0.01 || n > 1024)
    throw new UsageError(`${name} must be a number of megabytes from 0.01 to 1024, got "${value}".`);
  return n;
}

/** How long a run's screenshots are kept (GAGENT_KEEP_SCREENSHOTS): all, none, or a number of days. */
export type ScreenshotRetention = { keep: 'all' } | { keep: 'none' } | { keep: 'days'; days: number };

export function parseScreenshotRetention(value: string | undefined, name: string): ScreenshotRetention {
  const text = value?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'all') return { keep: 'all' };
  if (text === 'none') return { keep: 'none' };
  const days = Number(text);
  if (!Number.isFinite(days) || days <= 0 || days > 36_500)
    throw new UsageError(
      `${name} must be all, none or a number of days from 1 to 36500, got "${value}".`,
      `For example: ${name}=30 keeps a month of screenshots.`,
    );
  return { keep: 'days', days };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/**
 * --user wins (even when empty: that is a mistake to report), then GAGENT_USER, then "singleton".
 * `source` names where the explicit value came from (--user, or the API's X-User-Id header).
 */
export function parseUser(flag: string | undefined, env: Env, source = '--user'): string {
  const user = flag !== undefined ? flag.trim() : (nonEmpty(env.GAGENT_USER) ?? 'singleton');
  if (!USER_ID.test(user)) {
    throw new UsageError(
      `"${user}" is not a valid user id${flag !== undefined ? ` (from ${source})` : ''}.`,
      'Use letters, digits and . _ @ + - (at most 128 characters), starting with a letter or digit.',
    );
  }
  return user;
}

/** Where the database is: a SQLite file (the default), or a PostgreSQL server (DB_URL=postgres://…). */
export type DatabaseLocation = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export function resolveDatabase(env: Env, home: string): DatabaseLocation {
  const dbUrl = nonEmpty(env.DB_URL);
  if (!dbUrl) return { dialect: 'sqlite', path: path.join(home, 'gagent.db') };
  if (/^postgres(ql)?:\/\//i.test(dbUrl)) {
    try {
      const url = new URL(dbUrl);
      if (!url.hostname && !url.searchParams.get('host')) throw new Error('no host');
    } catch {
      throw new UsageError(
        'DB_URL is not a valid PostgreSQL URL.',
        'Use DB_URL=postgres://user:password@host:5432/database.',
      );
    }
    return { dialect: 'postgres', url: dbUrl };
  }
  if (!dbUrl.startsWith('file:')) {
    throw new UsageError(
      `DB_URL must start with "file:" or "postgres://", got "${dbUrl.replace(/\/\/[^@/]*@/, '//…@')}".`,
      'Use DB_URL=file:/path/to/gagent.db, or DB_URL=postgres://user:password@host:5432/database.',
    );
  }
  let file = dbUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  if (!file) throw new UsageError('DB_URL names no file.', 'Use DB_URL=file:/path/to/gagent.db.');
  if (file === '~' || file.startsWith('~/'))
    file = path.join(nonEmpty(env.HOME) ?? os.homedir(), file.slice(1));
  const resolved = path.resolve(file);
  // A file named by hand lives in a folder the user made: a typo must not create a database elsewhere.
  const folder = path.dirname(resolved);
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(
      `DB_URL names ${resolved}, but its folder ${folder} does not exist.`,
      'Create the folder first, or point DB_URL at a file in a folder that exists.',
    );
  return { dialect: 'sqlite', path: resolved };
}
