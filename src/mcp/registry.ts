/**
 * The MCP servers of one user for one command: all connected in parallel, in the background,
 * each within its own timeout (GAGENT_MCP_TIMEOUT); a failing, slow or hanging server is reported
 * and skipped, never blocks the others. A run starts with the servers that are ready and binds the
 * others as they connect; commands that need every answer wait for `settled()`. An instance per
 * user and command: two users never share a registry.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ExitCode, errorMessage } from '../errors.js';
import type { FetchLike } from '../http.js';
import { McpSessionError } from './errors.js';
import { endpointOrigin, type ServerConfig, type ServerSource } from './server-config.js';
import { McpSession } from './session.js';
import type { McpToolSource, ServerTrust } from './types.js';

export type { ServerConfig, ServerSource };

export type ServerStatus =
  | { state: 'connecting' }
  | { state: 'ready'; latencyMs: number }
  | { state: 'unreachable'; reason: string; latencyMs: number }
  | { state: 'unauthorized'; reason: string; latencyMs: number };

/** Why a server is not ready, or null when it is (or is still connecting). */
export function statusReason(status: ServerStatus): string | null {
  return status.state === 'unreachable' || status.state === 'unauthorized' ? status.reason : null;
}

export interface ServerHandle extends McpToolSource {
  readonly config: ServerConfig;
  readonly status: ServerStatus;
  readonly sessionId: string | undefined;
  /** Which transport carries the session, once connected. */
  readonly transportKind: 'streamable-http' | 'sse' | 'stdio' | undefined;
}

export interface RegistryOptions {
  /** Per server: connect + initialize + tools/list must finish within this (default 5 s). */
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** The most one MCP response may make gagent hold (GAGENT_MCP_MAX_RESULT_MB). */
  maxResultBytes?: number;
  /** The command's HTTP stack (proxy-aware). */
  fetch?: FetchLike;
  warn?: (message: string) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** One server: its state changes as it connects; calls go to its session once it is ready. */
class ServerSlot implements ServerHandle {
  status: ServerStatus = { state: 'connecting' };
  tools: readonly Tool[] = [];
  /** Resolves once the server settled (set by the registry). */
  settled: Promise<void> = Promise.resolve();
  private session: McpSession | undefined;
  private closed = false;

  constructor(readonly config: ServerConfig) {}

  get provider(): string {
    return this.config.name;
  }

  get trust(): ServerTrust {
    return {
      source: this.config.source,
      honoursReadOnlyHints: this.config.trustReadOnlyHints,
      origin: endpointOrigin(this.config.endpoint),
    };
  }

  get sessionId(): string | undefined {
    return this.session?.sessionId;
  }

  get transportKind(): ServerHandle['transportKind'] {
    return this.session?.transportKind;
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

  /** Connects, lists the tools, and settles into ready, unreachable or unauthorized. */
  async connect(options: RegistryOptions): Promise<void> {
    if (this.config.disabled) {
      this.status = { state: 'unreachable', reason: this.config.disabled, latencyMs: 0 };
      return;
    }
    const started = performance.now();
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const elapsed = () => Math.round(performance.now() - started);
    const attempt = (async () => {
      const session = await McpSession.open({
        name: this.config.name,
        endpoint: this.config.endpoint,
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
      // Unref'd: a command that is done does not wait for a hanging server's timeout.
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref();
    });
    try {
      const winner = await Promise.race([attempt, timedOut]);
      if (winner === 'timeout') {
        // Whatever it becomes later, close it: nobody will use it.
        void attempt.then(({ session }) => session.close()).catch(() => {});
        const seconds = Number((timeoutMs / 1000).toFixed(1));
        this.status = {
          state: 'unreachable',
          reason: `did not answer within ${seconds} s`,
          latencyMs: elapsed(),
        };
        return;
      }
      if (this.closed) {
        await winner.session.close();
        return;
      }
      this.session = winner.session;
      this.tools = winner.tools;
      this.status = { state: 'ready', latencyMs: elapsed() };
    } catch (err) {
      const reason = err instanceof Error ? err.message : errorMessage(err);
      const unauthorized = err instanceof McpSessionError && err.kind === 'unauthorized';
      this.status = { state: unauthorized ? 'unauthorized' : 'unreachable', reason, latencyMs: elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.session?.close();
  }
}

export class McpRegistry {
  private readonly listeners = new Set<(server: ServerHandle) => void>();
  private readonly connecting: Promise<void>;

  private constructor(
    private readonly slots: ServerSlot[],
    options: RegistryOptions,
  ) {
    for (const slot of slots) {
      slot.settled = slot.connect(options).then(() => {
        for (const listener of this.listeners) listener(slot);
      });
    }
    this.connecting = Promise.all(slots.map((slot) => slot.settled)).then(() => undefined);
  }

  /** Starts connecting every server and returns at once; each settles on its own. */
  static start(configs: ServerConfig[], options: RegistryOptions = {}): McpRegistry {
    return new McpRegistry(
      configs.map((config) => new ServerSlot(config)),
      options,
    );
  }

  /** Connects every server and returns once each is ready, unreachable or unauthorized. */
  static async connect(configs: ServerConfig[], options: RegistryOptions = {}): Promise<McpRegistry> {
    const registry = McpRegistry.start(configs, options);
    await registry.settled();
    return registry;
  }

  /** Resolves once no server is still connecting. */
  settled(): Promise<void> {
    return this.connecting;
  }

  /**
   * Resolves once no server is still connecting, or after `ms` (counted from now), whichever comes
   * first: a hanging server holds nobody back longer than that.
   */
  settledWithin(ms: number): Promise<void> {
    if (ms <= 0 || this.slots.length === 0) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
    return Promise.race([this.connecting, elapsed]).finally(() => clearTimeout(timer));
  }

  /** Resolves once the named server settled (at once for a name the registry does not have). */
  whenSettled(name: string): Promise<void> {
    return this.slots.find((s) => s.config.name === name)?.settled ?? Promise.resolve();
  }

  /** Called with a server each time it settles (ready, unreachable, unauthorized). */
  onSettle(listener: (server: ServerHandle) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every server with its state, ready or not. */
  servers(): ServerHandle[] {
    return [...this.slots];
  }

  /** The servers whose tools can be used now. */
  ready(): ServerHandle[] {
    return this.slots.filter((h) => h.status.state === 'ready');
  }

  get(name: string): ServerHandle | undefined {
    return this.slots.find((h) => h.config.name === name);
  }

  /** Terminates every session (DELETE on the server); servers still connecting report nothing more. */
  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all(this.slots.map((h) => h.close().catch(() => {})));
  }
}
