/**
 * A long-running command (serve, worker) whose SQLite file is deleted or replaced under it would
 * go on writing where nobody reads. It stops instead, with one sentence, so a supervisor starts it
 * again on the file now at that path.
 */
import { GagentError } from '../errors.js';
import type { Store } from '../store/store.js';

/** How often a long-running command looks. */
export const REPLACED_CHECK_MS = 5_000;

export function databaseReplacedError(store: Store): GagentError {
  return new GagentError(
    `The database ${store.location} was deleted or replaced while gagent was using it, so it stopped.`,
    undefined,
    'Start it again to use the database now at that path.',
  );
}
