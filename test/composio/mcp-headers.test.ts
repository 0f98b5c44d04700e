import { describe, expect, it } from 'vitest';
import { isComposioHome, mcpHeaders } from '../../src/composio/mcp-headers.js';

describe('the Composio key goes home only', () => {
  it.each([
    ['https://backend.composio.dev/tool_router/trs_1/mcp', undefined, true],
    ['https://backend.composio.dev:443/v3/mcp/x/mcp?user_id=u', undefined, true],
    ['http://backend.composio.dev/tool_router/trs_1/mcp', undefined, false],
    ['https://mcp.composio.dev/composio/server/1', undefined, false],
    ['https://evil.example/backend.composio.dev/mcp', undefined, false],
    ['https://backend.composio.dev.evil.example/mcp', undefined, false],
    ['http://127.0.0.1:4010/tool_router/trs_1/mcp', 'http://127.0.0.1:4010', true],
    ['http://127.0.0.1:4011/mcp', 'http://127.0.0.1:4010', false],
    ['http://10.0.0.5:4010/mcp', 'http://10.0.0.5:4010', false],
    ['https://composio.internal/mcp', 'https://composio.internal', true],
    ['not a url', undefined, false],
  ])('%s (COMPOSIO_BASE_URL %s) → %s', (url, base, expected) => {
    expect(isComposioHome(url, base)).toBe(expected);
  });

  it('adds the key (or the token) only for Composio’s own origin, and never replaces stored auth', () => {
    const stored = { 'X-Connected-Account-Id': 'ca_1' };
    const home = 'https://backend.composio.dev/tool_router/trs_1/mcp';
    expect(mcpHeaders(home, stored, { apiKey: 'ak_1' })).toEqual({ ...stored, 'x-api-key': 'ak_1' });
    expect(mcpHeaders(home, stored, { token: 'tok_1' })).toEqual({
      ...stored,
      Authorization: 'Bearer tok_1',
    });
    expect(mcpHeaders('https://evil.example/mcp', stored, { apiKey: 'ak_1', token: 'tok_1' })).toEqual(
      stored,
    );
    expect(mcpHeaders(home, { Authorization: 'Bearer own' }, { apiKey: 'ak_1' })).toEqual({
      Authorization: 'Bearer own',
    });
  });
});
