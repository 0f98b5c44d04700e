/**
 * The MCP servers of one user for one command: all connected in parallel, each with its own
 * timeout; a failing or slow server is reported and skipped, never blocks the others. An
 * instance per user and command: two users never share a registry.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ExitCode, errorMessage } from '../errors.js';
import type { FetchLike } from '../http.js';
import { McpSessionError } from './errors.js';
import { McpSession } from './session.js';
import type { McpToolSource, ServerTrust } from './types.js';

export type ServerSource = 'db' | 'env';

export interface ServerConfig {
  /** Provider or server name, lower case. */
  name: string;
  source: ServerSource;
  url: string;
  headers: Record<string, string>;
  /** Whether the server's read-only hints let tools run without asking (Composio: yes; env: GAGENT_MCP_<NAME>_TRUST). */
  trustReadOnlyHints: boolean;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export type ServerStatus =
  | { state: 'ready'; latencyMs: number }
  | { state: 'failed'; reason: string; latencyMs: number }
  | { state: 'unauthorized'; reason: string; latencyMs: number };

/** Why a server is not ready, or null when it is. */
export function statusReason(status: ServerStatus): string | null {
  return status.state === 'ready' ? null : status.reason;
}

export interface ServerHandle extends McpToolSource {
  readonly config: ServerConfig;
  readonly status: ServerStatus;
  readonly sessionId: string | undefined;
}

export interface RegistryOptions {
  /** Per server: connect + initialize + tools/list must finish within this. */
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** The most one MCP response may make gagent hold (GAGENT_MCP_MAX_RESULT_MB). */
  maxResultBytes?: number;
  /** The command's HTTP stack (proxy-aware). */
  fetch?: FetchLike;
  warn?: (message: string) => void;
}

class ConnectedServer implements ServerHandle {
  constructor(
    readonly config: ServerConfig,
    readonly status: ServerStatus,
    readonly tools: readonly Tool[],
    private readonly session: McpSession | undefined,
  ) {}

  get provider(): string {
    return this.config.name;
  }

  get trust(): ServerTrust {
    return {
      source: this.config.source === 'db' ? 'composio' : 'env',
      honoursReadOnlyHints: this.config.trustReadOnlyHints,
      origin: originOf(this.config.url),
    };
  }

  get sessionId(): string | undefined {
    return this.session?.sessionId;
  }

  callTool(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    if (!this.session)
      throw new McpSessionError(
        'unreachable',
        `The MCP server "${this.config.name}" is not connected.`,
        ExitCode.Unreachable,
      );
    return this.session.callTool(tool, args, signal);
  }

  close(): Promise<void> {
    return this.session?.close() ?? Promise.resolve();
  }
}

async function connectOne(config: ServerConfig, options: RegistryOptions): Promise<ConnectedServer> {
  const started = performance.now();
  const timeoutMs = options.connectTimeoutMs ?? 15_000;
  const elapsed = () => Math.round(performance.now() - started);
  const attempt = (async () => {
    const session = await McpSession.open({
      name: config.name,
      url: config.url,
      headers: config.headers,
      connectTimeoutMs: timeoutMs,
      callTimeoutMs: options.callTimeoutMs,
      maxResultBytes: options.maxResultBytes,
      fetch: options.fetch,
      warn: options.warn,
    });
    try {
      return { session, tools: await session.listTools() };
    } catch (err) {
      await session.close();
      throw err;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const winner = await Promise.race([attempt, timedOut]);
    if (winner === 'timeout') {
      // Whatever it becomes later, close it: nobody will use it.
      void attempt.then(({ session }) => session.close()).catch(() => {});
      return new ConnectedServer(
        config,
        { state: 'failed', reason: `did not answer within ${timeoutMs} ms`, latencyMs: elapsed() },
        [],
        undefined,
      );
    }
    return new ConnectedServer(
      config,
      { state: 'ready', latencyMs: elapsed() },
      winner.tools,
      winner.session,
    );
  } catch (err) {
    const reason = err instanceof McpSessionError || err instanceof Error ? err.message : errorMessage(err);
    const unauthorized = err instanceof McpSessionError && err.kind === 'unauthorized';
    return new ConnectedServer(
      config,
      { state: unauthorized ? 'unauthorized' : 'failed', reason, latencyMs: elapsed() },
      [],
      undefined,
    );
  } finally {
    clearTimeout(timer);
  }
}

export class McpRegistry {
  private constructor(private readonly handles: ConnectedServer[]) {}

  static async connect(configs: ServerConfig[], options: RegistryOptions = {}): Promise<McpRegistry> {
    return new McpRegistry(await Promise.all(configs.map((config) => connectOne(config, options))));
  }

  /** Every server with its state, ready or not. */
  servers(): ServerHandle[] {
    return [...this.handles];
  }

  /** The servers whose tools can be used. */
  ready(): ServerHandle[] {
    return this.handles.filter((h) => h.status.state === 'ready');
  }

  get(name: string): ServerHandle | undefined {
    return this.handles.find((h) => h.config.name === name);
  }

  /** Terminates every session (DELETE on the server). */
  async close(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.close().catch(() => {})));
  }
}
