/**
 * Entry point. Builds the commander program from the command definitions (so --help needs
 * nothing else) and loads a command's implementation only when it runs: --version and --help
 * import commander and nothing more.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { packageVersion } from '../package-root.js';
import { type CommandPath, define, GROUPS } from './definitions.js';

/** What a command receives: which command, its positional arguments and its parsed options. */
export interface Invocation {
  path: CommandPath;
  args: string[];
  options: Record<string, unknown>;
}

export function buildProgram(onInvoke: (invocation: Invocation) => Promise<void>): Command {
  const program = new Command('gagent')
    .description(
      'Drive a computer like a person, and call connected accounts (Gmail, Slack, any MCP server) where that does the job better.',
    )
    .version(packageVersion(import.meta.url), '-v, --version', 'print the version')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    // Set before any subcommand is added: each subcommand copies these settings, so a usage
    // error anywhere is "gagent: …" and exit 2, not commander's exit 1.
    .exitOverride()
    .configureOutput({
      outputError: (text, write) =>
        write(text.startsWith('error:') ? `gagent: ${text.slice('error: '.length)}` : text),
    });

  const groups = new Map<string, Command>();
  const groupFor = (word: string): Command => {
    let group = groups.get(word);
    if (!group) {
      group = program.command(word).description(GROUPS[word] ?? '');
      groups.set(word, group);
    }
    return group;
  };
  for (const commandPath of Object.keys(define) as CommandPath[]) {
    const [first, second] = commandPath.split(' ') as [string, string | undefined];
    const parent: Command = second ? groupFor(first) : program;
    const command = define[commandPath]() as unknown as Command;
    command.copyInheritedSettings(parent);
    command.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const args = params
        .slice(0, -2)
        .flatMap((p) => (Array.isArray(p) ? p.map(String) : p === undefined ? [] : [String(p)]));
      await onInvoke({ path: commandPath, args, options: self.opts() as Record<string, unknown> });
    });
    parent.addCommand(command);
  }
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
