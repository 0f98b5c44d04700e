/**
 * Numbers given as flags. Digits only — `Number()` would also take "0x10", "1e1" and "" (as 0),
 * which nobody means — within a range, with one sentence naming the flag when they are not.
 */
import { DECIMAL_NUMBER, WHOLE_NUMBER } from '../config/parse.js';
import { UsageError } from '../errors.js';

interface Range {
  min: number;
  max: number;
  /** Used when the flag is not given. */
  fallback: number;
}

/** A whole number from `min` to `max`. */
export function wholeNumberFlag(raw: unknown, flag: string, range: Range): number {
  if (raw === undefined) return range.fallback;
  const text = String(raw);
  const n = Number(text);
  if (!WHOLE_NUMBER.test(text) || n < range.min || n > range.max)
    throw new UsageError(
      `${flag} must be a whole number from ${range.min} to ${range.max}, got "${String(raw)}".`,
    );
  return n;
}

/** A number (decimals allowed) above `min` when `exclusiveMin`, else from `min`, to `max`. */
export function decimalFlag(
  raw: unknown,
  flag: string,
  range: Range & { what: string; exclusiveMin?: boolean; hint?: string },
): number {
  if (raw === undefined) return range.fallback;
  const text = String(raw);
  const n = Number(text);
  const low = range.exclusiveMin ? n <= range.min : n < range.min;
  if (!DECIMAL_NUMBER.test(text) || low || n > range.max)
    throw new UsageError(
      `${flag} must be a number of ${range.what} ${range.exclusiveMin ? 'between' : 'from'} ${range.min} ${range.exclusiveMin ? 'and' : 'to'} ${range.max}, got "${String(raw)}".`,
      range.hint,
    );
  return n;
}
