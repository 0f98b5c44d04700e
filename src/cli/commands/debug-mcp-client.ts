/** gagent debug mcp-client: every MCP server of the user, with source, redacted URL and headers, session, state, latency and tools. */
import { statusReason } from '../../mcp/registry.js';
import { redactHeaders, redactUrl } from '../../redact.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { withRegistry } from '../user-registry.js';

export const debugMcpClientCommand: CommandHandler<OptionsOf<'debug mcp-client'>> = async (ctx) => {
  const servers = await withRegistry(
    ctx,
    (all) => all,
    async (registry) =>
      registry.servers().map((s) => ({
        name: s.config.name,
        source: s.config.source,
        url: redactUrl(s.config.url),
        headers: redactHeaders(s.config.headers),
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
          `  url      ${s.url}`,
          `  headers  ${
            Object.entries(s.headers)
              .map(([k, v]) => `${k}: ${v}`)
              .join('; ') || '(none)'
          }`,
          `  session  ${s.sessionId ?? '—'}`,
          `  tools    ${s.tools.join(', ') || '—'}`,
        ].join('\n'),
      )
      .join('\n\n');
  });
  return 0;
};
