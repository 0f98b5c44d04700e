/** Plain-text shaping shared by prompts, terminal output and reports. */

/** Whitespace folded to single spaces, cut to `max` characters with an ellipsis. */
export function oneLine(text: string | null | undefined, max: number): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const KB = 1024;
const MB = 1024 * 1024;

/** A byte count for people: "512 B", "4.0 KB", "1.5 MB". */
export function formatSize(bytes: number): string {
  if (bytes < KB) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / KB).toFixed(1)} KB`;
  return `${(bytes / MB).toFixed(1)} MB`;
}
