/** Temporary directories for tests, all removed after each test file (test/setup.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made = new Set<string>();

export function tempDir(prefix = 'gagent-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Makes every directory under `dir` writable again (a test may have locked one down), then removes it. */
function removeTree(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    const unlock = (p: string) => {
      try {
        fs.chmodSync(p, 0o700);
        for (const entry of fs.readdirSync(p, { withFileTypes: true }))
          if (entry.isDirectory()) unlock(path.join(p, entry.name));
      } catch {
        // keep going
      }
    };
    unlock(dir);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

export function removeTempDirs(): void {
  for (const dir of made) removeTree(dir);
  made.clear();
}
