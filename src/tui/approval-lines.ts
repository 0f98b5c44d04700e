/**
 * What the approval prompt shows: every argument, in the tool schema's order, each folded on its
 * own when long (with how much is hidden and how to see it), never cut silently. Pure, so the
 * rules are tested without a terminal.
 */
import { sanitizeForTerminal } from '../terminal-text.js';

export interface ArgumentLine {
  name: string;
  /** The value as shown (JSON, so quotes and newlines are visible), possibly folded. */
  text: string;
  /** Characters hidden by folding; 0 when shown whole. */
  hidden: number;
}

/** Arguments in the order the tool's schema lists its parameters; any others after them. */
export function orderedArguments(
  args: Record<string, unknown>,
  schemaOrder: readonly string[],
): [string, unknown][] {
  const known = schemaOrder.filter((name) => Object.hasOwn(args, name));
  const rest = Object.keys(args).filter((name) => !schemaOrder.includes(name));
  return [...known, ...rest].map((name) => [name, args[name]]);
}

/** How many characters of one value are shown folded: about three lines of the terminal. */
export function foldWidth(columns: number): number {
  return Math.max(120, (columns - 8) * 3);
}

export function argumentLines(
  args: Record<string, unknown>,
  schemaOrder: readonly string[],
  options: { columns: number; expanded: boolean },
): ArgumentLine[] {
  const limit = foldWidth(options.columns);
  return orderedArguments(args, schemaOrder).map(([name, value]) => {
    const full = sanitizeForTerminal(JSON.stringify(value) ?? 'null');
    if (options.expanded || full.length <= limit)
      return { name: sanitizeForTerminal(name), text: full, hidden: 0 };
    return { name: sanitizeForTerminal(name), text: full.slice(0, limit), hidden: full.length - limit };
  });
}
