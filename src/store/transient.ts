/**
 * Whether a database error may pass if the statement is tried again: SQLite busy past its timeout
 * (another process holds the write lock), a PostgreSQL connection lost or refused, a serialization
 * failure or deadlock. Anything else (a full disk, a constraint) will fail the same way again.
 */
const SQLITE_TRANSIENT = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT']);
const PG_TRANSIENT = /^(08...|40001|40P01|57P0[123]|53300)$/;
const NETWORK_TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export function isTransientDbError(err: unknown): boolean {
  // Wrapped errors (a sentence for people) keep the driver's error as their cause.
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (SQLITE_TRANSIENT.has(code) || PG_TRANSIENT.test(code) || NETWORK_TRANSIENT.has(code))
    )
      return true;
    if (e instanceof Error && /Connection terminated/i.test(e.message)) return true;
  }
  return false;
}
