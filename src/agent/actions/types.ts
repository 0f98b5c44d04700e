/** Actions the model can call as agent.<name>(…): GUI ones and the MCP tools bound for a user. Handlers return structured results, never code. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Point, ScreenAction } from '../../controllers/types.js';
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
  annotations: { readOnly: boolean; destructive: boolean };
}

export type Action = GuiAction | McpAction;
