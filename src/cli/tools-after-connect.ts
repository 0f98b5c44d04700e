/** connect's stage 6: rebuild the user's registry and report the tools the new connection brings. */
import { actionName } from '../mcp/naming.js';
import { statusReason } from '../mcp/registry.js';
import type { CommandContext } from './context.js';
import { withRegistry } from './user-registry.js';

export interface ToolsReport {
  actions: string[];
  problems: string[];
  summary: string;
}

export function rebuildRegistryAndListTools(ctx: CommandContext, provider: string): Promise<ToolsReport> {
  return withRegistry(
    ctx,
    (all) => all,
    async (registry) => {
      const handle = registry.get(provider);
      const problems = registry
        .servers()
        .filter((s) => s.status.state !== 'ready')
        .map((s) => `${s.config.name}: ${statusReason(s.status)}`);
      if (handle?.status.state !== 'ready') {
        const reason = (handle && statusReason(handle.status)) ?? 'no MCP connection was stored';
        return {
          actions: [],
          problems,
          summary: `the connection is saved, but its MCP server could not be used yet: ${reason}`,
        };
      }
      const actions = handle.tools.map((t) => actionName(provider, t.name));
      const total = registry.ready().reduce((n, s) => n + s.tools.length, 0);
      return {
        actions,
        problems,
        summary: `registry rebuilt: ${actions.length} ${provider} tools, ${total} tools in all for this user`,
      };
    },
  );
}
