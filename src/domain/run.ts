/**
 * What a run is made of, as every layer sees it — the step's kind, the action called, its outcome,
 * who allowed an MCP call, how a run ended. Shown to the user, saved in history, summarized for the
 * model. Types only: no behaviour, no imports from any layer.
 */
import type { ScreenAction } from './screen.js';

export const STEP_KINDS = ['gui', 'mcp'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const RUN_STATUSES = [
  'queued',
  'running',
  'done',
  'failed',
  'max_steps',
  'interrupted',
  'error',
  /** Stopped after a step by gagent runs cancel (or before it started). */
  'cancelled',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** How a run ended (every run status but queued and running). */
export type RunEndStatus = Exclude<RunStatus, 'queued' | 'running'>;

export interface ActionCall {
  name: string;
  args: Record<string, unknown>;
}

/** Who allowed or refused an MCP call: the tool's trusted read-only claim, a remembered "always", the user, --yes, or the headless policy. */
export type ApprovalBy = 'read-only' | 'remembered' | 'user' | 'flag' | 'policy';

export interface ApprovalRecord {
  approved: boolean;
  by: ApprovalBy;
  /** The user chose "always": the approval was remembered. */
  remembered?: boolean;
}

/** One MCP tool call as the user and the model see it. */
export interface McpCallSummary {
  provider: string;
  tool: string;
  args: Record<string, unknown>;
  resultText: string;
  isError: boolean;
  durationMs: number;
}

export type StepOutcome =
  | { type: 'screen'; action: ScreenAction; ok: true }
  | ({ type: 'mcp' } & McpCallSummary)
  | { type: 'notes'; notes: string[] }
  | { type: 'done' }
  | { type: 'fail' }
  /** The action did not run: refused by the controller, not authorized, not found on screen. Fed back to the model. */
  | { type: 'refused'; reason: string }
  /** An MCP call that was not allowed (`by`: the user, or the headless policy). The model is told `reason`. */
  | {
      type: 'denied';
      provider: string;
      tool: string;
      args: Record<string, unknown>;
      by: ApprovalBy;
      reason: string;
    }
  /** The model's reply could not be used after its retries. */
  | { type: 'format_error'; reason: string }
  /** The run was stopped (Ctrl+C) while this step was in progress. */
  | { type: 'interrupted' };

/**
 * A run asked for by name rather than started here: what `gagent run --submit` and the API queue,
 * and what a worker runs, with its own machine's keys, screen and browser.
 */
export interface RunRequest {
  task: string;
  maxSteps: number;
  reflection: boolean;
  /** Use the user's connected accounts (MCP). */
  mcp: boolean;
  /** Approve every MCP tool call (a worker has nobody to ask). */
  yes: boolean;
  controller?: 'local' | 'browser' | 'osworld' | 'none';
  controllerUrl?: string;
  /** Start page for the browser controller. */
  url?: string;
  /** openai:<model> or anthropic:<model>; the worker's GAGENT_MODEL when absent. */
  model?: string;
  /** A separate grounding model; the worker's GAGENT_GROUNDING_MODEL when absent. */
  groundingModel?: string;
  /** How many times to start it again if its worker dies mid-run (default 0: it is marked interrupted). */
  retries?: number;
}
