/**
 * The model's reply → one validated action call, or a format error to feed back. Never evaluates
 * anything and has no side effects: no handler runs and nothing is grounded here (ARCHITECTURE.md, Run).
 */
import type { ActionRegistry } from '../actions/registry.js';
import type { Action } from '../actions/types.js';
import { bindArguments } from './bind.js';
import { parseCall } from './call-parser.js';
import { lastCodeBlock } from './code-block.js';
import { SyntaxProblem } from './tokenizer.js';

export type ParseResult =
  | { ok: true; action: Action; args: Record<string, unknown>; code: string }
  | { ok: false; error: string /** The call named no registered action. */; unknownAction?: string };

const MAX_CODE_LENGTH = 20_000;

export function parseAction(reply: string, registry: ActionRegistry): ParseResult {
  const code = lastCodeBlock(reply);
  if (code === null || code === '') {
    return {
      ok: false,
      error:
        'no action found: end your reply with exactly one agent.<action>(…) call inside a ```python code block',
    };
  }
  if (code.length > MAX_CODE_LENGTH)
    return {
      ok: false,
      error: `the code block is too long (${code.length} characters); send one short action call`,
    };
  let call: ReturnType<typeof parseCall>;
  try {
    call = parseCall(code);
  } catch (err) {
    if (err instanceof SyntaxProblem)
      return { ok: false, error: `the action could not be parsed: ${err.message}` };
    throw err;
  }
  const action = registry.get(call.name);
  if (!action) {
    return {
      ok: false,
      error: `agent.${call.name} is not an available action; use one of: ${registry.names().join(', ')}`,
      unknownAction: call.name,
    };
  }
  const bound = bindArguments(action, call);
  return bound.ok ? { ok: true, action, args: bound.args, code } : { ok: false, error: bound.error };
}
