/** The action list as the model reads it: Python-style signatures with docstrings, exactly the registered actions. */
import { pythonLiteral, pythonTypeName } from './param-types.js';
import type { Action } from './types.js';

function signature(action: Action): string {
  const params = action.params.map((p) => {
    // A tool's limits are shown (they are its rules); the GUI actions read as Agent S wrote them.
    const head = `${p.name}: ${pythonTypeName(p.type, 0, action.kind === 'mcp')}`;
    if (p.required) return head;
    return `${head} = ${pythonLiteral(p.default ?? null)}`;
  });
  return `def ${action.name}(${params.join(', ')}):`;
}

function docstring(action: Action): string {
  const lines = action.description.split('\n');
  if (action.params.length > 0) {
    lines.push('Args:');
    for (const p of action.params) lines.push(`    ${p.name}: ${p.description ?? pythonTypeName(p.type)}`);
  }
  return ['    """', ...lines.map((l) => (l ? `    ${l}` : '')), '    """'].join('\n');
}

export function renderAction(action: Action): string {
  return `${signature(action)}\n${docstring(action)}`;
}

/** GUI actions first (in their order), then MCP actions grouped by provider. */
export function renderActionList(actions: readonly Action[]): string {
  const gui = actions.filter((a) => a.kind === 'gui');
  const mcp = actions
    .filter((a) => a.kind === 'mcp')
    .sort((a, b) =>
      a.kind === 'mcp' && b.kind === 'mcp'
        ? a.provider.localeCompare(b.provider) || a.name.localeCompare(b.name)
        : 0,
    );
  const sections = [gui.map(renderAction).join('\n\n')];
  if (mcp.length > 0)
    sections.push(`# Connected accounts and MCP servers\n\n${mcp.map(renderAction).join('\n\n')}`);
  return sections.filter(Boolean).join('\n\n');
}
