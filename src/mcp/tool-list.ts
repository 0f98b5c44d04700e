/** Defensive parsing of a tools/list page: a tool with a broken schema is skipped, not fatal. */
import { type Tool, ToolSchema } from '@modelcontextprotocol/sdk/types.js';

export interface ToolPage {
  tools: Tool[];
  /** "name: reason" for each skipped tool. */
  skipped: string[];
  nextCursor?: string;
}

const TOOL_NAME = /^[A-Za-z0-9._-]{1,128}$/;

export function parseToolPage(page: unknown): ToolPage {
  const raw = page && typeof page === 'object' ? (page as { tools?: unknown; nextCursor?: unknown }) : {};
  const items = Array.isArray(raw.tools) ? raw.tools : [];
  const tools: Tool[] = [];
  const skipped: string[] = [];
  for (const item of items) {
    const name =
      item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string'
        ? (item as { name: string }).name
        : '(unnamed)';
    const parsed = ToolSchema.safeParse(item);
    if (!parsed.success) {
      skipped.push(`${name}: invalid tool definition`);
      continue;
    }
    if (!TOOL_NAME.test(parsed.data.name)) {
      skipped.push(`${name}: invalid tool name`);
      continue;
    }
    const schema = parsed.data.inputSchema as { type?: unknown; properties?: unknown };
    if (
      schema.type !== 'object' ||
      (schema.properties !== undefined &&
        (typeof schema.properties !== 'object' || schema.properties === null))
    ) {
      skipped.push(`${name}: its input schema is not a JSON object schema`);
      continue;
    }
    tools.push(parsed.data);
  }
  return {
    tools,
    skipped,
    nextCursor: typeof raw.nextCursor === 'string' && raw.nextCursor ? raw.nextCursor : undefined,
  };
}
