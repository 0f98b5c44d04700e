/** Opens the MCP registry of the command's user (one instance, closed by the caller). */
import type { McpRegistry, ServerConfig } from '../mcp/registry.js';
import { McpRegistry as Registry } from '../mcp/registry.js';
import { registryDefaults, userServerConfigs } from '../mcp/user-servers.js';
import type { CommandContext } from './context.js';

export function registryOptions(ctx: CommandContext) {
  return {
    ...registryDefaults(ctx.config),
    warn: (message: string) => ctx.output.warn(message),
    fetch: ctx.http.fetch,
  };
}

export async function withRegistry<T>(
  ctx: CommandContext,
  select: (configs: ServerConfig[]) => ServerConfig[],
  fn: (registry: McpRegistry) => Promise<T>,
): Promise<T> {
  const registry = await Registry.connect(
    select(await userServerConfigs(ctx.config, await ctx.store(), ctx.redactor, { fetch: ctx.http.fetch })),
    registryOptions(ctx),
  );
  try {
    return await fn(registry);
  } finally {
    await registry.close();
  }
}
