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
    fd = fs.openSync(
      signalFile,
      fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_TRUNC | (fs.constants.O_NOFOLLOW ?? 0),
      0o600,
    );
    fs.writeSync(fd, String(Date.now()));
  } catch {
    // Best effort: a worker that misses the signal finds the run on its next poll.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Calls `listener` on each announcement; the returned function stops watching. */
export function watchSignalFile(signalFile: string, listener: () => void): () => void {
  try {
    if (!fs.existsSync(signalFile)) announceByFile(signalFile);
    // Not persistent: watching alone never keeps a process alive.
    const watcher = fs.watch(signalFile, { persistent: false }, () => listener());
    watcher.on('error', () => watcher.close());
    return () => watcher.close();
  } catch {
    return () => {};
  }
}
