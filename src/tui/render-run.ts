/** Mounts the run view on the terminal. Loaded only by `gagent run` on a TTY (Ink and React stay off every other path). */
import type { ApprovalAnswer } from '../agent/approval.js';
import type { RunEvent } from '../runner/events.js';
import { loadRunView } from './load-view.js';

export interface RunViewHandle {
  /**
   * Resolves once the view has drawn its final frame and unmounted. Taken from Ink at mount:
   * Ink creates this promise lazily, and one asked for after the view closed never settles.
   */
  exited: Promise<void>;
  unmount(): void;
}

export async function renderRunView(options: {
  subscribe: (listener: (event: RunEvent) => void) => () => void;
  onApproval: (answer: ApprovalAnswer) => void;
  onInterrupt: () => void;
  /** Whether keys can be read; without a keyboard, nothing asks for input. */
  keyboard: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}): Promise<RunViewHandle> {
  // React picks its build from NODE_ENV when first loaded: the development build is slower and
  // prints developer warnings into the user's terminal.
  process.env.NODE_ENV ??= 'production';
  const { render, createElement, RunApp } = await loadRunView();
  const instance = render(
    createElement(RunApp, {
      subscribe: options.subscribe,
      onApproval: options.onApproval,
      onInterrupt: options.onInterrupt,
      keyboard: options.keyboard,
    }),
    {
      stdout: options.stdout ?? process.stdout,
      stdin: options.stdin ?? process.stdin,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  const exited = instance.waitUntilExit().then(
    () => undefined,
    () => undefined,
  );
  return { exited, unmount: () => instance.unmount() };
}
