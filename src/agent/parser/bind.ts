/** Binds a parsed call's positional and keyword arguments to an action's parameters and validates them. Pure: nothing runs. */
import { checkValue } from '../actions/param-types.js';
import type { Action } from '../actions/types.js';
import { type ParsedCall, plainObject } from './call-parser.js';

export type BindResult = { ok: true; args: Record<string, unknown> } | { ok: false; error: string };

export function bindArguments(action: Action, call: ParsedCall): BindResult {
  const params = action.params;
  const fail = (error: string): BindResult => ({ ok: false, error: `agent.${action.name}: ${error}` });
  if (call.positional.length > params.length) {
    return fail(
      `takes at most ${params.length} argument${params.length === 1 ? '' : 's'}, got ${call.positional.length}`,
    );
  }
  const given = new Map<string, unknown>();
  for (const [i, value] of call.positional.entries()) given.set((params[i] as { name: string }).name, value);
  for (const [name, value] of call.keyword) {
    if (!params.some((p) => p.name === name)) {
      const allowed = params.map((p) => p.name).join(', ') || 'none';
      return fail(`has no argument "${name}" (its arguments: ${allowed})`);
    }
    if (given.has(name)) return fail(`got "${name}" twice (by position and by name)`);
    given.set(name, value);
  }
  const args = plainObject();
  const missing: string[] = [];
  for (const param of params) {
    if (!given.has(param.name)) {
      if (param.required) missing.push(param.name);
      // GUI actions run with their defaults; MCP tools apply their own.
      else if (action.kind === 'gui' && param.default !== undefined) args[param.name] = param.default;
      continue;
    }
    const value = given.get(param.name);
    const problem = checkValue(value, param.type) ?? param.check?.(value) ?? null;
    if (problem) return fail(`argument "${param.name}" ${problem}`);
    args[param.name] = value;
  }
  if (missing.length > 0)
    return fail(`missing required argument${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`);
  return { ok: true, args };
}
