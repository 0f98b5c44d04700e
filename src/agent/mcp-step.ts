/**
 * The MCP half of a step: a provider disconnected mid-run is refused, the call is approved (the
 * trust model first, a person only when nothing else decides), called on its cached session and
 * recorded. A server failing mid-call is an outcome the model can react to, never a crash.
 */
import type { StepOutcome } from '../domain/run.js';
import { GagentError, InterruptedError } from '../errors.js';
import type { McpAction } from './actions/types.js';
import type { AgentDeps } from './agent.js';
import { type ApprovalDecision, type ApprovalRequest, denialSentence } from './approval.js';
import { type McpAgent, resultText } from './mcp-agent.js';

export type McpStepDeps = Pick<AgentDeps, 'mcp' | 'approval' | 'isAuthorized' | 'observer'>;

export async function runMcpStep(
  deps: McpStepDeps,
  step: number,
  action: McpAction,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<{ outcome: StepOutcome; approval: ApprovalDecision | null }> {
  const { mcp } = deps;
  const base = { action: action.name, provider: action.provider, tool: action.tool, args };
  if (!(await deps.isAuthorized(action.provider))) {
    const reason = `${action.provider} is no longer connected for this user, so agent.${action.name} cannot run; continue without it or use the screen`;
    return { outcome: { type: 'refused', reason }, approval: null };
  }
  const decision = await approve(deps, step, action, args, signal);
  if (!decision.approved) {
    const reason = denialSentence(action.name, decision);
    // Told once: through the MCP outcome of the next prompt, not also as feedback.
    mcp.record({
      ...base,
      resultText: '',
      isError: false,
      durationMs: 0,
      skipped: 'denied',
      error: reason,
    });
    return {
      outcome: {
        type: 'denied',
        provider: action.provider,
        tool: action.tool,
        args,
        by: decision.by,
        reason,
      },
      approval: decision,
    };
  }
  return { outcome: await callMcp(mcp, action, args, signal), approval: decision };
}

/** The trust model's answer, asking a person only when nothing else decides. */
async function approve(
  deps: McpStepDeps,
  step: number,
  action: McpAction,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<ApprovalDecision> {
  const { approval, observer } = deps;
  const pre = await approval.precheck(action);
  if ('decision' in pre) {
    if (pre.decision.by !== 'read-only') observer?.onApprovalResolved?.(step, pre.decision);
    return pre.decision;
  }
  const request: ApprovalRequest = {
    step,
    action: action.name,
    provider: action.provider,
    tool: action.tool,
    args,
    schemaOrder: action.schemaOrder,
    destructive: action.annotations.destructive,
    changes: pre.ask,
  };
  observer?.onApprovalRequested?.(request);
  const decision = await approval.ask(action, request, signal);
  observer?.onApprovalResolved?.(step, decision);
  return decision;
}

async function callMcp(
  mcp: McpAgent,
  action: McpAction,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<StepOutcome> {
  const base = { action: action.name, provider: action.provider, tool: action.tool, args };
  const started = performance.now();
  try {
    const result = await action.handler(args, {
      signal,
      ground: () => Promise.reject(new Error('MCP actions locate nothing on the screen')),
    });
    if (result.type !== 'mcp') throw new Error('an MCP action returned a non-MCP result');
    const text = resultText(result.result);
    const isError = result.result.isError === true;
    mcp.record({ ...base, resultText: text, isError, durationMs: result.durationMs });
    return {
      type: 'mcp',
      provider: action.provider,
      tool: action.tool,
      args,
      resultText: text,
      isError,
      durationMs: result.durationMs,
    };
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    // A server that died mid-run is an outcome the model can react to, never a hang or a crash.
    const message = err instanceof GagentError ? err.message : String(err);
    const durationMs = Math.round(performance.now() - started);
    mcp.record({ ...base, resultText: '', isError: true, durationMs, error: message });
    return {
      type: 'mcp',
      provider: action.provider,
      tool: action.tool,
      args,
      resultText: message,
      isError: true,
      durationMs,
    };
  }
}
