/** gagent approvals list / revoke: the user's remembered "always" approvals of MCP tools. */
import { UsageError } from '../../errors.js';
import type { ToolApprovalRow } from '../../store/approvals.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function approvalJson(row: ToolApprovalRow) {
  return {
    server: row.server,
    tool: row.tool,
    origin: row.origin,
    digest: row.digest,
    approvedAt: row.createdAt,
  };
}

export const approvalsListCommand: CommandHandler<OptionsOf<'approvals list'>> = async (ctx) => {
  const rows = await (await ctx.store()).approvals.list(ctx.config.user);
  ctx.output.result({ user: ctx.config.user, approvals: rows.map(approvalJson) }, () =>
    rows.length === 0
      ? `${ctx.config.user} has no remembered approvals. Answer "a" (always) at an approval prompt to add one.`
      : [
          `remembered approvals of ${ctx.config.user} (each holds while the tool's definition stays the same):`,
          ...rows.map(
            (r) =>
              `  ${r.server.padEnd(12)} ${r.tool.padEnd(32)} ${r.createdAt.slice(0, 19).replace('T', ' ')}  ${r.origin}`,
          ),
        ].join('\n'),
  );
  return 0;
};

export const approvalsRevokeCommand: CommandHandler<OptionsOf<'approvals revoke'>> = async (ctx, args) => {
  const [server = '', tool] = args;
  if (!NAME.test(server) || (tool !== undefined && !NAME.test(tool))) {
    throw new UsageError(
      `"${[server, tool].filter(Boolean).join(' ')}" does not name a server and tool.`,
      'For example: gagent approvals revoke weather, or gagent approvals revoke weather get_forecast.',
    );
  }
  const name = server.toLowerCase();
  const revoked = await (await ctx.store()).approvals.revoke(ctx.config.user, name, tool);
  ctx.output.result({ user: ctx.config.user, server: name, revoked }, () =>
    revoked.length === 0
      ? `${ctx.config.user} had no remembered approval for ${tool ? `${name} ${tool}` : name}; nothing to do.`
      : `Revoked: ${revoked.map((t) => `${name} ${t}`).join(', ')}. ${revoked.length === 1 ? 'It asks' : 'They ask'} again next time.`,
  );
  return 0;
};
