/** Whether the processes a test started are still there, and ending those a failed test left. */
import fs from 'node:fs';

/**
 * Whether `pid` runs. A zombie does not: an orphan that died stays one until init reaps it (in some
 * containers never), so /proc's state decides where there is a /proc.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync('/proc/self')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL to each of `pids` that still runs: a failed test's processes must not outlive the suite. */
export function killIfRunning(...pids: (number | null | undefined)[]): void {
  for (const pid of pids) {
    if (pid && isRunning(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone in between
      }
    }
  }
}
