/**
 * Who carries a run out: a process, as others can tell whether it is alive, and the attempt's own
 * random token. Every write of a run is conditioned on the row still carrying that token and being
 * `running`, so an attempt given up for dead (queued again, or taken by another worker) cannot
 * write over its successor.
 */
import { and, eq } from 'drizzle-orm';
import type { Tables } from './tables.js';

/** A process as other processes can tell whether it is alive: its pid, where that pid means it, and its machine. */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** The machine's boot and PID namespace (null where unknown): only there does the pid name this process. */
  pidScope: string | null;
}

/** One attempt at a run: the process carrying it out and a random token of its own. */
export interface RunOwner extends ProcessIdentity {
  token: string;
}

/** The run's columns that say who carries it out. */
export function ownerColumns(owner: RunOwner) {
  return { pid: owner.pid, host: owner.host, pidScope: owner.pidScope, owner: owner.token };
}

/** The run is still this attempt's, and still running: the condition of every write of a run. */
export function ownedBy(runs: Tables['runs'], id: string, owner: RunOwner) {
  return and(eq(runs.id, id), eq(runs.owner, owner.token), eq(runs.status, 'running'));
}
