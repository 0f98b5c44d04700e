/**
 * gagent debug mcp-client: every MCP server of the user, with source, where it is (redacted URL
 * and headers, or the program with its variables redacted), transport, session, state, latency
 * and tools.
 */
import { statusReason } from '../../mcp/registry.js';
import type { Endpoint } from '../../mcp/server-config.js';
import { REDACTED, redactHeaders, redactUrl } from '../../redact.js';
import type { CommandContext, CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { withRegistry } from '../user-registry.js';

type ShownEndpoint =
  | { command: string; args: string[]; env: Record<string, string>; log: string }
  | { url: string; headers: Record<string, string> };

/** Where a server is, with every secret in it replaced. */
export function shownEndpoint(endpoint: Endpoint, ctx: CommandContext): ShownEndpoint {
  if (endpoint.kind === 'stdio') {
    return {
      command: endpoint.command,
      args: endpoint.args.map((a) => ctx.redactor.redact(a)),
      env: Object.fromEntries(Object.keys(endpoint.env).map((k) => [k, REDACTED])),
      log: endpoint.logFile,
    };
  }
  return { url: redactUrl(endpoint.url), headers: redactHeaders(endpoint.headers) };
}

function endpointLines(shown: ShownEndpoint): string[] {
  if ('command' in shown) {
    const env = Object.keys(shown.env);
    return [
      `  command  ${[shown.command, ...shown.args].join(' ')}`,
      `  env      ${env.length ? env.map((k) => `${k}=${REDACTED}`).join(' ') : '(none)'}`,
      `  log      ${shown.log}`,
    ];
  }
  const headers = Object.entries(shown.headers).map(([k, v]) => `${k}: ${v}`);
  return [`  url      ${shown.url}`, `  headers  ${headers.join('; ') || '(none)'}`];
}

export const debugMcpClientCommand: CommandHandler<OptionsOf<'debug mcp-client'>> = async (ctx) => {
  const servers = await withRegistry(
    ctx,
    (all) => all,
    async (registry) =>
      registry.servers().map((s) => ({
        name: s.config.name,
        source: s.config.source,
        ...shownEndpoint(s.config.endpoint, ctx),
        transport: s.transportKind ?? null,
        sessionId: s.sessionId ?? null,
        state: s.status.state,
        reason: statusReason(s.status),
        latencyMs: 'latencyMs' in s.status ? s.status.latencyMs : null,
        tools: s.tools.map((t) => t.name),
      })),
  );
  ctx.output.result({ user: ctx.config.user, servers }, () => {
    if (servers.length === 0) return `No MCP servers for ${ctx.config.user}.`;
    return servers
      .map((s) =>
        [
          `${s.name}  [${s.source}]  ${s.state}${s.reason ? ` — ${s.reason}` : ''}  (${s.latencyMs} ms)`,
          ...endpointLines(s),
          `  via      ${s.transport ?? '—'}`,
          `  session  ${s.sessionId ?? '—'}`,
          `  tools    ${s.tools.join(', ') || '—'}`,
        ].join('\n'),
      )
      .join('\n\n');
  });
  return 0;
};
