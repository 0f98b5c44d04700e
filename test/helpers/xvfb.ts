/** A real X server for GUI tests: Xvfb on a free display, with -noreset so separate clients keep state. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

export interface Xvfb {
  display: string;
  close(): Promise<void>;
}

export async function startXvfb(width = 1280, height = 800): Promise<Xvfb> {
  let n = 90 + Math.floor(Math.random() * 400);
  while (fs.existsSync(`/tmp/.X${n}-lock`) || fs.existsSync(`/tmp/.X11-unix/X${n}`)) n += 1;
  const child: ChildProcess = spawn(
    'Xvfb',
    [`:${n}`, '-screen', '0', `${width}x${height}x24`, '-noreset', '-nolisten', 'tcp'],
    { stdio: 'ignore' },
  );
  const started = Date.now();
  while (!fs.existsSync(`/tmp/.X11-unix/X${n}`)) {
    if (child.exitCode !== null) throw new Error(`Xvfb :${n} exited with ${child.exitCode}`);
    if (Date.now() - started > 10_000) throw new Error(`Xvfb :${n} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    display: `:${n}`,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    },
  };
}

export interface AppWindow {
  close(): Promise<void>;
}

/**
 * A real Chromium window on the X display showing `url` full-screen at (0, 0), as a person's
 * desktop would. Its own process group, so closing ends Chromium's helper processes too.
 */
export function startAppWindow(url: string, display: string, profile: string): AppWindow {
  const window: ChildProcess = spawn(
    'chromium',
    [
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-gpu',
      '--disable-quic',
      // No "unsupported flag" bar over the page: page pixels are screen pixels.
      '--test-type',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      `--user-data-dir=${profile}`,
      '--window-position=0,0',
      '--window-size=1280,800',
      `--app=${url}`,
    ],
    // Its temporary files in the profile: a killed Chromium leaves them behind.
    { env: { ...process.env, DISPLAY: display, TMPDIR: profile }, stdio: 'ignore', detached: true },
  );
  return {
    close: async () => {
      const exited = new Promise((resolve) =>
        window.exitCode !== null ? resolve(null) : window.once('exit', resolve),
      );
      if (window.pid) process.kill(-window.pid, 'SIGKILL');
      await exited;
    },
  };
}
