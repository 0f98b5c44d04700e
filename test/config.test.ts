import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { groundingCredentials, loadConfig } from '../src/config.js';
import { tempDir } from './helpers/temp.js';

const base = { GAGENT_HOME: '/nonexistent' };

describe('config: where each key may go', () => {
  it('gives the grounding model its own key, or the provider key only on the provider’s own origin', () => {
    const withMain = (extra: Record<string, string>) => {
      const config = loadConfig(
        {},
        { ...base, OPENAI_API_KEY: 'sk-main', GAGENT_GROUNDING_MODEL: 'openai:g', ...extra },
      );
      return groundingCredentials(config, config.grounding as NonNullable<typeof config.grounding>);
    };
    // Another host: no key at all.
    expect(withMain({ GAGENT_GROUNDING_BASE_URL: 'http://grounding.example:8000/v1' })).toEqual({
      apiKey: undefined,
      baseUrl: 'http://grounding.example:8000/v1',
    });
    // Its own key, to its own host.
    expect(
      withMain({
        GAGENT_GROUNDING_BASE_URL: 'http://grounding.example:8000/v1',
        GAGENT_GROUNDING_API_KEY: 'sk-g',
      }),
    ).toEqual({ apiKey: 'sk-g', baseUrl: 'http://grounding.example:8000/v1' });
    // The provider's own server: the provider's key.
    expect(withMain({})).toEqual({ apiKey: 'sk-main', baseUrl: undefined });
    expect(withMain({ GAGENT_GROUNDING_BASE_URL: 'https://api.openai.com/v1' })).toMatchObject({
      apiKey: 'sk-main',
    });
    expect(
      withMain({
        OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1',
        GAGENT_GROUNDING_BASE_URL: 'http://127.0.0.1:1234/other',
      }),
    ).toMatchObject({ apiKey: 'sk-main' });
    expect(
      withMain({
        OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1',
        GAGENT_GROUNDING_BASE_URL: 'http://127.0.0.1:1235/v1',
      }),
    ).toMatchObject({ apiKey: undefined });
  });

  it('gives child processes the environment without gagent’s variables or anything holding a secret', () => {
    const config = loadConfig(
      {},
      {
        ...base,
        PATH: '/usr/bin',
        LANG: 'C.UTF-8',
        COMPOSIO_API_KEY: 'ak_secret_value_1',
        OPENAI_API_KEY: 'sk-secret-value-2',
        GAGENT_MCP_X_URL: 'http://127.0.0.1:9/mcp',
        GAGENT_MCP_X_TOKEN: 'tok-secret-value-3',
        DB_URL: 'file:/tmp/x.db',
        SOMETHING_ELSE: 'prefix sk-secret-value-2 suffix',
      },
    );
    expect(config.childEnv).toEqual({ PATH: '/usr/bin', LANG: 'C.UTF-8' });
  });

  it('reads GAGENT_MCP_<NAME>_TRUST and GAGENT_MCP_MAX_RESULT_MB, refusing values it does not know', () => {
    const config = loadConfig(
      {},
      {
        ...base,
        GAGENT_MCP_A_URL: 'http://127.0.0.1:1/mcp',
        GAGENT_MCP_B_URL: 'http://127.0.0.1:2/mcp',
        GAGENT_MCP_B_TRUST: 'read-only-hints',
        GAGENT_MCP_MAX_RESULT_MB: '0.5',
      },
    );
    expect(config.mcpServers.map((s) => [s.name, s.trust])).toEqual([
      ['a', 'none'],
      ['b', 'read-only-hints'],
    ]);
    expect(config.mcpMaxResultBytes).toBe(512 * 1024);
    expect(() => loadConfig({}, { ...base, GAGENT_MCP_MAX_RESULT_MB: 'lots' }).mcpMaxResultBytes).toThrow(
      /GAGENT_MCP_MAX_RESULT_MB/,
    );
  });
});

