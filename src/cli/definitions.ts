/**
 * Every command, declared once: its words, arguments and options (typed by commander's
 * extra-typings, so each handler receives exactly the options it declared), and where its
 * implementation lives (imported only when that command runs: --help and --version load none).
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { CommandHandler } from './context.js';

const userOption = () => new Option('--user <id>', 'user id (default: $GAGENT_USER, else "singleton")');
const jsonOption = () => new Option('--json', 'print one JSON document (JSONL events for run)');

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const define = {
  connect: () =>
    new Command('connect')
      .description(
        "connect an account through Composio's hosted OAuth (gmail, slack, or any toolkit slug), or sign in to a remote MCP server you added",
      )
      .argument(
        '<provider>',
        'gmail, slack, another Composio toolkit slug, or the name of a remote MCP server you added',
      )
      .addOption(userOption())
      .option(
        '--no-browser',
        'print the link instead of opening a browser; completes by polling (SSH-friendly)',
      )
      .option('--timeout <seconds>', 'how long to wait for the authorization', '300')
      .addOption(jsonOption()),
  disconnect: () =>
    new Command('disconnect')
      .description('disconnect an account: its tools are unavailable at once')
      .argument('<provider>', 'the provider to disconnect')
      .addOption(userOption())
      .option('--revoke', 'also delete the account at Composio')
      .addOption(jsonOption()),
  status: () =>
    new Command('status')
      .description('show connected accounts (checks Composio at most every 30 s)')
      .addOption(userOption())
      .option('--refresh', 'ask Composio now, even if the last check is recent')
      .addOption(jsonOption()),
  run: () =>
    new Command('run')
      .description('run a task: GUI steps on the screen, MCP steps through connected accounts')
      .argument('<task>', 'what to do, in plain words')
      .addOption(userOption())
      .option('--model <spec>', 'openai:<model> or anthropic:<model> (default: $GAGENT_MODEL)')
      .option(
        '--grounding-model <spec>',
        'a separate grounding model (default: the main model grounds itself)',
      )
      .addOption(
        new Option(
          '--controller <name>',
          'where GUI actions run (default: $GAGENT_CONTROLLER, else local)',
        ).choices(['local', 'browser', 'osworld', 'none'] as const),
      )
      .option('--controller-url <url>', 'the osworld controller URL (default: $GAGENT_CONTROLLER_URL)')
      .option('--url <url>', 'start page for the browser controller')
      .option('--max-steps <n>', 'stop after this many steps', '30')
      .option('--no-reflection', 'turn off the reflection agent')
      .option('--no-mcp', 'use no connected accounts; GUI only')
      .option('--yes', 'approve every MCP tool call without asking')
      .option('--submit', 'queue the run for a gagent worker on this database instead of running it here')
      .option('--wait', 'with --submit: follow the run until it ends, and exit with its exit code')
      .option(
        '--retries <n>',
        'with --submit: start it again (up to n times, default 0) if its worker dies mid-run',
      )
      .addOption(jsonOption()),
  serve: () =>
    new Command('serve')
      .description(
        'serve these commands as a JSON HTTP API (bearer token GAGENT_SERVE_TOKEN, user in X-User-Id)',
      )
      .option('--host <address>', 'the address to listen on', '127.0.0.1')
      .option('--port <n>', 'the port to listen on (0: any free one)', '8717')
      .addOption(jsonOption())
      .addHelpText(
        'after',
        [
          '',
          'Environment: GAGENT_SERVE_TOKEN (required off loopback; without it on loopback a token is made',
          'and printed once), DB_URL (postgres://… to share one database with workers), COMPOSIO_REDIRECT',
          '(the public URL of /v1/connect/callback), COMPOSIO_API_KEY, GAGENT_CONTROLLER_URLS (the controller',
          'URLs a submitted run may name; none when unset). The routes: GET /openapi.json.',
        ].join('\n'),
      ),
  worker: () =>
    new Command('worker')
      .description(
        'carry out submitted runs (gagent run --submit, the API) from the database, as gagent run would',
      )
      .option('--concurrency <n>', 'how many runs at once', '1')
      .addOption(jsonOption())
      .addHelpText(
        'after',
        [
          '',
          'Environment: DB_URL (the database runs are submitted to; default the local SQLite file),',
          "GAGENT_MODEL and its key (for runs that name no model), the controller's settings",
          '(GAGENT_CONTROLLER, DISPLAY for local, Chromium for browser), COMPOSIO_API_KEY,',
          'GAGENT_CONTROLLER_URLS (the controller URLs a run may name besides GAGENT_CONTROLLER_URL).',
        ].join('\n'),
      ),
  'runs list': () =>
    new Command('list')
      .description('list recent runs')
      .addOption(userOption())
      .option('--limit <n>', 'how many runs to show', '20')
      .addOption(jsonOption()),
  'runs show': () =>
    new Command('show')
      .description('show one run step by step, or write it as an HTML report with its screenshots')
      .argument('<id>', 'the run id (a unique prefix is enough)')
      .option('--html <file>', 'write a self-contained HTML report (screenshots, clicks, MCP calls) to FILE')
      .option('--open', 'open the report in the browser (with --html)')
      .addOption(userOption())
      .addOption(jsonOption()),
  'runs delete': () =>
    new Command('delete')
      .description('delete one run and its steps')
      .argument('<id>', 'the run id (a unique prefix is enough)')
      .addOption(userOption())
      .addOption(jsonOption()),
  'runs cancel': () =>
    new Command('cancel')
      .description('stop a run: a queued one at once, a running one after its current step')
      .argument('<id>', 'the run id (a unique prefix is enough)')
      .addOption(userOption())
      .addOption(jsonOption()),
  'runs prune': () =>
    new Command('prune')
      .description('delete the finished runs that started more than DAYS days ago (asks first)')
      .requiredOption('--older-than <days>', 'age in days (0 deletes every finished run)')
      .option('--dry-run', 'list the runs it would delete, and delete nothing')
      .option('--yes', 'delete without asking (needed where nobody can be asked: scripts, --json)')
      .addOption(userOption())
      .addOption(jsonOption()),
  'approvals list': () =>
    new Command('list')
      .description("list the user's remembered approvals")
      .addOption(userOption())
      .addOption(jsonOption()),
  'approvals revoke': () =>
    new Command('revoke')
      .description('forget the remembered approvals of a server, or of one of its tools')
      .argument('<server>', 'the provider or MCP server name')
      .argument('[tool]', 'only this tool')
      .addOption(userOption())
      .addOption(jsonOption()),
  'mcp add': () =>
    new Command('add')
      .description('add an MCP server: a URL, or -- and the command that starts a stdio program')
      .argument('<name>', 'a name for it (lower case: letters, digits, - and _)')
      .argument('[where...]', 'the server URL, or -- COMMAND ARGS… for a stdio program')
      .option(
        '--header <"Name: value">',
        'a header sent with every request (repeatable; remote servers)',
        collect,
      )
      .addOption(
        new Option(
          '--transport <kind>',
          'http (Streamable HTTP, falling back to SSE) or sse (remote servers)',
        ).choices(['http', 'sse'] as const),
      )
      .option(
        '--env <NAME=value>',
        'a variable for the program, the only ones it gets besides PATH and HOME (repeatable)',
        collect,
      )
      .addOption(
        new Option(
          '--trust <level>',
          "none (every call asks) or read-only-hints (believe its tools' read-only claims)",
        ).choices(['none', 'read-only-hints'] as const),
      )
      .option(
        '--client-id <id>',
        'OAuth: a client id registered for gagent by hand (when the server has no registration)',
      )
      .option('--callback-port <port>', 'OAuth: the fixed loopback port the client id was registered with')
      .addOption(userOption())
      .addOption(jsonOption()),
  'mcp list': () =>
    new Command('list')
      .description('the MCP servers the user added (without connecting to them)')
      .addOption(userOption())
      .addOption(jsonOption()),
  'mcp get': () =>
    new Command('get')
      .description('one added MCP server, its secrets redacted')
      .argument('<name>', 'the server')
      .addOption(userOption())
      .addOption(jsonOption()),
  'mcp remove': () =>
    new Command('remove')
      .description('remove an added MCP server, and any login to it')
      .argument('<name>', 'the server')
      .addOption(userOption())
      .addOption(jsonOption()),
  'mcp import': () =>
    new Command('import')
      .description('add the servers of an {"mcpServers": {…}} file (Claude Desktop, Claude Code, Gemini CLI)')
      .argument('<file>', 'the JSON file')
      .addOption(userOption())
      .addOption(jsonOption()),
  'tools list': () =>
    new Command('list')
      .description('list the tools available to the user')
      .addOption(userOption())
      .addOption(jsonOption()),
  'tools call': () =>
    new Command('call')
      .description('call one tool and print its result')
      .argument('<provider>', 'the provider or MCP server name')
      .argument('<tool>', 'the tool name (as listed by tools list)')
      .option('--arg <key=value>', "an argument, read as the tool's schema says (repeatable)", collect)
      .option('--args-json <json>', 'all arguments as one JSON object')
      .addOption(userOption())
      .addOption(jsonOption()),
  'mcp login': () =>
    new Command('login')
      .description("sign in to a remote MCP server you added (the server's own OAuth, in a browser)")
      .argument('<name>', 'the server, as gagent mcp list shows it')
      .addOption(userOption())
      .option(
        '--no-browser',
        'print the link instead of opening a browser; the sign-in still ends at the local callback',
      )
      .option(
        '--callback-port <port>',
        'a fixed port for the local callback (a server that accepts only the redirect URI registered with it)',
      )
      .option(
        '--client-id <id>',
        'a client id registered at the authorization server, instead of registering',
      )
      .option('--timeout <seconds>', 'how long to wait for the sign-in', '300')
      .addOption(jsonOption()),
  'mcp logout': () =>
    new Command('logout')
      .description('forget the login to a remote MCP server (its tokens and client registration)')
      .argument('<name>', 'the server, as gagent mcp list shows it')
      .addOption(userOption())
      .addOption(jsonOption()),
  'debug mcp-client': () =>
    new Command('mcp-client')
      .description('MCP servers of the user: source, URL, headers (redacted), session, state, latency, tools')
      .addOption(userOption())
      .addOption(jsonOption()),
  'debug redirect': () =>
    new Command('redirect')
      .description('the callback URL and Composio link that connect would use')
      .argument('<provider>', 'the provider')
      .addOption(userOption())
      .addOption(jsonOption()),
  'debug composio-ping': () =>
    new Command('composio-ping')
      .description('is Composio reachable and the key valid, with latency')
      .addOption(jsonOption()),
  'debug auth-configs': () =>
    new Command('auth-configs')
      .description("Composio's auth configs")
      .argument('[provider]', 'only this provider')
      .addOption(jsonOption()),
  'debug connected-accounts': () =>
    new Command('connected-accounts')
      .description("Composio's view of the user's accounts beside the database's")
      .addOption(userOption())
      .addOption(jsonOption()),
  'debug db': () =>
    new Command('db')
      .description("database path, schema version and the user's row counts")
      .addOption(userOption())
      .addOption(jsonOption()),
};

export type CommandPath = keyof typeof define;

/** The options a command declared, as its handler receives them. */
export type OptionsOf<P extends CommandPath> = ReturnType<ReturnType<(typeof define)[P]>['opts']>;

