/**
 * The directory gagent is installed in (the one holding its package.json and drizzle/), found
 * by walking up from the calling module: the same code runs from src/ in tests and from the
 * bundled dist/ (whose chunks sit at another depth).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(moduleUrl: string): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'drizzle'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('gagent cannot find its own installation (package.json and drizzle/); reinstall it.');
}

/** gagent's version, from its package.json. */
export function packageVersion(moduleUrl: string): string {
  const file = path.join(packageRoot(moduleUrl), 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
