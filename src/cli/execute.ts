/** Builds a command's context, runs it, and turns any error into one sentence and an exit code. */
import { type ConfigFlags, loadConfig } from '../config.js';
import { ExitCode, GagentError, InterruptedError } from '../errors.js';
import { HttpStack } from '../http.js';
import { Redactor } from '../redact.js';
import { busyError, isBusyError } from '../store/db-errors.js';
import { Store } from '../store/store.js';
import type { CommandContext, CommandHandler } from './context.js';
import { handlers } from './definitions.js';
import type { Invocation } from './main.js';
import { Output } from './output.js';

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

  let opening: Promise<Store> | undefined;
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
        opening ??= Store.open(config.database).then((opened) => {
          store = opened;
          for (const notice of opened.notices) output.warn(notice);
          return opened;
        });
        return opening;
      },
    };
    const handler = (await handlers[invocation.path]()) as CommandHandler;
    return await handler(ctx, invocation.args, invocation.options);
  } catch (err) {
    // After Ctrl+C, whatever the interrupted operation threw, the answer is "interrupted" (130).
    const mapped = abort.signal.aborted ? new InterruptedError() : err;
    const final = isBusyError(mapped) ? busyError(store?.location ?? 'gagent.db', mapped) : mapped;
    output.error(final, debug);
    return final instanceof GagentError ? final.exitCode : ExitCode.Failure;
  } finally {
    await store?.close().catch(() => {});
    await http?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