/** The command groups and what they are for (a group is only a word before its subcommands). */
export const GROUPS: Record<string, string> = {
  runs: 'the history of runs',
  approvals: 'remembered "always" approvals of MCP tools',
  mcp: 'MCP servers you add yourself — remote (HTTP, SSE) or local programs (stdio) — and signing in to them',
  tools: 'the MCP tools of connected accounts and added servers',
  debug: 'look inside: registry, redirect, Composio, database',
};

/** Where each command's implementation lives; imported only when the command runs. */
export const handlers: { [P in CommandPath]: () => Promise<CommandHandler<OptionsOf<P>>> } = {
  connect: async () => (await import('./commands/connect.js')).connectCommand,
  disconnect: async () => (await import('./commands/disconnect.js')).disconnectCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  worker: async () => (await import('./commands/worker.js')).workerCommand,
  'runs list': async () => (await import('./commands/runs.js')).runsListCommand,
  'runs show': async () => (await import('./commands/runs.js')).runsShowCommand,
  'runs delete': async () => (await import('./commands/runs.js')).runsDeleteCommand,
  'runs cancel': async () => (await import('./commands/runs-cancel.js')).runsCancelCommand,
  'runs prune': async () => (await import('./commands/runs.js')).runsPruneCommand,
  'approvals list': async () => (await import('./commands/approvals.js')).approvalsListCommand,
  'approvals revoke': async () => (await import('./commands/approvals.js')).approvalsRevokeCommand,
  'mcp add': async () => (await import('./commands/mcp-servers.js')).mcpAddCommand,
  'mcp list': async () => (await import('./commands/mcp-servers.js')).mcpListCommand,
  'mcp get': async () => (await import('./commands/mcp-servers.js')).mcpGetCommand,
  'mcp remove': async () => (await import('./commands/mcp-servers.js')).mcpRemoveCommand,
  'mcp import': async () => (await import('./commands/mcp-servers.js')).mcpImportCommand,
  'tools list': async () => (await import('./commands/tools.js')).toolsListCommand,
  'tools call': async () => (await import('./commands/tools.js')).toolsCallCommand,
  'mcp login': async () => (await import('./commands/mcp-login.js')).mcpLoginCommand,
  'mcp logout': async () => (await import('./commands/mcp-login.js')).mcpLogoutCommand,
  'debug mcp-client': async () => (await import('./commands/debug-mcp-client.js')).debugMcpClientCommand,
  'debug redirect': async () => (await import('./commands/debug-composio.js')).debugRedirectCommand,
  'debug composio-ping': async () => (await import('./commands/debug-composio.js')).debugComposioPingCommand,
  'debug auth-configs': async () => (await import('./commands/debug-composio.js')).debugAuthConfigsCommand,
  'debug connected-accounts': async () =>
    (await import('./commands/debug-composio.js')).debugConnectedAccountsCommand,
  'debug db': async () => (await import('./commands/debug-db.js')).debugDbCommand,
};
