/**
 * One run: a fresh MCP registry, action registry, worker, agent and controller for the user,
 * the step loop, and one typed event stream out. It ends on done (0), fail (5), --max-steps (6),
 * Ctrl+C (130), or an error (its own exit code); sessions and the controller are closed either way.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { registerGuiActions } from '../agent/actions/gui-actions.js';
import { bindMcpActions } from '../agent/actions/mcp-actions.js';
import { ActionRegistry } from '../agent/actions/registry.js';
import { Agent } from '../agent/agent.js';
import { type ApprovalMemory, ApprovalPolicy, type AskApproval } from '../agent/approval.js';
import { Grounder } from '../agent/grounding.js';
import { McpAgent } from '../agent/mcp-agent.js';
import { Worker } from '../agent/worker.js';
import { OAuthManager } from '../composio/oauth-manager.js';
import { type Config, groundingCredentials, modelCredentials } from '../config.js';
import { createController } from '../controllers/create-controller.js';
import type { Controller } from '../controllers/types.js';
import { ExitCode, GagentError, InterruptedError, UsageError } from '../errors.js';
import { createModelProvider } from '../llm/create-provider.js';
import type { McpRegistry } from '../mcp/registry.js';
import { statusReason } from '../mcp/registry.js';
import { connectUserRegistry } from '../mcp/user-servers.js';
import type { Store } from '../store/store.js';
import type { RunEventBus } from './event-bus.js';
import type { RunEndStatus } from './events.js';

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
  /** Screenshots kept in the prompt (default 8). */
  maxImages?: number;
}

export interface RunSummary {
  runId: string;
  status: RunEndStatus;
  exitCode: number;
  steps: number;
  summary: string;
}

/** Consecutive steps whose replies could not be used before the run gives up. */
const MAX_FORMAT_FAILURES = 3;

