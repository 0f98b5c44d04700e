/**
 * gagent runs cancel <id>: stops one of the user's runs. A queued run is cancelled at once; a
 * running one (a worker's, or a gagent run in another terminal) stops after its current step,
 * marked cancelled with its history kept. Other runs of the same worker go on.
 */
import { UsageError } from '../../errors.js';
import type { CommandHandler } from '../context.js';
import type { OptionsOf } from '../definitions.js';
import { findRun } from './runs.js';

export const runsCancelCommand: CommandHandler<OptionsOf<'runs cancel'>> = async (ctx, args) => {
  const run = await findRun(ctx, args[0] ?? '');
  const store = await ctx.store();
  const outcome = await store.queue.requestCancel(ctx.config.user, run.id, new Date().toISOString());
  if (outcome === 'ended') {
    const now = (await store.runs.get(ctx.config.user, run.id))?.status ?? run.status;
    throw new UsageError(
      `The run ${run.id} has already ended (${now}); there is nothing to cancel.`,
      `See it with gagent runs show ${run.id}.`,
    );
  }
  ctx.output.result({ user: ctx.config.user, runId: run.id, status: outcome }, () =>
    outcome === 'cancelled'
      ? `Cancelled ${run.id}: it was still queued, so it never started.`
      : `Asked ${run.id} to stop: it ends after its current step, marked cancelled, its history kept (gagent runs show ${run.id}).`,
  );
  return 0;
};
