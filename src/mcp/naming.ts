/**
 * Action names for MCP tools: `<provider>_<tool>` in snake case. Composio's GMAIL_SEND_EMAIL on
 * provider gmail becomes gmail_send_email (the prefix is not doubled). Names are kept in a lookup
 * table by the agent and never split back apart, so providers may contain underscores.
 */
import { createHash } from 'node:crypto';

const MAX = 64;

export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

export function actionName(provider: string, tool: string): string {
  const p = snakeCase(provider) || 'mcp';
  let t = snakeCase(tool) || 'tool';
  if (t === p || t.startsWith(`${p}_`)) t = t.slice(p.length + 1) || p;
  let name = `${p}_${t}`;
  if (!/^[a-z]/.test(name)) name = `mcp_${name}`;
  if (name.length > MAX) {
    // Deterministic and still unique: keep a readable head and a hash of the full name.
    const hash = createHash('sha256').update(`${provider}\u0000${tool}`).digest('hex').slice(0, 8);
    name = `${name.slice(0, MAX - 9).replace(/_+$/, '')}_${hash}`;
  }
  return name;
}
