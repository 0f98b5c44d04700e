/**
 * Who may run an MCP tool: tools annotated read-only run freely; every other tool needs a yes
 * from the callback the runner supplies (the TUI prompt), or --yes. With neither, it is denied,
 * and the denial is an outcome the model sees, not an error.
 */
import type { McpAction } from './actions/types.js';

export interface ApprovalRequest {
  step: number;
  action: string;
  provider: string;
  tool: string;
  args: Record<string, unknown>;
  destructive: boolean;
}

export type AskApproval = (request: ApprovalRequest, signal?: AbortSignal) => Promise<boolean>;

export interface ApprovalDecision {
  approved: boolean;
  by: 'policy' | 'user' | 'flag';
}

export function needsApproval(action: McpAction): boolean {
  return !action.annotations.readOnly;
}

export class ApprovalPolicy {
  constructor(private readonly options: { approveAll: boolean; ask?: AskApproval }) {}

  /** Whether a person could be asked (the TUI is up); otherwise non-read-only tools are denied. */
  get interactive(): boolean {
    return this.options.ask !== undefined;
  }

  async decide(action: McpAction, request: ApprovalRequest, signal?: AbortSignal): Promise<ApprovalDecision> {
    if (!needsApproval(action)) return { approved: true, by: 'policy' };
    if (this.options.approveAll) return { approved: true, by: 'flag' };
    if (!this.options.ask) return { approved: false, by: 'policy' };
    return { approved: await this.options.ask(request, signal), by: 'user' };
  }
}
