/**
 * Asks a person at the terminal a yes/no question before something that cannot be undone. Only
 * where a person can answer (stdin and stdout are terminals, no --json); elsewhere the command
 * needs --yes instead.
 */
import { createInterface } from 'node:readline/promises';
import { InterruptedError } from '../errors.js';
import type { CommandContext } from './context.js';

export function canAsk(ctx: CommandContext): boolean {
  return ctx.output.interactive && process.stdin.isTTY === true;
}

/** True only for an answer of y or yes; Enter, anything else, or end of input is no. */
export async function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await terminal.question(`${question} [y/N] `, { signal: ctx.signal });
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch (err) {
    if (ctx.signal.aborted) throw new InterruptedError();
    throw err;
  } finally {
    terminal.close();
  }
}
