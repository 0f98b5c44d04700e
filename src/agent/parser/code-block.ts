/**
 * The model's action is the LAST fenced code block of its reply. Fences count only at the start
 * of a line, as in Markdown, so an action that types "```" inside a string stays whole; a reply
 * with no line fences falls back to an inline ```…``` block.
 */

const OPEN = /^ {0,3}```[^`\n]*$/;
const CLOSE = /^ {0,3}```\s*$/;
const INLINE = /```[A-Za-z0-9_+-]*\s*([\s\S]*?)```/g;

export function lastCodeBlock(reply: string): string | null {
  let last: string | null = null;
  let current: string[] | null = null;
  for (const line of reply.split('\n')) {
    if (current === null) {
      if (OPEN.test(line)) current = [];
    } else if (CLOSE.test(line)) {
      last = current.join('\n');
      current = null;
    } else {
      current.push(line);
    }
  }
  if (last !== null) return last.trim();
  let inline: string | null = null;
  for (const match of reply.matchAll(INLINE)) inline = match[1] ?? '';
  return inline === null ? null : inline.trim();
}
