/** Actions the model can call as agent.<name>(…): GUI ones and the MCP tools bound for a user. Handlers return structured results, never code. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Point, ScreenAction } from '../../controllers/types.js';
import type { ToolDefinition } from '../../mcp/tool-definition.js';
import type { ServerTrust } from '../../mcp/types.js';
import type { ParamType } from './param-types.js';

export type ActionKind = 'gui' | 'mcp';

export interface Param {
  name: string;
  type: ParamType;
  required: boolean;
  /** Shown in the signature; filled in for GUI actions when the model leaves the argument out. */
  default?: unknown;
  description?: string;
  /** Extra validation beyond the type (e.g. key names); null when fine. Runs at parse time, no side effects. */
  check?: (value: unknown) => string | null;
}

export interface ActionContext {
  /** Locates an element on the current screenshot; called once per description, only when the action runs. */
  ground(description: string): Promise<Point>;
  signal?: AbortSignal;
}

export type ActionResult =
  | { type: 'screen'; action: ScreenAction }
  | { type: 'notes'; notes: string[] }
  | { type: 'done' }
  | { type: 'fail' }
  | {
      type: 'mcp';
      provider: string;
      tool: string;
      args: Record<string, unknown>;
      result: CallToolResult;
      durationMs: number;
    };

interface BaseAction {
  name: string;
  /** Written for the model; it is the documentation the model reads. */
  description: string;
  params: Param[];
  handler(args: Record<string, unknown>, context: ActionContext): Promise<ActionResult>;
}

export interface GuiAction extends BaseAction {
  kind: 'gui';
}

export interface McpAction extends BaseAction {
  kind: 'mcp';
  provider: string;
  /** The server's tool name, exactly (e.g. GMAIL_SEND_EMAIL). */
  tool: string;
  /**
   * `readOnly`: runs without asking — the tool claims to be read-only (and not destructive) AND
   * the server is trusted to say so. `destructive`: the tool's own claim, shown to the user.
   */
  annotations: { readOnly: boolean; destructive: boolean };
  /** Where the tool comes from and how far it is trusted. */
  trust: ServerTrust;
  /** The definition the server listed, for remembered approvals. */
  definition: ToolDefinition;
  /** The tool's parameters in the order of its input schema, for showing arguments to a person. */
  schemaOrder: string[];
}

export type Action = GuiAction | McpAction;