describe('config: only what a command uses can fail it', () => {
  const bad = {
    ...base,
    GAGENT_MODEL: 'bogus',
    GAGENT_CONTROLLER: 'nowhere',
    GAGENT_MODEL_TIMEOUT: 'soon',
    OPENAI_BASE_URL: 'not a url',
  };

  it('loads with bad run-only values, and fails when they are read', () => {
    const config = loadConfig({}, bad);
    expect(config.user).toBe('singleton');
    expect(config.composio.authConfigIds).toEqual({});
    expect(() => config.model).toThrow(/GAGENT_MODEL must look like openai:<model>/);
    expect(() => config.controller).toThrow(/Unknown controller "nowhere"/);
    expect(() => config.modelTimeoutMs).toThrow(/GAGENT_MODEL_TIMEOUT/);
    expect(() => config.modelEndpoints.openai).toThrow(/OPENAI_BASE_URL is not a valid URL/);
    expect(config.modelEndpoints.anthropic).toEqual({ apiKey: undefined, baseUrl: undefined });
  });

  it('keeps secrets for the redactor even when the variable around them is malformed', () => {
    const config = loadConfig(
      {},
      { ...base, GAGENT_MCP_X_TOKEN: 'tok-orphan-secret-1', OPENAI_API_KEY: 'sk-1234567' },
    );
    expect(() => config.mcpServers).toThrow(/GAGENT_MCP_X_URL is missing/);
    expect(config.secrets).toEqual(expect.arrayContaining(['tok-orphan-secret-1', 'sk-1234567']));
  });

  it('takes every MCP header value as a secret but those of harmless headers, whatever the name', () => {
    const config = loadConfig(
      {},
      {
        ...base,
        GAGENT_MCP_X_URL: 'http://127.0.0.1:1/mcp',
        GAGENT_MCP_X_HEADERS:
          'X-Auth: xauth-value-1; X-Access-Key: Token access-value-2; Accept-Language: en-GB,en',
        GAGENT_MCP_Y_URL: 'http://127.0.0.1:2/mcp',
        GAGENT_MCP_Y_HEADERS: '{"X-Goog-Iap-Jwt": "jwt-value-3", "User-Agent": "gagent-tests"}',
      },
    );
    expect(config.secrets).toEqual(
      expect.arrayContaining(['xauth-value-1', 'access-value-2', 'jwt-value-3']),
    );
    expect(config.secrets).not.toContain('en-GB,en');
    expect(config.secrets).not.toContain('gagent-tests');
  });

  it('refuses an empty --user instead of quietly using the default, and expands ~ in DB_URL', () => {
    expect(() => loadConfig({ user: '' }, base).user).toThrow(/"" is not a valid user id \(from --user\)/);
    expect(loadConfig({}, { ...base, GAGENT_USER: '' }).user).toBe('singleton');
    const home = tempDir('gagent-home-');
    expect(loadConfig({}, { ...base, HOME: home, DB_URL: 'file:~/x.db' }).database).toEqual({
      dialect: 'sqlite',
      path: path.join(home, 'x.db'),
    });
    // A file in a folder that does not exist is a typo, not a new database somewhere.
    expect(() => loadConfig({}, { ...base, DB_URL: `file:${home}/missing-dir/x.db` }).database).toThrow(
      `DB_URL names ${home}/missing-dir/x.db, but its folder ${home}/missing-dir does not exist.`,
    );
    expect(loadConfig({}, { ...base, DB_URL: 'postgres://u:p@db.example:5433/gagent' }).database).toEqual({
      dialect: 'postgres',
      url: 'postgres://u:p@db.example:5433/gagent',
    });
    expect(() => loadConfig({}, { ...base, DB_URL: 'mysql://u:hunter2@x/db' }).database).toThrow(
      'DB_URL must start with "file:" or "postgres://", got "mysql://…@x/db".',
    );
  });
});
