/**
 * A run whose process died (killed, crashed, the machine lost) must not stay "running" forever.
 * Each run records its process and refreshes a heartbeat; on the next start, a running run whose
 * heartbeat is stale, or whose process is provably gone, is marked interrupted (or queued again).
 * A pid proves nothing across machines or PID namespaces (two containers named alike have the
 * same host name and reuse each other's pids), so it is checked only where it was recorded: the
 * same boot of the same machine, in the same PID namespace. Everywhere else the heartbeat decides.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { ProcessIdentity, RunOwner } from '../store/run-owner.js';
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

/** This machine's boot and this process's PID namespace, where Linux tells them; else null. */
function pidScope(): string | null {
  try {
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = fs.readlinkSync('/proc/self/ns/pid');
    return boot && namespace ? `${boot}/${namespace}` : null;
  } catch {
    return null;
  }
}

export function thisProcess(): ProcessIdentity {
  return { pid: process.pid, host: os.hostname(), pidScope: pidScope() };
}

/** A new attempt at a run by this process: its own random token fences every write of the run. */
export function newAttempt(identity: ProcessIdentity = thisProcess()): RunOwner {
  return { ...identity, token: randomBytes(12).toString('hex') };
}

/**
 * Refreshes the run's heartbeat every HEARTBEAT_MS for as long as it is carried out — from the
 * moment it is claimed, setup included. `silent` is called once if the database has taken no beat
 * for half the stale window: others will soon give the run up for dead. Returns the stop.
 */
export function startHeartbeat(
  store: Store,
  runId: string,
  owner: RunOwner,
  silent?: () => void,
): () => void {
  let lastBeat = Date.now();
  let told = false;
  const timer = setInterval(() => {
    store.queue.heartbeat(runId, new Date().toISOString(), owner).then(
      () => {
        lastBeat = Date.now();
      },
      () => {
        if (told || Date.now() - lastBeat < STALE_AFTER_MS / 2) return;
        told = true;
        silent?.();
      },
    );
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** The retries a submitted run asked for (0 for a run started by hand, or a request that says nothing). */
function retriesAllowed(options: unknown): number {
  const retries = (options as { retries?: unknown } | null)?.retries;
  return typeof retries === 'number' && Number.isInteger(retries) ? retries : 0;
}

/**
 * Runs whose process is gone: each submitted run with retries left goes back to the queue (its
 * partial history dropped), every other one is marked interrupted. Returns the ids of both.
 */
export async function reapAbandonedRuns(store: Store, now = Date.now()): Promise<string[]> {
  const me = thisProcess();
  const staleBefore = new Date(now - STALE_AFTER_MS).toISOString();
  const gone = (await store.queue.running()).filter(
    (run) =>
      (me.pidScope !== null &&
        run.pidScope === me.pidScope &&
        run.pid !== null &&
        run.pid !== me.pid &&
        !isProcessAlive(run.pid)) ||
      (run.heartbeatAt !== null && run.heartbeatAt < staleBefore),
  );
  const at = new Date(now).toISOString();
  const retry = gone.filter((run) => run.retried < retriesAllowed(run.options));
  for (const run of retry) await store.queue.requeue(run.id, at);
  const ended = gone.filter((run) => !retry.includes(run)).map((run) => run.id);
  await store.queue.markInterrupted(
    ended,
    'The gagent process running it ended without finishing (it was killed or crashed).',
    at,
  );
  return gone.map((run) => run.id);
}