export function newRunId(): string {
  return `run_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

function platformName(controller: Controller): string {
  switch (controller.name) {
    case 'browser':
      return 'a Chromium browser window';
    case 'osworld':
      return 'a remote Ubuntu Linux desktop';
    case 'none':
      return 'no screen (connected accounts only)';
    case 'local':
      return { darwin: 'macOS', win32: 'Windows', linux: 'Linux' }[os.platform() as string] ?? os.platform();
  }
}

/** The user's remembered approvals, from the database. */
function approvalMemory(store: Store, user: string): ApprovalMemory {
  return {
    find: (server, tool) => store.approvals.get(user, server, tool),
    remember: (server, tool, entry) => store.approvals.remember({ userId: user, server, tool, ...entry }),
  };
}

async function prepareMcp(
  config: Config,
  store: Store,
  bus: RunEventBus,
  signal: AbortSignal,
): Promise<McpRegistry> {
  const manager = new OAuthManager(config, store);
  // Composio is the source of truth: an account that expired since the last check is not used.
  const providers = store.accounts.activeMcpConnections(config.user).map((c) => c.provider);
  await Promise.all(
    providers.map((p) =>
      manager.sync(config.user, p, { signal }).catch((err: unknown) => {
        bus.emit({
          type: 'warning',
          message: `could not check ${p} with Composio: ${err instanceof Error ? err.message : String(err)}`,
        });
      }),
    ),
  );
  return connectUserRegistry(config, store, { warn: (message) => bus.emit({ type: 'warning', message }) });
}

export async function runTask(
  config: Config,
  store: Store,
  options: RunOptions,
  bus: RunEventBus,
): Promise<RunSummary> {
  if (!config.model) {
    throw new UsageError(
      'No model is configured for gagent run.',
      'Set GAGENT_MODEL=openai:<model> (or anthropic:<model>), or pass --model.',
    );
  }
  const spec = config.model;
  const tuning = { timeoutMs: config.modelTimeoutMs };
  const model = await createModelProvider(spec, modelCredentials(config, spec.provider), tuning);
  const grounding = config.grounding;
  const groundingModel = grounding
    ? await createModelProvider(grounding.model, groundingCredentials(config, grounding), {
        ...tuning,
        keyVariable: grounding.apiKey ? 'GAGENT_GROUNDING_API_KEY' : undefined,
      })
    : model;

  let controller: Controller | null = null;
  let registry: McpRegistry | null = null;
  const started = performance.now();
  let steps = 0;
  let runStarted = false;
  const finish = (status: RunEndStatus, exitCode: number, summary: string): RunSummary => {
    if (runStarted) {
      bus.emit({
        type: 'run_finished',
        status,
        summary,
        steps,
        exitCode,
        durationMs: Math.round(performance.now() - started),
      });
    }
    return { runId: bus.runId, status, exitCode, steps, summary };
  };

  try {
    controller = await createController(config, { startUrl: options.startUrl });
    await controller.start(options.signal);
    registry = options.useMcp ? await prepareMcp(config, store, bus, options.signal) : null;

    const actions = new ActionRegistry();
    registerGuiActions(actions, { screen: controller.supportsGui });
    const envServers = new Set(config.mcpServers.map((s) => s.name));
    const isAuthorized = (provider: string) =>
      registry?.get(provider)?.config.source === 'env'
        ? envServers.has(provider)
        : store.accounts.isAuthorized(config.user, provider);
    const ready = registry?.ready() ?? [];
    const refreshActions = () => void bindMcpActions(actions, ready, isAuthorized);
    refreshActions();

    const worker = new Worker(
      {
        model,
        actions,
        task: options.task,
        platform: platformName(controller),
        hasScreen: controller.supportsGui,
        reflection: options.reflection,
        maxImages: options.maxImages,
      },
      {
        onThinking: (phase) => bus.emit({ type: 'thinking', step: steps, phase }),
        onReflection: (text) => bus.emit({ type: 'reflection', step: steps, text }),
        onFormatRetry: (attempt, reason) => bus.emit({ type: 'format_retry', step: steps, attempt, reason }),
      },
    );
    const agent = new Agent({
      worker,
      actions,
      controller,
      grounder: new Grounder({
        model: groundingModel,
        ...(grounding?.width && grounding.height
          ? { space: { width: grounding.width, height: grounding.height } }
          : {}),
      }),
      mcp: new McpAgent(),
      approval: new ApprovalPolicy({
        approveAll: options.approveAll,
        ask: options.ask,
        memory: approvalMemory(store, config.user),
      }),
      isAuthorized,
      refreshActions,
      observer: {
        onThinking: (phase) => bus.emit({ type: 'thinking', step: steps, phase }),
        onGrounding: () => bus.emit({ type: 'thinking', step: steps, phase: 'grounding' }),
        onPlan: (kind, plan, action) => bus.emit({ type: 'plan', step: steps, kind, plan, action }),
        onApprovalRequested: (request) => bus.emit({ type: 'approval_requested', ...request }),
        onApprovalResolved: (step, decision) => bus.emit({ type: 'approval_resolved', step, ...decision }),
      },
    });

    bus.emit({
      type: 'run_started',
      task: options.task,
      user: config.user,
      model: model.id,
      groundingModel: grounding ? groundingModel.id : null,
      controller: controller.name,
      maxSteps: options.maxSteps,
      reflection: options.reflection,
      mcpActions: actions.mcpActions().map((a) => a.name),
      mcpProblems: (registry?.servers() ?? [])
        .filter((s) => s.status.state !== 'ready')
        .map((s) => ({ provider: s.config.name, reason: statusReason(s.status) ?? s.status.state })),
    });
    runStarted = true;

    let formatFailures = 0;
    for (let step = 0; step < options.maxSteps; step++) {
      if (options.signal.aborted) throw new InterruptedError();
      steps = step;
      bus.emit({ type: 'step_started', step });
      const result = await agent.step(step, options.signal);
      steps = step + 1;
      bus.emit({
        type: 'step_finished',
        step,
        kind: result.kind,
        plan: result.plan,
        reflection: result.reflection,
        action: result.action,
        outcome: result.outcome,
        approval: result.approval,
        durationMs: result.durationMs,
        modelMs: result.modelMs,
        mcp: result.mcp,
      });
      if (result.status === 'done')
        return finish('done', ExitCode.Ok, 'The agent called done(): the task is complete.');
      if (result.status === 'fail')
        return finish(
          'failed',
          ExitCode.RunFailed,
          'The agent called fail(): it judged the task impossible.',
        );
      formatFailures = result.outcome.type === 'format_error' ? formatFailures + 1 : 0;
      if (formatFailures >= MAX_FORMAT_FAILURES) {
        return finish(
          'error',
          ExitCode.Failure,
          `The model gave no usable action ${MAX_FORMAT_FAILURES} steps in a row (${result.outcome.type === 'format_error' ? result.outcome.reason : ''}).`,
        );
      }
    }
    return finish(
      'max_steps',
      ExitCode.MaxSteps,
      `Stopped after ${options.maxSteps} steps without finishing; raise --max-steps to allow more.`,
    );
  } catch (err) {
    if (err instanceof InterruptedError || options.signal.aborted) {
      const summary = `Interrupted after ${steps} step${steps === 1 ? '' : 's'}; the history is saved.`;
      if (!runStarted) throw new InterruptedError();
      return finish('interrupted', ExitCode.Interrupted, summary);
    }
    if (!runStarted) throw err;
    const exitCode = err instanceof GagentError ? err.exitCode : ExitCode.Failure;
    const message =
      err instanceof GagentError
        ? [err.message, err.hint].filter(Boolean).join(' ')
        : `Unexpected error: ${String(err)}`;
    return finish('error', exitCode, message);
  } finally {
    await registry?.close().catch(() => {});
    await controller?.close().catch(() => {});
  }
}
