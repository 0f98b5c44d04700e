/**
 * Room kept back on the SQLite database's disk for the end of a run: a file of incompressible
 * bytes beside the database. When the disk fills up mid-run, the run stops, deletes this file and
 * records how it ended in the space it leaves; the next open makes it again once there is room.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

/** Enough for the few pages an end-of-run write adds to the WAL, many times over. */
export const RESERVE_BYTES = 512 * 1024;

export function reserveFile(databaseFile: string): string {
  return `${databaseFile}-reserve`;
}

/**
 * Makes the reserve unless it is there. Written under a name of this process's own and renamed
 * into place, so two processes opening at once never leave half a file; never a link followed.
 * Best effort: on a disk already full there is simply no reserve.
 */
export function keepReserve(databaseFile: string): void {
  const file = reserveFile(databaseFile);
  if ((fs.lstatSync(file, { throwIfNoEntry: false })?.size ?? 0) >= RESERVE_BYTES) return;
  const draft = `${file}-${process.pid}`;
  try {
    const fd = fs.openSync(
      draft,
      fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | (fs.constants.O_NOFOLLOW ?? 0),
      0o600,
    );
    try {
      // Random bytes: a compressing filesystem would store zeros in no space at all.
      fs.writeSync(fd, randomBytes(RESERVE_BYTES));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(draft, file);
  } catch {
    fs.rmSync(draft, { force: true });
  }
}

/** Gives the reserve's room back to the disk (a link in its place is removed, never followed). */
export function freeReserve(databaseFile: string): void {
  try {
    fs.unlinkSync(reserveFile(databaseFile));
  } catch {
    // Already freed (or never made: the disk was full when the database was opened).
  }
}
