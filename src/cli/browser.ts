/** Whether a browser opened from here would reach the user, and opening it (never through a shell). */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Config } from '../config.js';

export function shouldOpenBrowser(config: Config, platform: NodeJS.Platform = process.platform): boolean {
  // The user said how links open here (BROWSER): use it, wherever we are.
  if (config.browser) return true;
  // Over SSH a browser would open on the remote machine, not in front of the user.
  if (config.ssh) return false;
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    return !!(config.display || config.waylandDisplay);
  }
  return true;
}

/**
 * BROWSER as git and Python's webbrowser read it: words split on spaces, `%s` replaced by the
 * link, else the link appended. The words become argv directly; no shell sees the link.
 */
function browserArgv(command: string, url: string): string[] {
  const words = command.split(/\s+/).filter(Boolean);
  const placed = words.some((word) => word.includes('%s'));
  const argv = words.map((word) => word.replaceAll('%s', url));
  return placed ? argv : [...argv, url];
}

/** Resolves true once the process started, false if it could not be started. */
function started(child: ChildProcess): Promise<boolean> {
  child.unref();
  if (child.pid !== undefined) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
    // open() hands the child over late enough that its events may already have fired.
    setTimeout(() => resolve(child.pid !== undefined), 200).unref();
  });
}

/** Returns false when no browser could be started; the caller prints the link either way. */
export async function openInBrowser(url: string, browserCommand?: string): Promise<boolean> {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    if (browserCommand) {
      const [program, ...args] = browserArgv(browserCommand, url);
      if (!program) return false;
      return await started(spawn(program, args, { detached: true, stdio: 'ignore' }));
    }
    const { default: open } = await import('open');
    return await started(await open(url, { wait: false }));
  } catch {
    return false;
  }
}
