/**
 * A tool's definition as a server lists it (name, description, input schema, annotations), its
 * digest, and what changed between two definitions. A remembered approval is tied to the digest,
 * so a server that changes a tool after the user approved it is asked about again.
 */
import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

export interface ToolDefinition {
  name: string;
  description: string | null;
  inputSchema: unknown;
  annotations: unknown;
}

export function toolDefinition(tool: Tool): ToolDefinition {
  return {
    name: tool.name,
    description: tool.description ?? null,
    inputSchema: tool.inputSchema,
    annotations: tool.annotations ?? null,
  };
}

/** JSON with object keys sorted at every level, so equal definitions give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function definitionDigest(definition: ToolDefinition): string {
  return `sha256:${createHash('sha256').update(canonical(definition)).digest('hex')}`;
}

function propertyNames(schema: unknown): string[] {
  const properties = (schema as { properties?: unknown } | null)?.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

/** What differs between the approved definition and the current one, in words; empty when equal. */
export function definitionChanges(approved: unknown, current: ToolDefinition): string[] {
  const before = (approved ?? {}) as Partial<ToolDefinition>;
  const changes: string[] = [];
  if (canonical(before.description ?? null) !== canonical(current.description))
    changes.push('its description changed');
  if (canonical(before.inputSchema) !== canonical(current.inputSchema)) {
    const old = new Set(propertyNames(before.inputSchema));
    const now = propertyNames(current.inputSchema);
    const added = now.filter((p) => !old.has(p));
    const removed = [...old].filter((p) => !now.includes(p));
    const detail = [
      added.length ? `added ${added.join(', ')}` : '',
      removed.length ? `removed ${removed.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    changes.push(`its parameters changed${detail ? ` (${detail})` : ''}`);
  }
  if (canonical(before.annotations ?? null) !== canonical(current.annotations))
    changes.push(`its annotations changed (now ${canonical(current.annotations)})`);
  if (changes.length === 0 && before.name !== current.name) changes.push('its name changed');
  return changes;
}
