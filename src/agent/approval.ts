/**
 * Who may run an MCP tool (the trust model): a tool runs without asking only when it claims to be
 * read-only and its server is trusted to say so (Composio toolkits; env servers the user marked
 * with GAGENT_MCP_<NAME>_TRUST=read-only-hints). Otherwise it needs a remembered "always" for this
 * exact definition, --yes, or a person's answer. Nobody to ask means denied, and the model is told.
 */

import type { ApprovalBy, ApprovalRecord } from '../domain/run.js';
import { InterruptedError } from '../errors.js';
import { definitionChanges, definitionDigest, type ToolDefinition } from '../mcp/tool-definition.js';
import type { McpAction } from './actions/types.js';

export type { ApprovalBy };

export interface ApprovalRequest {
  step: number;
  action: string;
  provider: string;
  tool: string;
  args: Record<string, unknown>;
  /** The tool's parameters in its schema's order, so arguments are shown as the tool defines them. */
  schemaOrder: string[];
  destructive: boolean;
  /** Why a remembered approval no longer applies ("its description changed", …); empty otherwise. */
  changes: string[];
}

/** A person's answer: this call only, this tool from now on, or no. */
export type ApprovalAnswer = 'once' | 'always' | 'deny';

export type AskApproval = (request: ApprovalRequest, signal?: AbortSignal) => Promise<ApprovalAnswer>;

/** A decision: allowed or not, who decided, and whether an "always" was remembered. */
export type ApprovalDecision = ApprovalRecord;

/** The user's remembered approvals (the database, in a run); the policy never sees SQL. */
export interface ApprovalMemory {
  find(
    server: string,
    tool: string,
  ): Promise<{ digest: string; definition: unknown; origin: string } | undefined>;
  remember(
    server: string,
    tool: string,
    entry: { digest: string; definition: ToolDefinition; origin: string },
  ): Promise<void>;
}

export type RememberedState =
  | { state: 'none' }
  | { state: 'valid' }
  | { state: 'changed'; changes: string[] };

/** Whether a remembered approval covers the tool as the server lists it now. */
export async function rememberedState(
  memory: ApprovalMemory | undefined,
  action: McpAction,
): Promise<RememberedState> {
  const entry = await memory?.find(action.provider, action.tool);
  if (!entry) return { state: 'none' };
  if (entry.digest === definitionDigest(action.definition) && entry.origin === action.trust.origin)
    return { state: 'valid' };
  const changes = definitionChanges(entry.definition, action.definition);
  if (entry.origin !== action.trust.origin)
    changes.unshift(`the server's address changed (from ${entry.origin} to ${action.trust.origin})`);
  return { state: 'changed', changes: changes.length ? changes : ['its definition changed'] };
}

export class ApprovalPolicy {
  constructor(
    private readonly options: { approveAll: boolean; ask?: AskApproval; memory?: ApprovalMemory },
  ) {}

  /** Whether a person could be asked (the terminal view is up with a keyboard). */
  get interactive(): boolean {
    return this.options.ask !== undefined;
  }

  /** Decides without asking when it can; `null` means a person must be asked with `request`. */
  async precheck(action: McpAction): Promise<{ decision: ApprovalDecision } | { ask: string[] }> {
    if (action.annotations.readOnly) return { decision: { approved: true, by: 'read-only' } };
    const remembered = await rememberedState(this.options.memory, action);
    if (remembered.state === 'valid') return { decision: { approved: true, by: 'remembered' } };
    if (this.options.approveAll) return { decision: { approved: true, by: 'flag' } };
    if (!this.options.ask) return { decision: { approved: false, by: 'policy' } };
    return { ask: remembered.state === 'changed' ? remembered.changes : [] };
  }

  async ask(action: McpAction, request: ApprovalRequest, signal?: AbortSignal): Promise<ApprovalDecision> {
    const ask = this.options.ask;
    if (!ask) return { approved: false, by: 'policy' };
    const answer = await ask(request, signal);
    // Ctrl+C while the question was open: nobody declined, the step was interrupted.
    if (signal?.aborted) throw new InterruptedError();
    if (answer === 'deny') return { approved: false, by: 'user' };
    if (answer === 'always') {
      await this.options.memory?.remember(action.provider, action.tool, {
        digest: definitionDigest(action.definition),
        definition: action.definition,
        origin: action.trust.origin,
      });
      return { approved: true, by: 'user', remembered: true };
    }
    return { approved: true, by: 'user' };
  }
}

/** The one sentence the model is told when a call was not allowed. */
export function denialSentence(action: string, decision: ApprovalDecision): string {
  return decision.by === 'policy'
    ? `agent.${action} was not run: it needs the user's approval, and nobody can approve it in this run (the user can allow it with --yes or an "always" approval). Continue without it, or call agent.fail() if the task needs it.`
    : `agent.${action} was not run: the user declined it. Continue another way, or call agent.fail() if the task needs it.`;
}
