/**
 * Text from outside (MCP results, model replies, tasks, page titles) is data, never terminal
 * control. This is the one sanitizer: every human-readable output — the CLI's text and the live
 * view — passes through `sanitizeForTerminal`; JSON keeps the data and escapes what JSON.stringify
 * leaves raw (`escapeJsonControls`).
 */

// These patterns match control characters on purpose: that is what they remove.
const TERMINAL_SEQUENCES = [
  // biome-ignore lint/suspicious/noControlCharactersInRegex: CSI sequences (colours, cursor moves, erase)
  /\u001b\[[0-?]*[ -/]*[@-~]/g,
  // biome-ignore lint/suspicious/noControlCharactersInRegex: OSC/DCS/APC/PM/SOS strings (titles, hyperlinks, clipboard writes)
  /\u001b[\]P^_X][\s\S]*?(\u0007|\u001b\\|$)/g,
  // biome-ignore lint/suspicious/noControlCharactersInRegex: other two-character escape sequences
  /\u001b[ -~]?/g,
  // C1 controls in their 8-bit form: CSI (U+009B) and OSC (U+009D) strings, then any other C1.
  /\u009b[0-?]*[ -/]*[@-~]/g,
  // biome-ignore lint/suspicious/noControlCharactersInRegex: 8-bit OSC/DCS/PM/APC/SOS strings end with BEL or ST
  /[\u009d\u0090\u009e\u009f\u0098][\s\S]*?(\u0007|\u009c|$)/g,
  // biome-ignore lint/suspicious/noControlCharactersInRegex: C0 (except newline and tab), DEL and C1 controls
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
  // Bidirectional overrides and isolates reorder what is shown (a recipient can be made to read backwards).
  /[\u202a-\u202e\u2066-\u2069]/g,
];

/** Strips terminal control sequences, keeping newlines and tabs. */
export function sanitizeForTerminal(text: string): string {
  return TERMINAL_SEQUENCES.reduce((out, pattern) => out.replace(pattern, ''), text);
}

/**
 * JSON.stringify escapes U+0000–U+001F but leaves DEL and the C1 controls raw, and a terminal may
 * act on those; escaping them keeps the document equal as data.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
