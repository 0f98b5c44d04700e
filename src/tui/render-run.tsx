/** Mounts the run view on the terminal. Loaded only by `gagent run` on a TTY (Ink and React stay off every other path). */
import { render } from 'ink';
import type { RunEvent } from '../runner/events.js';
import { RunApp } from './RunApp.js';

export interface RunViewHandle {
  /** Resolves once the view has drawn its final frame and unmounted. */
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

export function renderRunView(options: {
  subscribe: (listener: (event: RunEvent) => void) => () => void;
  onApproval: (approved: boolean) => void;
  onInterrupt: () => void;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}): RunViewHandle {
  const instance = render(
    <RunApp
      subscribe={options.subscribe}
      onApproval={options.onApproval}
      onInterrupt={options.onInterrupt}
    />,
    {
      stdout: options.stdout ?? process.stdout,
      stdin: options.stdin ?? process.stdin,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  return {
    waitUntilExit: async () => {
      await instance.waitUntilExit();
    },
    unmount: () => instance.unmount(),
  };
}
