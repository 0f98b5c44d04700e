/**
 * One run, in named stages: models, controller, MCP servers, the agent, the step loop; one typed
 * event stream out. It ends on done (0), fail (5), --max-steps (6), Ctrl+C (130), or an error
 * (its own exit code); the step in progress is recorded when stopped, and sessions and the
 * controller are closed either way.
 */
import { randomBytes } from 'node:crypto';
import type { Agent } from '../agent/agent.js';
import type { AskApproval } from '../agent/approval.js';
import type { Config } from '../config.js';
import { createController } from '../controllers/create-controller.js';
import type { Controller } from '../controllers/types.js';
import { ExitCode, GagentError, InterruptedError, UsageError } from '../errors.js';
import type { FetchLike } from '../http.js';
import { snakeCase } from '../mcp/naming.js';
import type { McpRegistry, ServerHandle } from '../mcp/registry.js';
import { statusReason } from '../mcp/registry.js';
import { type SecretSink, startUserRegistry } from '../mcp/user-servers.js';
import type { Store } from '../store/store.js';
import { buildAgent } from './build-agent.js';
import type { RunEventBus } from './event-bus.js';
import type { McpServerState, RunEndStatus } from './events.js';
import { prepareModels } from './models.js';
import { ScreenshotKeeper } from './screenshot-keeper.js';
import { historyLostEnd, StepLoop } from './step-loop.js';

export interface RunOptions {
  task: string;
  maxSteps: number;
  reflection: boolean;
  useMcp: boolean;
  /** --yes: approve every MCP tool. */
  approveAll: boolean;
  /** How to ask a person (the TUI); absent: tools that need approval are denied. */
  ask?: AskApproval;
  startUrl?: string;
  signal: AbortSignal;
  /** Ends the run after its current step (a worker asked to stop). */
  stop?: AbortSignal;
  /** Screenshots kept in the prompt (default 8). */
  maxImages?: number;
}

/** What the run needs from the command around it, so the runner never reaches into Composio. */
export interface RunServices {
  /** The command's HTTP stack (proxy-aware). */
  fetch: FetchLike;
  /** Told the secrets of the user's MCP server configurations, so no output shows them. */
  redactor: SecretSink;
  /** Brings the user's connected accounts in line with Composio before the run; returns the problems. */
  checkAccounts(signal: AbortSignal): Promise<string[]>;
  /** Resolves once the run's history written so far is in the database (its rows exist). */
  historyWritten(): Promise<void>;
  /**
   * Why the history is no longer being kept (given up, or the run taken over), null while it is:
   * the run stops before its next action, and pictures stop too.
   */
  historyLost?(): string | null;
  /** Whether someone asked the run to stop (gagent runs cancel); asked between steps. */
  cancelRequested?(): Promise<boolean>;
}

export interface RunSummary {
  runId: string;
  status: RunEndStatus;
  exitCode: number;
  steps: number;
  summary: string;
}

