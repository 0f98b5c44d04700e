/**
 * A command run for an API request: the same handler the CLI runs, given a context of the
 * request's user whose output is captured instead of printed. The handler's JSON document is the
 * answer; its warnings ride along. There is no second implementation of any command.
 */
import { Writable } from 'node:stream';
import { loadConfig } from '../../config.js';
import type { HttpStack } from '../../http.js';
import type { Redactor } from '../../redact.js';
import type { Store } from '../../store/store.js';
import type { CommandContext, CommandHandler } from '../context.js';
import { Output } from '../output.js';
import { ErrorWithResult } from './http-io.js';

/** What every request shares: the server's database, HTTP stack and redactor. */
export interface ServeDeps {
  store: Store;
  http: HttpStack;
  redactor: Redactor;
  /** Aborted when the server shuts down. */
  signal: AbortSignal;
  /** The callback route's URL as Composio must call it (COMPOSIO_REDIRECT, or this server's). */
  callbackUrl(): URL;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** A context for one request of `user`: the server's environment, that user, captured output. */
export function requestContext(
  deps: ServeDeps,
  user: string,
  signal: AbortSignal,
): { ctx: CommandContext; document(): unknown; warnings(): string[] } {
  const stdout = new Capture();
  const stderr = new Capture();
  const output = new Output({ stdout, stderr }, deps.redactor, true);
  const ctx: CommandContext = {
    config: loadConfig({ user, shared: true }),
    output,
    redactor: deps.redactor,
    signal: AbortSignal.any([deps.signal, signal]),
    store: () => Promise.resolve(deps.store),
    http: deps.http,
    connectCallback: deps.callbackUrl,
  };
  return {
    ctx,
    document: () => (stdout.text.trim() ? JSON.parse(stdout.text) : null),
    warnings: () =>
      stderr.text
        .split('\n')
        .filter((line) => line.startsWith('gagent: warning: '))
        .map((line) => line.slice('gagent: warning: '.length)),
  };
}

/** Runs a command handler for the request; resolves with its document (warnings added when there are any). */
export async function runHandler<O>(
  deps: ServeDeps,
  user: string,
  signal: AbortSignal,
  handler: CommandHandler<O>,
  args: string[],
  options: O,
): Promise<unknown> {
  const request = requestContext(deps, user, signal);
  try {
    await handler(request.ctx, args, options);
  } catch (err) {
    let printed: unknown = null;
    try {
      printed = request.document();
    } catch {
      // not one whole document: answer with the error alone
    }
    throw printed === null ? err : new ErrorWithResult(err, printed);
  }
  const document = request.document();
  const warnings = request.warnings();
  if (warnings.length > 0 && document && typeof document === 'object' && !Array.isArray(document))
    return { ...document, warnings };
  return document;
}
