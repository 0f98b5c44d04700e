/**
 * A run whose process died (killed, crashed, the machine lost) must not stay "running" forever.
 * Each run records its pid and host and refreshes a heartbeat; on the next start, a running run of
 * this host whose process is gone, or any running run whose heartbeat is stale, is marked
 * interrupted.
 */
import os from 'node:os';
import type { Store } from '../store/store.js';

/** How often a live run refreshes its heartbeat. */
export const HEARTBEAT_MS = 10_000;
/** A heartbeat older than this means the run's process is gone (on whatever machine). */
export const STALE_AFTER_MS = 60_000;

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as { code?: string }).code === 'EPERM';
  }
}

export function thisProcess(): { pid: number; host: string } {
  return { pid: process.pid, host: os.hostname() };
}

/** Marks the runs whose process is gone as interrupted; returns their ids. */
export async function reapAbandonedRuns(store: Store, now = Date.now()): Promise<string[]> {
  const { host, pid: self } = thisProcess();
  const staleBefore = new Date(now - STALE_AFTER_MS).toISOString();
  const gone = (await store.runs.running())
    .filter(
      (run) =>
        (run.host === host && run.pid !== null && run.pid !== self && !isProcessAlive(run.pid)) ||
        (run.heartbeatAt !== null && run.heartbeatAt < staleBefore),
    )
    .map((run) => run.id);
  await store.runs.markInterrupted(
    gone,
    'The gagent process running it ended without finishing (it was killed or crashed).',
    new Date(now).toISOString(),
  );
  return gone;
}
