/**
 * Entry point. Declares every command (so --help needs nothing else) and loads a command's
 * implementation only when it runs: --version and --help import commander and nothing more.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { packageRoot } from '../package-root.js';

export type CommandName =
  | 'connect'
  | 'disconnect'
  | 'status'
  | 'run'
  | 'runs-list'
  | 'runs-show'
  | 'runs-delete'
  | 'runs-prune'
  | 'approvals-list'
  | 'approvals-revoke'
  | 'tools-list'
  | 'tools-call'
  | 'debug-mcp-client'
  | 'debug-redirect'
  | 'debug-composio-ping'
  | 'debug-auth-configs'
  | 'debug-connected-accounts'
  | 'debug-db';

/** What a command receives: positional arguments and its parsed options. */
export interface Invocation {
  name: CommandName;
  args: string[];
  options: Record<string, unknown>;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(import.meta.url), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const userOption = () => new Option('--user <id>', 'user id (default: $GAGENT_USER, else "singleton")');
const jsonOption = () => new Option('--json', 'print one JSON document (JSONL events for run)');

export function buildProgram(onInvoke: (invocation: Invocation) => Promise<void>): Command {
  const program = new Command('gagent')
    .description(
      'Drive a computer like a person, and call connected accounts (Gmail, Slack, any MCP server) where that does the job better.',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    // Set before any subcommand is added: commander copies these settings into each subcommand
    // when it is created, so a usage error anywhere is "gagent: …" and exit 2, not exit 1.
    .exitOverride()
    .configureOutput({
      outputError: (text, write) =>
        write(text.startsWith('error:') ? `gagent: ${text.slice('error: '.length)}` : text),
    });

  const action =
    (name: CommandName) =>
    async (...params: unknown[]) => {
      const cmd = params[params.length - 1] as Command;
      const args = params
        .slice(0, -2)
        .flatMap((p) => (Array.isArray(p) ? p.map(String) : p === undefined ? [] : [String(p)]));
      await onInvoke({ name, args, options: cmd.opts() });
    };

  program
    .command('connect')
    .description("connect an account through Composio's hosted OAuth (gmail, slack, or any toolkit slug)")
    .argument('<provider>', 'gmail, slack, or another Composio toolkit slug')
    .addOption(userOption())
    .option(
      '--no-browser',
      'print the link instead of opening a browser; completes by polling (SSH-friendly)',
    )
    .option('--timeout <seconds>', 'how long to wait for the authorization', '300')
    .addOption(jsonOption())
    .action(action('connect'));

  program
    .command('disconnect')
    .description('disconnect an account: its tools are unavailable at once')
    .argument('<provider>', 'the provider to disconnect')
    .addOption(userOption())
    .option('--revoke', 'also delete the account at Composio')
    .addOption(jsonOption())
    .action(action('disconnect'));

  program
    .command('status')
    .description('show connected accounts (checks Composio at most every 30 s)')
    .addOption(userOption())
    .option('--refresh', 'ask Composio now, even if the last check is recent')
    .addOption(jsonOption())
    .action(action('status'));

  program
    .command('run')
    .description('run a task: GUI steps on the screen, MCP steps through connected accounts')
    .argument('<task>', 'what to do, in plain words')
    .addOption(userOption())
    .option('--model <spec>', 'openai:<model> or anthropic:<model> (default: $GAGENT_MODEL)')
    .option('--grounding-model <spec>', 'a separate grounding model (default: the main model grounds itself)')
    .addOption(
      new Option(
        '--controller <name>',
        'where GUI actions run (default: $GAGENT_CONTROLLER, else local)',
      ).choices(['local', 'browser', 'osworld', 'none']),
    )
    .option('--controller-url <url>', 'the osworld controller URL (default: $GAGENT_CONTROLLER_URL)')
    .option('--url <url>', 'start page for the browser controller')
    .option('--max-steps <n>', 'stop after this many steps', '30')
    .option('--no-reflection', 'turn off the reflection agent')
    .option('--no-mcp', 'use no connected accounts; GUI only')
    .option('--yes', 'approve every MCP tool call without asking')
    .addOption(jsonOption())
    .action(action('run'));

  const runsCmd = program.command('runs').description('the history of runs');
  runsCmd
    .command('list')
    .description('list recent runs')
    .addOption(userOption())
    .option('--limit <n>', 'how many runs to show', '20')
    .addOption(jsonOption())
    .action(action('runs-list'));
  runsCmd
    .command('show')
    .description('show one run step by step')
    .argument('<id>', 'the run id (a unique prefix is enough)')
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('runs-show'));
  runsCmd
    .command('delete')
    .description('delete one run and its steps')
    .argument('<id>', 'the run id (a unique prefix is enough)')
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('runs-delete'));
  runsCmd
    .command('prune')
    .description('delete the runs that started more than DAYS days ago')
    .requiredOption('--older-than <days>', 'age in days (0 deletes every finished run)')
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('runs-prune'));

  const approvalsCmd = program.command('approvals').description('remembered "always" approvals of MCP tools');
  approvalsCmd
    .command('list')
    .description("list the user's remembered approvals")
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('approvals-list'));
  approvalsCmd
    .command('revoke')
    .description('forget the remembered approvals of a server, or of one of its tools')
    .argument('<server>', 'the provider or MCP server name')
    .argument('[tool]', 'only this tool')
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('approvals-revoke'));

  const toolsCmd = program.command('tools').description('the MCP tools of connected accounts');
  toolsCmd
    .command('list')
    .description('list the tools available to the user')
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('tools-list'));
  toolsCmd
    .command('call')
    .description('call one tool and print its result')
    .argument('<provider>', 'the provider or MCP server name')
    .argument('<tool>', 'the tool name (as listed by tools list)')
    .option(
      '--arg <key=value>',
      'an argument; the value is parsed as JSON where it parses (repeatable)',
      collect,
    )
    .option('--args-json <json>', 'all arguments as one JSON object')
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('tools-call'));

  const debugCmd = program
    .command('debug')
    .description('look inside: registry, redirect, Composio, database');
  debugCmd
    .command('mcp-client')
    .description('MCP servers of the user: source, URL, headers (redacted), session, state, latency, tools')
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('debug-mcp-client'));
  debugCmd
    .command('redirect')
    .description('the callback URL and Composio link that connect would use')
    .argument('<provider>', 'the provider')
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('debug-redirect'));
  debugCmd
    .command('composio-ping')
    .description('is Composio reachable and the key valid, with latency')
    .addOption(jsonOption())
    .action(action('debug-composio-ping'));
  debugCmd
    .command('auth-configs')
    .description("Composio's auth configs")
    .argument('[provider]', 'only this provider')
    .addOption(jsonOption())
    .action(action('debug-auth-configs'));
  debugCmd
    .command('connected-accounts')
    .description("Composio's view of the user's accounts beside the database's")
    .addOption(userOption())
    .addOption(jsonOption())
    .action(action('debug-connected-accounts'));
  debugCmd
    .command('db')
    .description('database path, schema version and row counts')
    .addOption(jsonOption())
    .action(action('debug-db'));

  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(async (invocation) => {
    const { execute } = await import('./execute.js');
    exitCode = await execute(invocation);
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // A command group without its subcommand: commander printed the group's help to stderr.
      if (err.code === 'commander.help' && err.exitCode !== 0) {
        const group = argv.slice(2).find((a) => !a.startsWith('-')) ?? '';
        process.stderr.write(`gagent: "${group}" needs a subcommand; see the list above.\n`);
      }
      // help and version exit 0; every parse error is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  return exitCode;
}
