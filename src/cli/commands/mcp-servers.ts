/**
 * gagent mcp add | list | get | remove | import: the MCP servers a user adds, stored per user in
 * the database. Adding does not start or reach the server (a stdio program runs only when a
 * command uses it); `gagent tools list` and `debug mcp-client` show whether it answers.
 */
import fs from 'node:fs';
import { UsageError } from '../../errors.js';
import { formatColumns } from '../../format.js';
import { REDACTED, redactHeaders, redactUrl } from '../../redact.js';
import type { McpServerRow } from '../../store/mcp-servers.js';
import type { Store } from '../../store/store.js';
import type { CommandContext, CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import {
  checkedServer,
  expandEntry,
  McpServersFile,
  parseServerName,
  targetFromFileEntry,
  targetFromWords,
} from '../mcp-server-input.js';
import { wholeNumberFlag } from '../number-flags.js';

/** A server as shown: every header and variable value redacted. */
export function serverJson(row: McpServerRow, loggedIn: boolean) {
  return {
    name: row.name,
    transport: row.transport,
    ...(row.transport === 'stdio'
      ? {
          command: row.command,
          args: row.args ?? [],
          env: Object.fromEntries(Object.keys(row.env ?? {}).map((k) => [k, REDACTED])),
        }
      : { url: redactUrl(row.url ?? ''), headers: redactHeaders(row.headers ?? {}), loggedIn }),
    trust: row.trust,
    addedAt: row.createdAt,
  };
}

function where(row: McpServerRow): string {
  return row.transport === 'stdio'
    ? [row.command ?? '', ...(row.args ?? [])].join(' ')
    : redactUrl(row.url ?? '');
}

async function loggedIn(store: Store, user: string, row: McpServerRow): Promise<boolean> {
  if (row.transport === 'stdio') return false;
  return Boolean((await store.mcpServers.oauth(user, row.name))?.tokens);
}

/** Says when another source already has the name: Composio's account wins over an added server. */
async function shadowNote(ctx: CommandContext, store: Store, name: string): Promise<void> {
  const composio = await store.accounts.activeMcpConnections(ctx.config.user);
  if (composio.some((c) => c.provider === name)) {
    ctx.output.warn(
      `${name} is also a connected Composio account, which is used instead; disconnect it (gagent disconnect ${name}) or pick another name.`,
    );
  }
}

export const mcpAddCommand: CommandHandler<OptionsOf<'mcp add'>> = async (ctx, args, options) => {
  const [rawName = '', ...words] = args;
  const name = parseServerName(rawName);
  const target = targetFromWords(words, options);
  if ('command' in target && !ctx.config.allowStdioServers) {
    throw new UsageError(
      'stdio MCP servers cannot be added here: they would run programs on this server.',
      'Its operator can allow them with GAGENT_ALLOW_STDIO=1; a remote server (a URL) works anywhere.',
    );
  }
  const server = checkedServer(name, target, {
    trust: options.trust,
    clientId: options.clientId,
    callbackPort:
      wholeNumberFlag(options.callbackPort, '--callback-port', { min: 1, max: 65535, fallback: 0 }) ||
      undefined,
  });
  const store = await ctx.store();
  const { replaced } = await store.mcpServers.put({ userId: ctx.config.user, ...server });
  await shadowNote(ctx, store, name);
  const row = await store.mcpServers.get(ctx.config.user, name);
  if (!row) throw new Error(`the server ${name} was not saved`);
  ctx.output.result({ user: ctx.config.user, replaced, server: serverJson(row, false) }, () =>
    [
      `${replaced ? 'Replaced' : 'Added'} the MCP server ${name} for ${ctx.config.user}: ${where(row)}.`,
      row.trust === 'none'
        ? 'Every call of its tools asks first (--trust read-only-hints lets its read-only tools run without asking).'
        : 'Its tools that claim to be read-only run without asking.',
      `See its tools with gagent tools list${row.transport === 'stdio' ? '' : `; if it needs a login, gagent mcp login ${name}`}.`,
    ].join('\n'),
  );
  return 0;
};

export const mcpListCommand: CommandHandler<OptionsOf<'mcp list'>> = async (ctx) => {
  const store = await ctx.store();
  const rows = await store.mcpServers.list(ctx.config.user);
  const servers = await Promise.all(
    rows.map(async (r) => serverJson(r, await loggedIn(store, ctx.config.user, r))),
  );
  ctx.output.result({ user: ctx.config.user, servers }, () =>
    rows.length === 0
      ? `${ctx.config.user} has added no MCP servers. Add one with gagent mcp add NAME URL, or gagent mcp add NAME -- COMMAND ARGS.`
      : formatColumns(
          ['NAME', 'TRANSPORT', 'TRUST', 'WHERE'],
          rows.map((r) => [r.name, r.transport, r.trust, where(r)]),
        ),
  );
  return 0;
};

async function existing(ctx: CommandContext, store: Store, rawName: string): Promise<McpServerRow> {
  const name = parseServerName(rawName);
  const row = await store.mcpServers.get(ctx.config.user, name);
  if (row) return row;
  const names = (await store.mcpServers.list(ctx.config.user)).map((r) => r.name);
  throw new UsageError(
    `${ctx.config.user} has no MCP server named "${name}".`,
    names.length ? `The servers added: ${names.join(', ')}.` : 'Add one with gagent mcp add.',
  );
}

export const mcpGetCommand: CommandHandler<OptionsOf<'mcp get'>> = async (ctx, args) => {
  const store = await ctx.store();
  const row = await existing(ctx, store, args[0] ?? '');
  const shown = serverJson(row, await loggedIn(store, ctx.config.user, row));
  ctx.output.result({ user: ctx.config.user, server: shown }, () =>
    Object.entries(shown)
      .map(([k, v]) => `${k.padEnd(10)} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('\n'),
  );
  return 0;
};

export const mcpRemoveCommand: CommandHandler<OptionsOf<'mcp remove'>> = async (ctx, args) => {
  const store = await ctx.store();
  const row = await existing(ctx, store, args[0] ?? '');
  await store.mcpServers.remove(ctx.config.user, row.name);
  ctx.output.result(
    { user: ctx.config.user, removed: row.name },
    () => `Removed the MCP server ${row.name} (and any login to it) for ${ctx.config.user}.`,
  );
  return 0;
};

export const mcpImportCommand: CommandHandler<OptionsOf<'mcp import'>> = async (ctx, args) => {
  const file = args[0] ?? '';
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  let parsed: ReturnType<typeof McpServersFile.parse>;
  try {
    parsed = McpServersFile.parse(JSON.parse(text));
  } catch {
    throw new UsageError(
      `${file} is not an MCP servers file.`,
      'It must be JSON like {"mcpServers": {"NAME": {"command": "...", "args": []}, "OTHER": {"url": "https://..."}}}.',
    );
  }
  // Everything is checked before anything is stored: a bad entry stores none.
  const servers = Object.entries(parsed.mcpServers)
    .filter(([, entry]) => !entry.disabled)
    .map(([rawName, entry]) => {
      const name = parseServerName(rawName);
      return checkedServer(name, targetFromFileEntry(name, expandEntry(name, entry, ctx.config.childEnv)));
    });
  const skipped = Object.entries(parsed.mcpServers)
    .filter(([, e]) => e.disabled)
    .map(([n]) => n);
  const store = await ctx.store();
  const imported: { name: string; replaced: boolean }[] = [];
  for (const server of servers) {
    const { replaced } = await store.mcpServers.put({ userId: ctx.config.user, ...server });
    imported.push({ name: server.name, replaced });
  }
  ctx.output.result({ user: ctx.config.user, imported, skipped }, () =>
    [
      imported.length
        ? `Imported ${imported.length} MCP server${imported.length === 1 ? '' : 's'} for ${ctx.config.user}: ${imported.map((i) => `${i.name}${i.replaced ? ' (replaced)' : ''}`).join(', ')}.`
        : `${file} lists no MCP server to import.`,
      ...(skipped.length ? [`Skipped (disabled in the file): ${skipped.join(', ')}.`] : []),
      'Every call of their tools asks first; gagent mcp add NAME … --trust read-only-hints changes that for one.',
    ].join('\n'),
  );
  return 0;
};
