/** The few HTML primitives the report needs: escaping every byte from outside, and CSP hashes. */
import { createHash } from 'node:crypto';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text as HTML text or attribute value: markup characters escaped, and control characters that
 * HTML does not allow (everything below a space but tab and newlines, DEL, C1) dropped.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls HTML does not allow in text
const DISALLOWED_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export function escapeHtml(text: string): string {
  return text.replace(DISALLOWED_CONTROLS, '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** The Content-Security-Policy source that allows exactly this inline script or style. */
export function cspHash(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}
