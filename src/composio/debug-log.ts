/**
 * GAGENT_DEBUG=1: the Composio SDK's own logging (its logger and its HTTP client's request and
 * response log) goes to stderr, redacted — gagent's secrets, secret-looking JSON fields, terminal
 * control sequences — so stdout stays the command's output and no token is printed. Without
 * GAGENT_DEBUG nothing is logged at all.
 */
import type { Config } from '../config.js';
import { Redactor, redactSecretFields } from '../redact.js';
import { sanitizeForTerminal } from '../terminal-text.js';

export type LogSink = (line: string) => void;

export interface SdkLogger {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

function format(args: unknown[]): string {
  return args
    .map((arg) => {
      if (typeof arg === 'string') return arg;
      try {
        return JSON.stringify(arg);
      } catch {
        return String(arg);
      }
    })
    .join(' ');
}

/** A logger object in the shape both SDK loggers call, writing each call as one line to `sink`. */
export function sdkLogger(sink: LogSink | undefined): SdkLogger {
  const write =
    (level: string) =>
    (...args: unknown[]) =>
      sink?.(`${level} ${format(args)}`);
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

/** The stderr sink of GAGENT_DEBUG=1, or none. */
export function composioDebugLog(
  config: Config,
  stderr: NodeJS.WritableStream = process.stderr,
): LogSink | undefined {
  if (!config.debug) return undefined;
  const redactor = new Redactor(config.secrets);
  return (line) => {
    const clean = sanitizeForTerminal(redactor.redact(redactSecretFields(line)));
    stderr.write(`gagent debug: composio: ${clean}\n`);
  };
}
