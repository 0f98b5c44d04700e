/**
 * A small filesystem of a test's own, to fill up: a tmpfs mounted on a temporary directory (which
 * takes root), unmounted after the test. Where no tmpfs can be mounted the tests that need one are
 * skipped with a printed reason — never under CI, where the suite runs as root and must mount.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Cleanups } from './cleanup.js';
import { tempDir } from './temp.js';

/** Why no tmpfs can be mounted here, or null when one can (tried once, on a directory of its own). */
function cannotMount(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a small tmpfs takes root';
  const dir = tempDir('gagent-mount-probe-');
  const tried = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  if (tried.error) return 'mount(8) is not installed';
  if (tried.status !== 0) return `mount refused a tmpfs (${tried.stderr.trim()})`;
  spawnSync('umount', [dir]);
  return null;
}

/** True when the tests that fill a disk must be skipped (never under CI: then it throws). */
export function noTinyDisks(what: string): boolean {
  const why = cannotMount();
  if (why === null) return false;
  if (process.env.CI) throw new Error(`CI is set, and ${what} cannot run: ${why}.`);
  console.log(`skipping ${what}: ${why}`);
  return true;
}

/** Mounts a tmpfs of `size` (mount's syntax: 4m) on a new directory; returns it. */
export function tinyDisk(cleanups: Cleanups, size: string): string {
  const dir = tempDir('gagent-tiny-disk-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) throw new Error(`cannot mount a tmpfs on ${dir}: ${mounted.stderr.trim()}`);
  // Lazily: a process of the test that still holds a file there must not keep the mount alive.
  cleanups.push(() => spawnSync('umount', ['-l', dir]));
  return dir;
}

/** Fills the filesystem holding `dir` to the last byte, with a file named filler; returns its path. */
export function fillDisk(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = fs.openSync(file, 'a');
  try {
    for (const size of [1024 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      try {
        while (fs.writeSync(fd, chunk) > 0);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}
