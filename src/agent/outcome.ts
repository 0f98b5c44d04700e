/** What one step did: shown to the user, saved in run_steps.outcome, and summarized for the model. */
import type { ScreenAction } from '../controllers/types.js';

export type StepKind = 'gui' | 'mcp';

/** Who allowed or refused an MCP call: the tool's trusted read-only claim, a remembered "always", the user, --yes, or the headless policy. */
export type ApprovalBy = 'read-only' | 'remembered' | 'user' | 'flag' | 'policy';

export interface ActionCall {
  name: string;
  args: Record<string, unknown>;
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
