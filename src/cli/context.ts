/** What every command implementation receives: config, output, a store opened on demand, and an abort signal. */
import type { Config } from '../config.js';
import { InterruptedError } from '../errors.js';
import type { HttpStack } from '../http.js';
import type { Redactor } from '../redact.js';
import type { Store } from '../store/store.js';
import type { Output } from './output.js';

export interface CommandContext {
  config: Config;
  output: Output;
  redactor: Redactor;
  /** Aborted on Ctrl+C / SIGTERM. */
  signal: AbortSignal;
  /** Opens the database once per command (the same promise every call); execute() closes it. */
  store(): Promise<Store>;
  /** The command's one HTTP stack (proxy-aware); execute() closes it. */
  http: HttpStack;
  /**
   * Where Composio sends the browser back when a server's own route receives it (gagent serve);
   * absent, a loopback listener of this process does (callbackAddress).
   */
  connectCallback?: () => URL;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError();
}

/** A command's implementation: positional arguments, and the options the command declared. */
export type CommandHandler<Options = Record<string, unknown>> = (
  ctx: CommandContext,
  args: string[],
  options: Options,
) => Promise<number>;
