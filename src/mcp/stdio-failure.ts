/**
 * Why a stdio MCP server failed, each as a clause the caller puts in its sentence ("the program
 * "foo" was not found"). What the program wrote is quoted short and stripped of terminal control,
 * never interpreted.
 */
import { formatSize, oneLine } from '../format.js';
import { sanitizeForTerminal } from '../terminal-text.js';
import type { MessageTooLargeError } from './message-lines.js';

/** `kind`: it never started, it exited, or it broke the protocol on stdout. */
export class StdioServerError extends Error {
  constructor(
    readonly kind: 'not_started' | 'exited' | 'bad_output',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StdioServerError';
  }
}

export function notStarted(message: string, cause?: unknown): StdioServerError {
  return new StdioServerError('not_started', message, { cause });
}

/** The program could not be executed. */
export function spawnFailure(command: string, err: NodeJS.ErrnoException): StdioServerError {
  if (err.code === 'ENOENT') return notStarted(`the program "${command}" was not found`, err);
  if (err.code === 'EACCES')
    return notStarted(`the program "${command}" cannot be run (permission denied)`, err);
  return notStarted(`the program "${command}" could not be started (${errno(err)})`, err);
}

/** The program ended by itself; `tail` is the end of its log (server-log.ts). */
export function exitFailure(exit: {
  code: number | null;
  signal: NodeJS.Signals | null;
  answered: boolean;
  logFile: string;
  tail: string;
}): StdioServerError {
  const how = exit.signal ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`;
  const when = exit.answered ? '' : ' before answering';
  const ends = exit.tail ? ` (it ends: "${exit.tail}")` : '';
  return new StdioServerError('exited', `the program ${how}${when}; its log: ${exit.logFile}${ends}`);
}

const EXCERPT_CHARS = 80;

/**
 * A line on stdout that is not a JSON-RPC message. The spec allows nothing else there; a program
 * that writes anything else cannot be trusted to frame the rest, and waiting would only end in a
 * timeout, so this ends the server.
 */
export function strayOutput(line: string, cause: unknown): StdioServerError {
  const excerpt = oneLine(sanitizeForTerminal(line), EXCERPT_CHARS);
  return new StdioServerError(
    'bad_output',
    `the program wrote something other than an MCP message on stdout: "${excerpt}"`,
    { cause },
  );
}

export function tooLarge(err: MessageTooLargeError): StdioServerError {
  return new StdioServerError(
    'bad_output',
    `the program wrote a message larger than ${formatSize(err.maxBytes)} on stdout`,
    { cause: err },
  );
}

export function errno(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? (e instanceof Error ? e.message : String(err));
}
