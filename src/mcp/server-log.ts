/**
 * A stdio MCP server's log: its stderr, appended to a file only the user can read (what a server
 * prints may hold the tokens it was given), never the terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { oneLine } from '../format.js';
import { Redactor } from '../redact.js';
import { sanitizeForTerminal } from '../terminal-text.js';

export interface OpenedLog {
  /** Write descriptor, for the child's stderr; the caller closes it once the child holds its own. */
  fd: number;
  /** Where this server's output starts, so a tail shows this run's lines and not an older one's. */
  start: number;
}

/** A log past this at a server's start is kept as `<file>.1` (one generation) and begun afresh. */
export const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

function rotateIfLarge(file: string): void {
  try {
    const stat = fs.lstatSync(file);
    if (stat.isFile() && stat.size > LOG_ROTATE_BYTES) fs.renameSync(file, `${file}.1`);
  } catch {
    // No log yet (or it cannot be looked at: opening it says why).
  }
}

/**
 * Opens `file` for appending (0600 when created, in a 0700 directory made if missing) and marks a
 * start. A chatty server's log is rotated at start, so it never grows without bound across runs.
 */
export function openServerLog(file: string, server: string, program: string): OpenedLog {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  rotateIfLarge(file);
  // No following a symlink planted at the log's name: the child's output would go where it points.
  const flags =
    fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;
  const fd = fs.openSync(file, flags, 0o600);
  try {
    fs.writeSync(
      fd,
      `\n--- gagent started the server "${server}" ("${program}") at ${new Date().toISOString()} ---\n`,
    );
    return { fd, start: fs.fstatSync(fd).size };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

const TAIL_BYTES = 4096;
const TAIL_LINES = 3;
const LINE_CHARS = 160;

/**
 * The last few lines the server wrote since `start`, as one short line for an error message: cut,
 * stripped of terminal control, and with the values it was given (its tokens) redacted. Quoted,
 * not interpreted — it is the text of a program that just failed. Empty when there is none.
 */
export function logTail(file: string, start: number, secrets: Iterable<string>): string {
  let text: string;
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const size = fs.fstatSync(fd).size;
      const from = Math.max(start, size - TAIL_BYTES);
      const buffer = Buffer.alloc(Math.max(0, size - from));
      const read = fs.readSync(fd, buffer, 0, buffer.length, from);
      text = buffer.subarray(0, read).toString('utf8');
      // A cut through the middle of a line: drop its start, unless it is all there is.
      if (from > start && text.includes('\n')) text = text.slice(text.indexOf('\n') + 1);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
  const redactor = new Redactor(secrets);
  const lines = text
    .split('\n')
    .map((line) => oneLine(redactor.redact(sanitizeForTerminal(line)), LINE_CHARS))
    .filter((line) => line !== '')
    .slice(-TAIL_LINES);
  return lines.join(' / ');
}
