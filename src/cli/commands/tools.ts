/** gagent tools list / tools call: the MCP tools of the user's connected accounts and GAGENT_MCP_* servers. */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ExitCode, GagentError, NotAuthorizedError, UsageError } from '../../errors.js';
import { actionName } from '../../mcp/naming.js';
import { statusReason } from '../../mcp/registry.js';
import { toolResultText } from '../../mcp/result-text.js';
import { userServerConfigs } from '../../mcp/user-servers.js';
import { accountManager } from '../accounts.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { toolArguments, toolParameters } from '../tool-args.js';
import { withRegistry } from '../user-registry.js';

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]?.trim() ?? '';
}

function toolJson(provider: string, tool: Tool, trustsHints: boolean) {
  const readOnly = tool.annotations?.readOnlyHint === true;
  const destructive = tool.annotations?.destructiveHint === true;
  return {
    action: actionName(provider, tool.name),
    tool: tool.name,
    description: firstLine(tool.description),
    /** What the tool claims about itself. */
    readOnly,
    destructive,
    /** Whether a run asks before calling it (the claim counts only for a trusted server). */
    asks: !(trustsHints && readOnly && !destructive),
    parameters: toolParameters(tool.inputSchema),
  };
}

export const toolsListCommand: CommandHandler<OptionsOf<'tools list'>> = async (ctx) => {
  const report = await withRegistry(
    ctx,
    (all) => all,
    async (registry) =>
      registry.servers().map((server) => ({
        name: server.config.name,
        source: server.config.source,
        state: server.status.state,
        ...(statusReason(server.status) ? { reason: statusReason(server.status) } : {}),
        tools: server.tools.map((t) => toolJson(server.config.name, t, server.config.trustReadOnlyHints)),
      })),
  );
  ctx.output.result({ user: ctx.config.user, servers: report }, () => {
    if (report.length === 0) {
      return `No MCP tools for ${ctx.config.user}. Connect an account with gagent connect gmail, or set GAGENT_MCP_<NAME>_URL.`;
    }
    const lines: string[] = [];
    for (const server of report) {
      lines.push(
        `${server.name} (${server.source}) — ${server.state}${'reason' in server ? `: ${server.reason}` : ''}`,
      );
      for (const t of server.tools) {
        const flags = [
          t.readOnly ? 'says read-only' : '',
          t.destructive ? 'says destructive' : '',
          t.asks ? 'asks first' : 'runs unasked',
        ]
          .filter(Boolean)
          .join(', ');
        lines.push(
          `  ${t.action.padEnd(36)} ${t.tool}${flags ? ` [${flags}]` : ''}${t.description ? ` — ${t.description}` : ''}`,
        );
        if (t.parameters.length > 0)
          lines.push(
            `  ${''.padEnd(36)} ${t.parameters.map((p) => `${p.name}${p.required ? '' : '?'}: ${p.type}`).join(', ')}`,
          );
      }
    }
    return lines.join('\n');
  });
  return 0;
};

function findTool(tools: readonly Tool[], provider: string, wanted: string): Tool | undefined {
  return (
    tools.find((t) => t.name === wanted) ??
    tools.find((t) => actionName(provider, t.name) === wanted) ??
    tools.find((t) => t.name.toLowerCase() === wanted.toLowerCase()) ??
    // "send_email" for GMAIL_SEND_EMAIL: the same action name either way.
    tools.find((t) => actionName(provider, t.name) === actionName(provider, wanted))
  );
}

export const toolsCallCommand: CommandHandler<OptionsOf<'tools call'>> = async (ctx, args, options) => {
  const provider = (args[0] ?? '').toLowerCase();
  const wanted = args[1] ?? '';
  const { config, output } = ctx;
  const store = await ctx.store();

  // Composio is the source of truth: check the account now, not 30 s ago.
  const before = (await userServerConfigs(config, store, ctx.redactor)).find((s) => s.name === provider);
  if (
    before?.source === 'composio' ||
    (await store.accounts.providerState(config.user, provider)).connectedAccountId
  ) {
    await (await accountManager(ctx)).sync(config.user, provider, { force: true, signal: ctx.signal });
  }
  const target = (await userServerConfigs(config, store, ctx.redactor)).find((s) => s.name === provider);
  if (!target) {
    throw new NotAuthorizedError(
      `No MCP server named "${provider}" is available for ${config.user}.`,
      `Connect it with gagent connect ${provider}, add it with gagent mcp add ${provider} <url> (or -- <command>), or set GAGENT_MCP_${provider.toUpperCase()}_URL.`,
    );
  }

  return withRegistry(
    ctx,
    (all) => all.filter((s) => s.name === provider),
    async (registry) => {
      const server = registry.get(provider);
      if (server?.status.state !== 'ready') {
        const reason = (server && statusReason(server.status)) ?? 'it is not available';
        const code = server?.status.state === 'unauthorized' ? ExitCode.NotAuthorized : ExitCode.Unreachable;
        throw new GagentError(`The MCP server "${provider}" cannot be used: ${reason}`, code);
      }
      const tool = findTool(server.tools, provider, wanted);
      if (!tool) {
        throw new UsageError(
          `"${provider}" has no tool named "${wanted}".`,
          `Its tools: ${server.tools.map((t) => t.name).join(', ') || '(none)'}.`,
        );
      }
      const toolArgs = toolArguments(tool.inputSchema, options.arg ?? [], options.argsJson);
      const result = await server.callTool(tool.name, toolArgs, ctx.signal);
      const text = toolResultText(result);
      output.result(
        {
          provider,
          tool: tool.name,
          action: actionName(provider, tool.name),
          isError: result.isError === true,
          content: result.content,
          ...(result.structuredContent ? { structuredContent: result.structuredContent } : {}),
        },
        () => text,
      );
      if (result.isError) {
        output.info(`gagent: the tool ${tool.name} reported an error: ${firstLine(text) || 'no message'}`);
        return 1;
      }
      return 0;
    },
  );
};
