/** Database errors as people, the API and a retry need them. */
import { GagentError } from '../errors.js';

const SQLITE_BUSY = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT']);
const PG_TRANSIENT = /^(08...|40001|40P01|57P0[123]|53300)$/;
const NETWORK_TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** SQLite refused: another connection holds the lock (past the busy timeout, or at once). */
export function isBusyError(err: unknown): boolean {
  return SQLITE_BUSY.has(String((err as { code?: unknown } | null)?.code));
}

export function busyError(file: string, err: unknown): GagentError {
  return new GagentError(
    `The database ${file} is locked by another gagent process.`,
    undefined,
    'Wait for it to finish and try again.',
    { cause: err },
  );
}

/**
 * Whether an error may pass if the statement is tried again: SQLite busy, a PostgreSQL connection
 * lost or refused, a serialization failure or deadlock. Anything else (a full disk, a constraint)
 * will fail the same way again.
 */
export function isTransientDbError(err: unknown): boolean {
  // Wrapped errors (a sentence for people) keep the driver's error as their cause.
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (SQLITE_BUSY.has(code) || PG_TRANSIENT.test(code) || NETWORK_TRANSIENT.has(code))
    )
      return true;
    if (e instanceof Error && /Connection terminated|connection error and is not queryable/i.test(e.message))
      return true;
  }
  return false;
}

const DISK_FULL = new Set(['SQLITE_FULL', 'ENOSPC', '53100']);

/**
 * The code saying the disk under the database is full (SQLite's, or the PostgreSQL server's: 53100
 * disk_full), of the error or of one it wraps; null for any other error.
 */
export function diskFullCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DISK_FULL.has(code)) return code;
  }
  return null;
}

/**
 * The error in one sentence: the driver's own message, not the query builder's wrapper (which
 * quotes the whole statement and its parameters — a user's task text among them).
 */
export function databaseErrorMessage(err: unknown): string {
  let e = err;
  for (let depth = 0; depth < 5 && /^Failed query:/.test((e as Error)?.message ?? ''); depth++) {
    const cause = (e as { cause?: unknown }).cause;
    if (!cause) break;
    e = cause;
  }
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown })?.code;
  if (/^Failed query:/.test(message)) return 'a database statement failed';
  if (typeof code !== 'string') return message || 'unknown database error';
  if (!message) return code;
  return message.includes(code) ? message : `${message} (${code})`;
}
