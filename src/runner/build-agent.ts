/**
 * Assembles one run's agent: the action registry (GUI actions, and the MCP actions of the user's
 * authorized and registered servers, rebound before each step), the worker, the grounder, the
 * approval policy with the user's remembered approvals, and an observer that turns what the agent
 * does into run events.
 */
import os from 'node:os';
import { registerGuiActions } from '../agent/actions/gui-actions.js';
import { bindMcpActions } from '../agent/actions/mcp-actions.js';
import { ActionRegistry } from '../agent/actions/registry.js';
import { Agent } from '../agent/agent.js';
import { type ApprovalMemory, ApprovalPolicy, type AskApproval } from '../agent/approval.js';
import { Grounder } from '../agent/grounding.js';
import { McpAgent } from '../agent/mcp-agent.js';
import { Worker } from '../agent/worker.js';
import type { Controller, Screenshot } from '../controllers/types.js';
import type { ActionCall, StepKind } from '../domain/run.js';
import type { McpToolSource } from '../mcp/types.js';
import type { Store } from '../store/store.js';
import type { RunEventBus } from './event-bus.js';
import type { RunModels } from './models.js';

export interface AgentSetup {
  task: string;
  user: string;
  models: RunModels;
  controller: Controller;
  /** The MCP servers ready now (servers still connecting join when they are). */
  servers(): readonly McpToolSource[];
  /** The names of the MCP servers still connecting. */
  connecting(): string[];
  /** Waits for the still-connecting server an action name belongs to; true when it became ready. */
  awaitAction(name: string): Promise<boolean>;
  /** Resolves when the first step may ask the model: the servers settled, or their grace ran out. */
  firstStepReady?(): Promise<void>;
  isAuthorized(provider: string): Promise<boolean>;
  store: Store;
  bus: RunEventBus;
  reflection: boolean;
  approveAll: boolean;
  ask?: AskApproval;
  maxImages?: number;
  /** GAGENT_MODEL_TIMEOUT: one deadline per step for its model requests. */
  modelTimeoutMs: number;
  /** GAGENT_CONTEXT_TOKENS: the most one model request may cost. */
  contextTokens: number;
  /** The step being worked on, for the events. */
  currentStep(): number;
  /** Told what the step is about to do, so an interrupted step can still be recorded. */
  onPlan?(kind: StepKind, plan: string, action: ActionCall): void;
  /** Given each step's screenshot as it is taken (to keep it in the history). */
  onScreenshot?(step: number, shot: Screenshot): void;
  /** Waited for before each action: throws when the run's history can no longer be saved. */
  beforeAction?(): Promise<void>;
}

function platformName(controller: Controller): string {
  switch (controller.name) {
    case 'browser':
      return 'a Chromium browser window';
    case 'osworld':
      return controller.describe?.() ?? 'a remote Linux desktop';
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

export async function buildAgent(setup: AgentSetup): Promise<{ agent: Agent; actions: ActionRegistry }> {
  const { bus, controller, models } = setup;
  const step = setup.currentStep;
  const actions = new ActionRegistry();
  registerGuiActions(actions, { screen: controller.supportsGui });
  /** Binds the tools of the servers ready now whose provider is still authorized. */
  const refreshActions = async () => {
    const sources = setup.servers();
    const allowed = await Promise.all(sources.map((s) => setup.isAuthorized(s.provider)));
    const authorized = new Set(sources.filter((_, i) => allowed[i]).map((s) => s.provider));
    bindMcpActions(actions, sources, (provider) => authorized.has(provider));
  };
  await refreshActions();

  const worker = new Worker(
    {
      model: models.model,
      actions,
      task: setup.task,
      platform: platformName(controller),
      hasScreen: controller.supportsGui,
      reflection: setup.reflection,
      maxImages: setup.maxImages,
      maxContextTokens: setup.contextTokens,
      refreshActions,
      connecting: setup.connecting,
      awaitAction: setup.awaitAction,
    },
    {
      onThinking: (phase) => bus.emit({ type: 'thinking', step: step(), phase }),
      onReflection: (text, judged) => bus.emit({ type: 'reflection', step: judged, text }),
      onFormatRetry: (attempt, reason) => bus.emit({ type: 'format_retry', step: step(), attempt, reason }),
    },
  );
  const agent = new Agent({
    worker,
    actions,
    controller,
    grounder: new Grounder({ model: models.grounding, space: models.groundingSpace }),
    mcp: new McpAgent(),
    approval: new ApprovalPolicy({
      approveAll: setup.approveAll,
      ask: setup.ask,
      memory: approvalMemory(setup.store, setup.user),
    }),
    isAuthorized: setup.isAuthorized,
    refreshActions,
    modelTimeoutMs: setup.modelTimeoutMs,
    firstStepReady: setup.firstStepReady,
    beforeAction: setup.beforeAction,
    observer: {
      onScreenshot: setup.onScreenshot,
      onThinking: (phase) => bus.emit({ type: 'thinking', step: step(), phase }),
      onGrounding: () => bus.emit({ type: 'thinking', step: step(), phase: 'grounding' }),
      onPlan: (kind, plan, action) => {
        setup.onPlan?.(kind, plan, action);
        bus.emit({ type: 'plan', step: step(), kind, plan, action });
      },
      onApprovalRequested: (request) => bus.emit({ type: 'approval_requested', ...request }),
      onApprovalResolved: (at, decision) => bus.emit({ type: 'approval_resolved', step: at, ...decision }),
    },
  });
  return { agent, actions };
}
