/** The TUI's view of a run, folded from RunEvents by a pure reducer (so it is testable without a terminal). */

import type { StepKind } from '../domain/run.js';
import type { ActionCall, McpServerState, RunEndStatus, RunEvent, StepOutcome } from '../runner/events.js';
import { sanitizeForTerminal } from '../terminal-text.js';

export interface FinishedStep {
  step: number;
  kind: StepKind;
  action: ActionCall | null;
  outcome: StepOutcome;
  durationMs: number;
  /** The reviewer's verdict on this step, made as the next one began (none for the last). */
  reflection: string | null;
}

export type PendingApproval = Omit<
  Extract<RunEvent, { type: 'approval_requested' }>,
  'type' | 'runId' | 'at'
>;

export interface RunViewState {
  runId: string | null;
  header: { task: string; user: string; model: string; controller: string; maxSteps: number } | null;
  /** When the run started (ms since the epoch), for the elapsed time. */
  startedAt: number | null;
  /** Every MCP server and its state, as it changes. */
  servers: McpServerState[];
  warnings: { id: number; message: string }[];
  steps: FinishedStep[];
  currentStep: number | null;
  thinking: 'reflection' | 'plan' | 'grounding' | null;
  plan: { step: number; kind: StepKind; text: string; action: ActionCall } | null;
  reflection: string | null;
  /** Whether the run reviews its steps (each step's verdict comes as the next one begins). */
  reviews: boolean;
  /**
   * The last finished step while its verdict may still come: it stays live (not yet printed for
   * good) until the verdict arrives or the next step is planned without one.
   */
  awaitingVerdict: number | null;
  /** The last MCP call's result, shown with the step it belongs to until another step takes over. */
  lastMcp: { step: number; outcome: StepOutcome & { type: 'mcp' } } | null;
  approval: PendingApproval | null;
  formatRetries: number;
  finished: { status: RunEndStatus; summary: string; steps: number; durationMs: number } | null;
}

export const initialRunViewState: RunViewState = {
  runId: null,
  header: null,
  startedAt: null,
  servers: [],
  warnings: [],
  steps: [],
  currentStep: null,
  thinking: null,
  plan: null,
  reflection: null,
  reviews: false,
  awaitingVerdict: null,
  lastMcp: null,
  approval: null,
  formatRetries: 0,
  finished: null,
};

export function reduceRunView(previous: RunViewState, event: RunEvent): RunViewState {
  const state = previous.runId ? previous : { ...previous, runId: event.runId };
  switch (event.type) {
    case 'run_started':
      return {
        ...state,
        runId: event.runId,
        header: {
          task: event.task,
          user: event.user,
          model: event.model,
          controller: event.controller,
          maxSteps: event.maxSteps,
        },
        startedAt: Date.parse(event.at),
        servers: event.mcpServers,
        reviews: event.reflection,
      };
    case 'mcp_server': {
      const { type: _type, runId: _runId, at: _at, ...server } = event;
      return { ...state, servers: state.servers.map((s) => (s.name === server.name ? server : s)) };
    }
    case 'step_started':
      return { ...state, currentStep: event.step, thinking: null, plan: null, formatRetries: 0 };
    case 'thinking':
      // Planning began: no verdict is coming any more for the step before.
      return {
        ...state,
        thinking: event.phase,
        awaitingVerdict: event.phase === 'reflection' ? state.awaitingVerdict : null,
      };
    case 'reflection':
      return {
        ...state,
        reflection: event.text,
        awaitingVerdict: null,
        steps: state.steps.map((s) => (s.step === event.step ? { ...s, reflection: event.text } : s)),
      };
    case 'format_retry':
      return { ...state, formatRetries: event.attempt };
    case 'plan':
      return {
        ...state,
        // Another MCP call is coming: the previous result no longer belongs on screen.
        lastMcp: event.kind === 'mcp' ? null : state.lastMcp,
        thinking: null,
        awaitingVerdict: null,
        plan: { step: event.step, kind: event.kind, text: event.plan, action: event.action },
      };
    case 'approval_requested': {
      const { type: _type, runId: _runId, at: _at, ...approval } = event;
      // The previous MCP panel belongs to an earlier step: it must not sit under a different tool's question.
      return { ...state, approval, lastMcp: null };
    }
    case 'approval_resolved':
      return { ...state, approval: null };
    case 'step_finished':
      return {
        ...state,
        thinking: null,
        approval: null,
        awaitingVerdict: state.reviews ? event.step : null,
        steps: [
          ...state.steps,
          {
            step: event.step,
            kind: event.kind,
            action: event.action,
            outcome: event.outcome,
            durationMs: event.durationMs,
            reflection: null,
          },
        ],
        lastMcp: event.outcome.type === 'mcp' ? { step: event.step, outcome: event.outcome } : state.lastMcp,
      };
    case 'warning':
      return {
        ...state,
        warnings: [...state.warnings, { id: state.warnings.length, message: event.message }],
      };
    case 'run_finished':
      return {
        ...state,
        thinking: null,
        approval: null,
        currentStep: null,
        awaitingVerdict: null,
        finished: {
          status: event.status,
          summary: event.summary,
          steps: event.steps,
          durationMs: event.durationMs,
        },
      };
  }
}

export function excerpt(text: string, maxChars: number): string {
  const clean = sanitizeForTerminal(text).trim();
  return clean.length > maxChars ? `${clean.slice(0, maxChars - 1)}…` : clean;
}

export function formatArgs(args: Record<string, unknown>, maxChars = 80): string {
  const parts = Object.entries(args).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return excerpt(parts.join(', '), maxChars);
}

export function formatCall(action: ActionCall | null, maxChars = 100): string {
  if (!action) return '(no action)';
  return `${action.name}(${formatArgs(action.args, Math.max(20, maxChars - action.name.length - 2))})`;
}
