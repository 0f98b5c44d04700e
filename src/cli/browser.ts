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
    setTimeout(() => resolve(child.pid !== undefined), 200).unref();
  });
}

/** The platform's own way to open a link, as argv (no shell). */
function systemOpenerArgv(url: string, platform: NodeJS.Platform): string[] {
  if (platform === 'darwin') return ['open', url];
  if (platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}

/**
 * Opens an http(s) link, or a file gagent wrote (file:), with BROWSER, else the platform's opener.
 * The child gets `env` (gagent's secrets removed). Returns false when nothing could be started;
 * the caller prints the link either way.
 */
export async function openInBrowser(
  url: string,
  options: { browserCommand?: string; env: NodeJS.ProcessEnv; platform?: NodeJS.Platform },
): Promise<boolean> {
  if (!/^(https?|file):\/\//i.test(url)) return false;
  const argv = options.browserCommand
    ? browserArgv(options.browserCommand, url)
    : systemOpenerArgv(url, options.platform ?? process.platform);
  const [program, ...args] = argv;
  if (!program) return false;
  try {
    return await started(spawn(program, args, { detached: true, stdio: 'ignore', env: options.env }));
  } catch {
    return false;
  }
}
