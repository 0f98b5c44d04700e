/**
 * A saved step in words — its action call, its outcome, who allowed an MCP call — the same in
 * `runs show` and in the HTML report. Rows come from the database as JSON; each reader checks
 * the shape it needs.
 */
import type { ScreenAction } from '../domain/screen.js';
import { landedAt } from '../domain/screen.js';
import { oneLine } from '../format.js';

const DECIDERS: Record<string, string> = {
  'read-only': 'ran unasked: a read-only tool of a trusted server',
  remembered: 'allowed by a remembered "always" approval',
  user: 'the user',
  flag: 'allowed by --yes',
  policy: 'denied: nobody could approve (no terminal, no --yes)',
};

export function describeApproval(approval: unknown): string | null {
  const a = approval as { approved?: unknown; by?: unknown; remembered?: unknown } | null;
  if (!a || typeof a.by !== 'string') return null;
  if (a.by === 'user')
    return a.approved ? `allowed by the user${a.remembered ? ' (always)' : ''}` : 'denied by the user';
  return DECIDERS[a.by] ?? a.by;
}

/** The call's arguments as the model wrote them, or none. */
export function actionArgs(action: unknown): [string, unknown][] {
  const call = action as { args?: unknown } | null;
  return call?.args && typeof call.args === 'object'
    ? Object.entries(call.args as Record<string, unknown>)
    : [];
}

export function actionName(action: unknown): string | null {
  const name = (action as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : null;
}

export function describeAction(action: unknown): string {
  const name = actionName(action);
  if (!name) return '(no action)';
  return `${name}(${actionArgs(action)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')})`;
}

/** The screen action a GUI step performed, with its coordinates, if it performed one. */
export function screenActionOf(outcome: unknown): ScreenAction | null {
  const o = outcome as { type?: unknown; action?: unknown } | null;
  if (o?.type !== 'screen' || !o.action || typeof o.action !== 'object') return null;
  return o.action as ScreenAction;
}

export function describeOutcome(outcome: unknown, max = 120): string {
  const o = outcome as { type?: string; [key: string]: unknown } | null;
  switch (o?.type) {
    case 'mcp':
      return `${o.isError ? 'tool error' : 'returned'}: ${oneLine(String(o.resultText ?? ''), max)}`;
    case 'refused':
      return `refused: ${oneLine(String(o.reason ?? ''), max)}`;
    case 'denied':
      return `not run: ${o.by === 'policy' ? 'needed approval and nobody could approve' : 'the user declined it'}`;
    case 'format_error':
      return `format error: ${oneLine(String(o.reason ?? ''), max)}`;
    case 'notes':
      return 'saved to notes';
    case 'done':
      return 'done';
    case 'fail':
      return 'fail';
    case 'screen': {
      const action = screenActionOf(o);
      const at = action ? landedAt(action) : null;
      return at ? `executed on screen at ${at}` : 'executed on screen';
    }
    case 'interrupted':
      return 'interrupted while in progress';
    default:
      return '';
  }
}
