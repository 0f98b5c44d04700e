/**
 * The one typed event stream of a run. The Ink TUI, the --json JSONL writer and the history
 * writer are three consumers of these events; none of them reaches into the loop.
 */
import type { McpCounters } from '../agent/mcp-agent.js';
import type {
  ActionCall,
  ApprovalBy,
  ApprovalRecord,
  RunEndStatus,
  StepKind,
  StepOutcome,
} from '../domain/run.js';

export type { ActionCall, ApprovalBy, ApprovalRecord, RunEndStatus, StepKind, StepOutcome };

/** One MCP server as the run sees it: connecting, then ready (with its tools) or not (with why). */
export interface McpServerState {
  name: string;
  state: 'connecting' | 'ready' | 'unreachable' | 'unauthorized';
  reason?: string;
  tools: number;
}

interface Base {
  runId: string;
  /** ISO time the event was emitted. */
  at: string;
}

export type RunEvent = Base &
  (
    | {
        type: 'run_started';
        task: string;
        user: string;
        model: string;
        groundingModel: string | null;
        controller: string;
        maxSteps: number;
        reflection: boolean;
        /** Names of the MCP actions bound so far (authorized, and their server ready). */
        mcpActions: string[];
        /** Every MCP server of the run and its state; those still connecting join when ready. */
        mcpServers: McpServerState[];
      }
    /** An MCP server finished connecting (ready, unreachable or unauthorized). */
    | ({ type: 'mcp_server' } & McpServerState)
    | { type: 'step_started'; step: number }
    | { type: 'thinking'; step: number; phase: 'reflection' | 'plan' | 'grounding' }
    /** The reviewer's verdict on step `step`, made while the next step begins. */
    | { type: 'reflection'; step: number; text: string }
    | { type: 'format_retry'; step: number; attempt: number; reason: string }
    | { type: 'plan'; step: number; kind: StepKind; plan: string; action: ActionCall }
    | {
        type: 'approval_requested';
        step: number;
        action: string;
        provider: string;
        tool: string;
        args: Record<string, unknown>;
        /** The tool's parameters in its schema's order. */
        schemaOrder: string[];
        destructive: boolean;
        /** Why a remembered approval no longer applies; empty when there was none. */
        changes: string[];
      }
    | { type: 'approval_resolved'; step: number; approved: boolean; by: ApprovalBy; remembered?: boolean }
    | {
        type: 'step_finished';
        step: number;
        kind: StepKind;
        plan: string | null;
        action: ActionCall | null;
        outcome: StepOutcome;
        /** For an MCP step: allowed or not, and who decided. */
        approval: ApprovalRecord | null;
        durationMs: number;
        /** Model latency inside this step, so overhead can be told apart. */
        modelMs: number;
        /** The MCPAgent's counters after this step. */
        mcp: McpCounters;
      }
    | { type: 'warning'; message: string }
    | {
        type: 'run_finished';
        status: RunEndStatus;
        summary: string;
        steps: number;
        exitCode: number;
        durationMs: number;
      }
  );

export type RunEventType = RunEvent['type'];

export type RunEventListener = (event: RunEvent) => void;

/** An event before the emitter stamps it with the run id and time. */
export type RunEventBody = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'runId' | 'at'>
    : never
  : never;
