/**
 * The MCP side of a run: every MCP call (tool, arguments, result, duration, error), the step it
 * belongs to (set before planning, finalized after execution), counters for the events, and the
 * last outcome, handed to the next prompt exactly once.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpCallSummary } from '../domain/run.js';
import { toolResultText } from '../mcp/result-text.js';
import { mcpOutcomeBlock } from './prompts.js';

export interface McpCallRecord extends McpCallSummary {
  step: number;
  action: string;
  /** The call did not run: denied by the user or policy, or not authorized. */
  skipped?: 'denied' | 'unauthorized';
  /** A transport failure (the server is gone), as opposed to the tool's own error result. */
  error?: string;
}

export interface McpCounters {
  calls: number;
  errors: number;
  denied: number;
  /** Calls recorded in this run's history. */
  history: number;
}

/** Bounded, so one long tool result cannot crowd the prompt. */
const MAX_RESULT_CHARS = 4000;

export function resultText(result: CallToolResult): string {
  return toolResultText(result, MAX_RESULT_CHARS);
}

export class McpAgent {
  private readonly calls: McpCallRecord[] = [];
  private step: number | null = null;
  private pending: McpCallRecord | null = null;

  /** Set before planning, so a call is attributed to the step that made it. */
  beginStep(step: number): void {
    this.step = step;
  }

  record(call: Omit<McpCallRecord, 'step'>): McpCallRecord {
    const full = { ...call, step: this.step ?? -1 };
    this.calls.push(full);
    this.pending = full;
    return full;
  }

  /** Finalizes the step: nothing more is attributed to it. */
  endStep(): void {
    this.step = null;
  }

  /** The last outcome, formatted for the prompt, returned once and then cleared. */
  takeOutcomeForPrompt(): string | null {
    const call = this.pending;
    this.pending = null;
    if (!call) return null;
    return mcpOutcomeBlock({
      action: call.action,
      provider: call.provider,
      tool: call.tool,
      isError: call.isError,
      text: call.error ?? call.resultText,
      skipped: call.skipped !== undefined,
    });
  }

  history(): readonly McpCallRecord[] {
    return this.calls;
  }

  counters(): McpCounters {
    return {
      calls: this.calls.filter((c) => !c.skipped).length,
      errors: this.calls.filter((c) => c.isError || c.error).length,
      denied: this.calls.filter((c) => c.skipped === 'denied').length,
      history: this.calls.length,
    };
  }
}
