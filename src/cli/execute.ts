/** Builds a command's context, runs it, and turns any error into one sentence and an exit code. */
import { type ConfigFlags, loadConfig } from '../config.js';
import { ExitCode, GagentError, InterruptedError } from '../errors.js';
import { HttpStack } from '../http.js';
import { Redactor } from '../redact.js';
import { busyError, isBusyError } from '../store/open.js';
import { Store } from '../store/store.js';
import type { CommandContext, CommandHandler } from './context.js';
import type { CommandName, Invocation } from './main.js';
import { Output } from './output.js';

/** Each command's module is imported only when that command runs. */
const HANDLERS: Record<CommandName, () => Promise<CommandHandler>> = {
  connect: async () => (await import('./commands/connect.js')).connectCommand,
  disconnect: async () => (await import('./commands/disconnect.js')).disconnectCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  'runs-list': async () => (await import('./commands/runs.js')).runsListCommand,
  'runs-show': async () => (await import('./commands/runs.js')).runsShowCommand,
  'runs-delete': async () => (await import('./commands/runs.js')).runsDeleteCommand,
  'runs-prune': async () => (await import('./commands/runs.js')).runsPruneCommand,
  'approvals-list': async () => (await import('./commands/approvals.js')).approvalsListCommand,
  'approvals-revoke': async () => (await import('./commands/approvals.js')).approvalsRevokeCommand,
  'tools-list': async () => (await import('./commands/tools.js')).toolsListCommand,
  'tools-call': async () => (await import('./commands/tools.js')).toolsCallCommand,
  'debug-mcp-client': async () => (await import('./commands/debug-mcp-client.js')).debugMcpClientCommand,
  'debug-redirect': async () => (await import('./commands/debug-composio.js')).debugRedirectCommand,
  'debug-composio-ping': async () => (await import('./commands/debug-composio.js')).debugComposioPingCommand,
  'debug-auth-configs': async () => (await import('./commands/debug-composio.js')).debugAuthConfigsCommand,
  'debug-connected-accounts': async () =>
    (await import('./commands/debug-composio.js')).debugConnectedAccountsCommand,
  'debug-db': async () => (await import('./commands/debug-db.js')).debugDbCommand,
};

function configFlags(options: Record<string, unknown>): ConfigFlags {
  const pick = (key: string) => (typeof options[key] === 'string' ? (options[key] as string) : undefined);
  return {
    user: pick('user'),
    model: pick('model'),
    groundingModel: pick('groundingModel'),
    controller: pick('controller'),
    controllerUrl: pick('controllerUrl'),
  };
}

export async function execute(invocation: Invocation): Promise<number> {
  const redactor = new Redactor([]);
  const output = new Output(
    { stdout: process.stdout, stderr: process.stderr },
    redactor,
    invocation.options.json === true,
  );
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    // A second Ctrl+C means "now": do not wait for clean-up.
    if (interrupts > 1) process.exit(ExitCode.Interrupted);
    abort.abort(new InterruptedError());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let store: Store | undefined;
  let http: HttpStack | undefined;
  let debug = false;
  try {
    const config = loadConfig(configFlags(invocation.options));
    debug = config.debug;
    for (const secret of config.secrets) redactor.add(secret);
    http = new HttpStack(config.proxy);
    const ctx: CommandContext = {
      config,
      http,
      output,
      redactor,
      signal: abort.signal,
      store: () => {
        if (!store) {
          store = Store.open(config.dbPath);
          for (const notice of store.notices) output.warn(notice);
        }
        return store;
      },
    };
    const handler = await HANDLERS[invocation.name]();
    return await handler(ctx, invocation.args, invocation.options);
  } catch (err) {
    // After Ctrl+C, whatever the interrupted operation threw, the answer is "interrupted" (130).
    const mapped = abort.signal.aborted ? new InterruptedError() : err;
    const final = isBusyError(mapped) ? busyError(store?.path ?? 'gagent.db', mapped) : mapped;
    output.error(final, debug);
    return final instanceof GagentError ? final.exitCode : ExitCode.Failure;
  } finally {
    store?.close();
    await http?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
