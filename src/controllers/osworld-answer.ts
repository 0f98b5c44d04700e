/**
 * What an OSWorld server's answer to POST /execute means. The server runs the program with
 * subprocess.run and answers 200 {status: "success", output, error, returncode} even when Python
 * failed (returncode 1, the traceback in `error`, its last line the error itself), and 500
 * {status: "error", message} when it could not run it at all (the 120 s limit, no python). Both
 * are about this action, so they become feedback; only other HTTP failures end a run.
 */
import { z } from 'zod';
import { sanitizeForTerminal } from '../terminal-text.js';

/** How much of a failure's text is kept: its end, where Python prints the error. */
export const FAILURE_TAIL_CHARS = 800;

const executeAnswer = z
  .object({
    status: z.string().optional(),
    returncode: z.number().nullable().optional(),
    output: z.string().nullable().optional(),
    error: z.string().nullable().optional(),
    message: z.string().nullable().optional(),
  })
  .passthrough();

export type ExecuteVerdict =
  /** The program ran to its end; `output` is what it printed. */
  | { kind: 'done'; output: string }
  /** The program failed, or the server could not run it: the model is told `detail`. */
  | { kind: 'failed'; detail: string; output: string }
  /** Any other HTTP failure: its status decides the exit code. */
  | { kind: 'http'; status: number; detail: string };

/**
 * The end of some text from outside, for a person or a model to read: terminal control sequences
 * stripped, at most `max` characters, starting at a line when it was cut.
 */
export function failureTail(text: string, max = FAILURE_TAIL_CHARS): string {
  const clean = sanitizeForTerminal(text)
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (clean.length <= max) return clean;
  const tail = clean.slice(-max);
  const lineStart = tail.indexOf('\n');
  return `…${lineStart >= 0 && lineStart < max / 4 ? tail.slice(lineStart) : tail}`;
}

function parse(text: string): z.infer<typeof executeAnswer> | null {
  try {
    const parsed = executeAnswer.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The words of an HTML error page (Flask's own 500 page), or the text as it is. */
function plainText(text: string): string {
  return /^\s*</.test(text) ? text.replace(/<[^>]*>/g, ' ').replace(/[ \t]+/g, ' ') : text;
}

/** What a failed answer says: the first of `texts` with words, else the body's own words. */
function saying(body: string | null, texts: (string | null | undefined)[], max = FAILURE_TAIL_CHARS): string {
  return failureTail(texts.find((t) => t?.trim()) ?? plainText(body ?? ''), max) || 'no reason given';
}

/** The server's reason for an HTTP failure of any of its routes: its JSON message, or its page's words. */
export function serverReason(body: string | null, max = FAILURE_TAIL_CHARS): string {
  const answer = body === null ? null : parse(body);
  return saying(body, [answer?.message, answer?.error], max);
}

/** `body` is the answer's text, or null when it was larger than gagent reads. */
export function executeVerdict(status: number, body: string | null, limitNote: string): ExecuteVerdict {
  const answer = body === null ? null : parse(body);
  const said = (...texts: (string | null | undefined)[]) => saying(body, texts);
  if (status >= 200 && status < 300) {
    if (body === null) return { kind: 'failed', detail: `its answer was ${limitNote}`, output: '' };
    const output = answer?.output ?? '';
    const failed = (answer?.returncode ?? 0) !== 0 || answer?.status === 'error';
    if (!failed) return { kind: 'done', output };
    return { kind: 'failed', detail: said(answer?.error, answer?.output, answer?.message), output };
  }
  if (status === 500) {
    return {
      kind: 'failed',
      detail: `the OSWorld server answered HTTP 500: ${said(answer?.message, answer?.error)}`,
      output: answer?.output ?? '',
    };
  }
  return { kind: 'http', status, detail: said(answer?.message, answer?.error) };
}

/**
 * The answer's bytes, or null when there are more than `maxBytes` (the rest is never read: a
 * hostile server cannot make gagent hold more).
 */
export async function readLimited(res: Response, maxBytes: number): Promise<Buffer | null> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
}
