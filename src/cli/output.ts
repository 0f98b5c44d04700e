/** Everything a command prints goes through here: JSON or human text, always redacted. */
import type { Writable } from 'node:stream';
import { GagentError } from '../errors.js';
import type { Redactor } from '../redact.js';
import { escapeJsonControls, sanitizeForTerminal } from '../terminal-text.js';

export interface OutputStreams {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

export class Output {
  /** True when stdout gets one JSON document (or JSONL events) instead of text. */
  readonly json: boolean;

  constructor(
    private readonly streams: OutputStreams,
    private readonly redactor: Redactor,
    jsonFlag: boolean,
  ) {
    this.json = jsonFlag || !streams.stdout.isTTY;
  }

  get interactive(): boolean {
    return !!this.streams.stdout.isTTY && !this.json;
  }

  get stderrIsTTY(): boolean {
    return !!this.streams.stderr.isTTY;
  }

  /** The command's result: a JSON document in JSON mode, else the human rendering. */
  result(value: unknown, human: () => string): void {
    if (this.json) this.jsonLine(value, 2);
    else this.text(human());
  }

  /** One JSON value on one line (JSONL), or pretty-printed with `indent`. */
  jsonLine(value: unknown, indent?: number): void {
    this.streams.stdout.write(
      `${escapeJsonControls(this.redactor.redact(JSON.stringify(value, null, indent)))}\n`,
    );
  }

  /** Human text: redacted, and stripped of terminal control sequences (text from outside is data). */
  private human(text: string): string {
    return sanitizeForTerminal(this.redactor.redact(text));
  }

  text(text: string): void {
    if (!text) return;
    this.streams.stdout.write(`${this.human(text)}${text.endsWith('\n') ? '' : '\n'}`);
  }

  /** Progress and notices: stderr, so stdout stays a clean document. */
  info(text: string): void {
    this.streams.stderr.write(`${this.human(text)}\n`);
  }

  warn(text: string): void {
    this.streams.stderr.write(`gagent: warning: ${this.human(text)}\n`);
  }

  /** One sentence saying what is wrong, then how to fix it. */
  error(err: unknown, debug: boolean): void {
    const line =
      err instanceof GagentError
        ? [/[.!?]$/.test(err.message) ? err.message : `${err.message}.`, err.hint].filter(Boolean).join(' ')
        : `Unexpected error: ${err instanceof Error ? err.message : String(err)}${debug ? '' : ' (set GAGENT_DEBUG=1 for details)'}`;
    this.streams.stderr.write(`gagent: ${this.human(line)}\n`);
    if (debug && err instanceof Error && err.stack) {
      this.streams.stderr.write(`${this.human(err.stack)}\n`);
      if (err.cause instanceof Error && err.cause.stack) {
        this.streams.stderr.write(`caused by: ${this.human(err.cause.stack)}\n`);
      }
    }
  }
}
