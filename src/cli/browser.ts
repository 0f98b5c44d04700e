/** Whether a browser opened from here would reach the user, and opening it (never through a shell). */
import type { Config } from '../config.js';

export function shouldOpenBrowser(config: Config, platform: NodeJS.Platform = process.platform): boolean {
  // Over SSH a browser would open on the remote machine, not in front of the user.
  if (config.ssh) return false;
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    return !!(config.display || config.waylandDisplay);
  }
  return true;
}

/** Returns false when no browser could be started; the caller prints the link either way. */
export async function openInBrowser(url: string): Promise<boolean> {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    const { default: open } = await import('open');
    const child = await open(url, { wait: false });
    return await new Promise<boolean>((resolve) => {
      child.once('error', () => resolve(false));
      child.once('spawn', () => resolve(true));
      setTimeout(() => resolve(true), 200).unref();
    });
  } catch {
    return false;
  }
}
