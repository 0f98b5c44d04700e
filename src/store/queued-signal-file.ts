/**
 * SQLite's way to wake waiting workers when a run is queued: every process on the database shares
 * one machine, so a file beside the database is the signal. Announcing rewrites it; waiters watch
 * it (inotify and its kin), which costs nothing while nobody announces.
 */
import fs from 'node:fs';

/** The signal file of a database file (its private directory already holds the database). */
export function queuedSignalFile(databaseFile: string): string {
  return `${databaseFile}-queued`;
}

/** Rewrites the signal file in place (no link followed): each write wakes every watcher. */
export function announceByFile(signalFile: string): void {
  let fd: number | undefined;
  try {
    // Never blocks: a FIFO put there would otherwise hang the process in open(2).
    fd = fs.openSync(
      signalFile,
      fs.constants.O_CREAT |
        fs.constants.O_WRONLY |
        (fs.constants.O_NOFOLLOW ?? 0) |
        (fs.constants.O_NONBLOCK ?? 0),
      0o600,
    );
    if (!fs.fstatSync(fd).isFile()) return;
    fs.ftruncateSync(fd);
    fs.writeSync(fd, String(Date.now()));
  } catch {
    // Best effort: a worker that misses the signal finds the run on its next poll.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** How soon a watch is set up again after its file was deleted or replaced (or could not be watched). */
const REARM_MS = 250;
const RETRY_MS = 2_000;

/**
 * Calls `listener` on each announcement; the returned function stops watching. A watch follows
 * the file, not the path: when the file is deleted or replaced, the path is watched again.
 */
export function watchSignalFile(signalFile: string, listener: () => void): () => void {
  let watcher: fs.FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const again = (ms: number) => {
    watcher?.close();
    watcher = undefined;
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(arm, ms);
    timer.unref();
  };
  let armed = false;
  function arm(): void {
    try {
      if (!fs.existsSync(signalFile)) announceByFile(signalFile);
      // Not persistent: watching alone never keeps a process alive.
      watcher = fs.watch(signalFile, { persistent: false }, (event) => {
        listener();
        if (event === 'rename') again(REARM_MS);
      });
      watcher.on('error', () => again(RETRY_MS));
      // Watching again: what was announced while nobody watched is looked for now.
      if (armed) listener();
      armed = true;
    } catch {
      again(RETRY_MS);
    }
  }
  arm();
  return () => {
    stopped = true;
    again(0);
  };
}
