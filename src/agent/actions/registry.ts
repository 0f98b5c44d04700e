/** One lookup table of actions per run (or command): GUI actions and the MCP actions bound for the user. */
import type { Action, McpAction } from './types.js';

export class ActionRegistry {
  private readonly actions = new Map<string, Action>();

  register(action: Action): void {
    if (this.actions.has(action.name)) throw new Error(`action ${action.name} is already registered`);
    this.actions.set(action.name, action);
  }

  unregister(name: string): boolean {
    return this.actions.delete(name);
  }

  get(name: string): Action | undefined {
    return this.actions.get(name);
  }

  has(name: string): boolean {
    return this.actions.has(name);
  }

  /** In registration order: GUI actions first, then MCP actions as bound. */
  list(): Action[] {
    return [...this.actions.values()];
  }

  names(): string[] {
    return [...this.actions.keys()];
  }

  mcpActions(): McpAction[] {
    return this.list().filter((a): a is McpAction => a.kind === 'mcp');
  }
}