export function newRunId(): string {
  return `run_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

function serverState(server: ServerHandle): McpServerState {
  const reason = statusReason(server.status);
  return {
    name: server.config.name,
    state: server.status.state,
    ...(reason ? { reason } : {}),
    tools: server.tools.length,
  };
}

/**
 * The user's MCP servers, connecting in the background: the run starts with those ready and binds
 * the others as they connect, so a slow or hanging server never holds it back. The accounts are
 * checked with Composio (the source of truth) meanwhile; one that turns out expired is unbound.
 */
async function startMcp(
  config: Config,
  store: Store,
  services: RunServices,
  bus: RunEventBus,
  signal: AbortSignal,
) {
  const registry = await startUserRegistry(config, store, services.redactor, {
    fetch: services.fetch,
    warn: (message) => bus.emit({ type: 'warning', message }),
  });
  registry.onSettle((server) => bus.emit({ type: 'mcp_server', ...serverState(server) }));
  void services.checkAccounts(signal).then(
    (problems) => {
      for (const message of problems) bus.emit({ type: 'warning', message });
    },
    () => {},
  );
  return registry;
}

/**
 * The keeper of this run's screenshots, or null when there is no screen or the user keeps none.
 * With a retention in days, the user's older pictures are removed first.
 */
async function keepScreenshots(
  config: Config,
  store: Store,
  controller: Controller,
  bus: RunEventBus,
  services: RunServices,
): Promise<ScreenshotKeeper | null> {
  const retention = config.keepScreenshots;
  if (retention.keep === 'days')
    await store.artifacts.pruneScreenshots(
      config.user,
      new Date(Date.now() - retention.days * 86_400_000).toISOString(),
    );
  if (retention.keep === 'none' || !controller.supportsGui) return null;
  return new ScreenshotKeeper({
    store,
    runId: bus.runId,
    warn: (message) => bus.emit({ type: 'warning', message }),
    historyWritten: services.historyWritten,
    historyLost: services.historyLost,
  });
}

/**
 * Whether a provider's tools may be used now: env servers while configured, added servers while
 * the user keeps them (mcp remove mid-run stops them), accounts while authorized.
 */
function authorization(config: Config, store: Store, registry: McpRegistry | null) {
  const envServers = new Set(config.mcpServers.map((s) => s.name));
  return async (provider: string) => {
    switch (registry?.get(provider)?.config.source) {
      case 'env':
        return envServers.has(provider);
      case 'user':
        return (await store.mcpServers.get(config.user, provider)) !== undefined;
      default:
        return store.accounts.isAuthorized(config.user, provider);
    }
  };
}

export async function runTask(
  config: Config,
  store: Store,
  options: RunOptions,
  services: RunServices,
  bus: RunEventBus,
): Promise<RunSummary> {
  const models = await prepareModels(config, services.fetch);
  const loop = new StepLoop(bus, {
    maxSteps: options.maxSteps,
    signal: options.signal,
    settled: services.historyWritten,
    historyLost: services.historyLost,
    stop: options.stop,
    cancelRequested: services.cancelRequested,
  });
  const started = performance.now();
  let controller: Controller | null = null;
  let registry: McpRegistry | null = null;
  let agent: Agent | null = null;
  let runStarted = false;
  let keeper: ScreenshotKeeper | null = null;
  const finish = async (status: RunEndStatus, exitCode: number, summary: string): Promise<RunSummary> => {
    // The last pictures land before the run is marked finished (and before the store closes).
    await keeper?.flush();
    if (runStarted) {
      bus.emit({
        type: 'run_finished',
        status,
        summary,
        steps: loop.completed,
        exitCode,
        durationMs: Math.round(performance.now() - started),
      });
    }
    return { runId: bus.runId, status, exitCode, steps: loop.completed, summary };
  };

  // Once the controller is being started the run counts as begun: if setting it up fails (an
  // unreachable start page, a dead controller), the run is still saved, ended with the reason.
  const recordUnstarted = async () => {
    bus.emit({
      type: 'run_started',
      task: options.task,
      user: config.user,
      model: models.model.id,
      groundingModel: models.separateGrounding ? models.grounding.id : null,
      controller: controller?.name ?? config.controller,
      maxSteps: options.maxSteps,
      reflection: options.reflection,
      mcpActions: [],
      mcpServers: [],
    });
    runStarted = true;
  };

  try {
    controller = await createController(config, { startUrl: options.startUrl, fetch: services.fetch });
    await controller.start(options.signal);
    keeper = await keepScreenshots(config, store, controller, bus, services);
    registry = options.useMcp ? await startMcp(config, store, services, bus, options.signal) : null;
    const servers = registry;
    // The first model request waits a moment for servers about to be ready (counted from here,
    // so it overlaps building the agent), never longer: a hanging one costs at most the grace.
    const serversSettled = registry?.settledWithin(config.mcpGraceMs) ?? Promise.resolve();
    const built = await buildAgent({
      task: options.task,
      user: config.user,
      models,
      controller,
      servers: () => servers?.ready() ?? [],
      connecting: () =>
        (servers?.servers() ?? []).filter((s) => s.status.state === 'connecting').map((s) => s.config.name),
      awaitAction: async (name) => {
        const pending = (servers?.servers() ?? []).find(
          (s) => s.status.state === 'connecting' && name.startsWith(`${snakeCase(s.config.name)}_`),
        );
        if (!pending || !servers) return false;
        await servers.whenSettled(pending.config.name);
        return pending.status.state === 'ready';
      },
      firstStepReady: () => serversSettled,
      isAuthorized: authorization(config, store, registry),
      store,
      bus,
      reflection: options.reflection,
      approveAll: options.approveAll,
      ask: options.ask,
      maxImages: options.maxImages,
      modelTimeoutMs: config.modelTimeoutMs,
      contextTokens: config.contextTokens,
      currentStep: () => loop.current,
      onPlan: (kind, plan, action) => loop.notePlan(kind, plan, action),
      onScreenshot: keeper ? (step, shot) => keeper?.keep(step, shot) : undefined,
      // What was recorded during the step (the verdict on the last one) is saved before it acts.
      beforeAction: async () => {
        await services.historyWritten();
        const why = services.historyLost?.() ?? null;
        if (why !== null) throw new GagentError(historyLostEnd(loop.completed, why).summary);
      },
    });
    agent = built.agent;

    bus.emit({
      type: 'run_started',
      task: options.task,
      user: config.user,
      model: models.model.id,
      groundingModel: models.separateGrounding ? models.grounding.id : null,
      controller: controller.name,
      maxSteps: options.maxSteps,
      reflection: options.reflection,
      mcpActions: built.actions.mcpActions().map((a) => a.name),
      mcpServers: (registry?.servers() ?? []).map(serverState),
    });
    runStarted = true;
    // The run's row exists before its first step: a run killed at once is still in the history.
    await services.historyWritten();
    const end = await loop.run(agent);
    return await finish(end.status, end.exitCode, end.summary);
  } catch (err) {
    if (err instanceof InterruptedError || options.signal.aborted) {
      if (!runStarted) throw new InterruptedError();
      loop.recordInterrupted(agent);
      const n = loop.completed;
      return await finish(
        'interrupted',
        ExitCode.Interrupted,
        `Interrupted after ${n} step${n === 1 ? '' : 's'}; the history is saved.`,
      );
    }
    if (!runStarted) {
      if (!controller || err instanceof UsageError) throw err;
      await recordUnstarted();
    }
    const exitCode = err instanceof GagentError ? err.exitCode : ExitCode.Failure;
    const message =
      err instanceof GagentError
        ? [err.message, err.hint].filter(Boolean).join(' ')
        : `Unexpected error: ${String(err)}`;
    return await finish('error', exitCode, message);
  } finally {
    await registry?.close().catch(() => {});
    await controller?.close().catch(() => {});
  }
}
