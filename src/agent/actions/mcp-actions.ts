/**
 * Binds a user's MCP tools as actions: exactly the tools of providers that are authorized AND
 * registered, named <provider>_<tool>, in one lookup table. Rebinding drops every stale MCP
 * action first, so a disconnected provider leaves the next prompt at once.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { actionName } from '../../mcp/naming.js';
import type { McpToolSource } from '../../mcp/types.js';
import { fromJsonSchema, SchemaError } from './param-types.js';
import type { ActionRegistry } from './registry.js';
import type { McpAction, Param } from './types.js';

export interface BindReport {
  bound: string[];
  skipped: { provider: string; tool: string; reason: string }[];
}

function paramsOf(tool: Tool): Param[] {
  const schema = tool.inputSchema as { properties?: Record<string, unknown>; required?: unknown };
  const properties = schema.properties ?? {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [],
  );
  const names = Object.keys(properties);
  // Required first, as Python signatures need them before the optional ones.
  const ordered = [...names.filter((n) => required.has(n)), ...names.filter((n) => !required.has(n))];
  return ordered.map((name) => {
    const prop = (properties[name] ?? {}) as { description?: unknown; default?: unknown };
    return {
      name,
      type: fromJsonSchema(properties[name]),
      required: required.has(name),
      ...(prop.default !== undefined ? { default: prop.default } : {}),
      ...(typeof prop.description === 'string' ? { description: prop.description } : {}),
    };
  });
}

/** The tool's own description, worded as an ability of the agent and marked with its provider. */
function describe(provider: string, tool: Tool, readOnly: boolean): string {
  const text = (tool.description ?? tool.annotations?.title ?? tool.name).trim();
  const effect = readOnly
    ? 'Read-only.'
    : 'Acts on the outside world through the account; the user may be asked to approve it.';
  return `[${provider}] ${text}\n${effect} Uses the user's connected ${provider} account; its result is shown to you next step.`;
}

function toAction(source: McpToolSource, tool: Tool, name: string): McpAction {
  const readOnly = tool.annotations?.readOnlyHint === true;
  return {
    kind: 'mcp',
    name,
    provider: source.provider,
    tool: tool.name,
    description: describe(source.provider, tool, readOnly),
    params: paramsOf(tool),
    annotations: { readOnly, destructive: tool.annotations?.destructiveHint === true },
    handler: async (args, context) => {
      const started = performance.now();
      const result = await source.callTool(tool.name, args, context.signal);
      return {
        type: 'mcp',
        provider: source.provider,
        tool: tool.name,
        args,
        result,
        durationMs: Math.round(performance.now() - started),
      };
    },
  };
}

export function bindMcpActions(
  registry: ActionRegistry,
  sources: readonly McpToolSource[],
  isAuthorized: (provider: string) => boolean,
): BindReport {
  for (const stale of registry.mcpActions()) registry.unregister(stale.name);
  const report: BindReport = { bound: [], skipped: [] };
  const ordered = [...sources]
    .filter((s) => isAuthorized(s.provider))
    .sort((a, b) => a.provider.localeCompare(b.provider));
  for (const source of ordered) {
    for (const tool of source.tools) {
      let action: McpAction;
      try {
        const base = actionName(source.provider, tool.name);
        // Collisions get a deterministic suffix; a GUI action is never shadowed.
        let name = base;
        for (let n = 2; registry.has(name); n++) name = `${base}_${n}`;
        action = toAction(source, tool, name);
      } catch (err) {
        const reason =
          err instanceof SchemaError ? `its input schema is not usable: ${err.message}` : String(err);
        report.skipped.push({ provider: source.provider, tool: tool.name, reason });
        continue;
      }
      registry.register(action);
      report.bound.push(action.name);
    }
  }
  return report;
}
