/**
 * A stdio MCP server's process group, ended with gagent (ARCHITECTURE.md, Trust): by gagent itself
 * when a command closes the server, and by a watchdog when gagent dies without closing it (kill -9,
 * a crash, process.exit). The whole group, because launchers like `npx` run the real server as a
 * grandchild: ending only the direct child would leave the server running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

/** How long a group has after SIGTERM before SIGKILL. */
export const TERM_GRACE_MS = 2_000;
const POLL_MS = 25;

/**
 * Sends `signal` to every process of the group; false when the group is gone, or holds only
 * processes gagent may not signal (one that ran a setuid program): nothing gagent can end.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw err;
  }
}

/**
 * Whether any process of the group still runs. A zombie does not: an orphan that died is one until
 * init reaps it, and in a container whose init never reaps, forever — so on Linux the group's
 * members are read from /proc, where a zombie's state is Z. Elsewhere a signal probe decides.
 */
export function groupIsRunning(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    const stat = processStat(pid);
    return stat !== undefined && stat.pgid === pgid && stat.state !== 'Z';
  });
}

function processStat(pid: string): { state: string; pgid: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // it ended while we looked
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgid: Number(fields[2]) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `promise`, at most `ms`; the timer goes as soon as the promise settles. */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntilGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!groupIsRunning(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

/**
 * SIGTERM to the group, up to `graceMs` for all of it to exit, then SIGKILL to what is left.
 * Resolves once nothing of the group runs (or a second after SIGKILL: a process stuck in the
 * kernel cannot be waited for). The polling timers are ref'd on purpose: a command awaiting this
 * must not exit half-way.
 */
export async function endProcessGroup(pgid: number, graceMs = TERM_GRACE_MS): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  if (await waitUntilGone(pgid, graceMs)) return;
  if (!signalGroup(pgid, 'SIGKILL')) return;
  await waitUntilGone(pgid, 1_000);
}

/**
 * Why a watchdog process: kill -9 runs no code in gagent, so only another process can act, and it
 * must learn of gagent's death without polling. (PR_SET_PDEATHSIG is out of Node's reach and would
 * reach only the direct child; a supervising Node per server would cost a runtime each.) The
 * kernel closes every descriptor of a dead process, so the watchdog blocks reading a pipe only
 * gagent holds — Node opens it close-on-exec, so no other child inherits it — and when `read`
 * returns, gagent is gone, whatever killed it. It is /bin/sh, in its own session (the terminal's
 * Ctrl+C and hangup reach gagent, which closes its servers itself). It ends the group as gagent
 * would, and not at all if the group is already gone, so it cannot hit a stranger that reuses the
 * number long after. dash's kill takes no "--", hence "-$1" directly.
 */
const WATCHDOG_SCRIPT = `read _; kill -TERM "-$1" 2>/dev/null || exit 0; sleep ${TERM_GRACE_MS / 1000}; kill -KILL "-$1" 2>/dev/null; exit 0`;

export interface Watchdog {
  readonly pid: number | undefined;
  /** Ends the watchdog without letting it act (the group is already ended). */
  stop(): Promise<void>;
}

/** Starts a watchdog for `pgid`. Nothing of it keeps gagent's event loop alive. */
export function startWatchdog(pgid: number): Watchdog {
  const child: ChildProcess = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'gagent-mcp-watchdog', String(pgid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    // Only where sh finds sleep; nothing of gagent's environment.
    env: { PATH: '/usr/bin:/bin' },
  });
  // The only failure is /bin/sh missing or a fork refused: the server still works, just unguarded
  // against kill -9 — not worth failing the command for.
  child.on('error', () => {});
  child.stdin?.on('error', () => {});
  child.unref();
  (child.stdin as { unref?: () => void } | null)?.unref?.();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    pid: child.pid,
    async stop() {
      // SIGKILL, not closing its stdin: that is its signal to end the group.
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await within(exited, 1_000);
    },
  };
}
