/** The text a person or a model reads from a tool result: its text parts, else its structured content as JSON. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export function toolResultText(result: CallToolResult, maxChars = Number.POSITIVE_INFINITY): string {
  const parts = result.content.map((part) => {
    if (part.type === 'text') return part.text;
    if (part.type === 'resource' && 'text' in part.resource) return String(part.resource.text);
    return `[${part.type} content]`;
  });
  let text = parts.join('\n').trim();
  if (!text && result.structuredContent) text = JSON.stringify(result.structuredContent);
  return text.length > maxChars
    ? `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters cut)`
    : text;
}
