/**
 * The client side of a stdio MCP server: a local program gagent starts, speaking JSON-RPC on its
 * stdin/stdout. The SDK's StdioClientTransport starts the program in gagent's own process group
 * with a default environment; this one gives it only what its configuration names (plus PATH and
 * HOME), sends its stderr to a log file, and ends its whole process group with the command — or,
 * through a watchdog, with gagent itself, however gagent dies (process-group.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MessageLines, MessageTooLargeError } from './message-lines.js';
import { endProcessGroup, startWatchdog, type Watchdog, within } from './process-group.js';
import { logTail, openServerLog } from './server-log.js';
import { DEFAULT_MAX_RESULT_BYTES } from './session.js';
import {
  errno,
  exitFailure,
  notStarted,
  StdioServerError,
  spawnFailure,
  strayOutput,
  tooLarge,
} from './stdio-failure.js';

export { StdioServerError };

export interface StdioServerSpec {
  /** Server name, for messages. */
  name: string;
  /** Resolved through PATH like any program; never through a shell. */
  command: string;
  args: string[];
  /** The variables the configuration names (they win over `inherited`). */
  env: Record<string, string>;
  /** PATH and HOME from gagent's own environment (config.childEnv): the only ones the child inherits. */
  inherited: { PATH?: string; HOME?: string };
  cwd?: string;
  /** Where the child's stderr goes (appended; created 0600 in a 0700 directory). */
  logFile: string;
  /** The longest message the server may send (default 4 MB); past it the server is ended. */
  maxMessageBytes?: number;
}

export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private child?: ChildProcess;
  private watchdog?: Watchdog;
  private logStart = 0;
  private answered = false;
  private closing = false;
  private closeReported = false;
  private shutdownPromise?: Promise<void>;
  private failureError?: StdioServerError;
  private readonly lines: MessageLines;
  private readonly closed: Promise<void>;
  private markClosed: () => void = () => {};

  constructor(private readonly spec: StdioServerSpec) {
    this.lines = new MessageLines(spec.maxMessageBytes ?? DEFAULT_MAX_RESULT_BYTES);
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }

  /** The server's process id, which is also its process group's id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The watchdog's process id (for diagnostics and tests). */
  get watchdogPid(): number | undefined {
    return this.watchdog?.pid;
  }

  /** What ended the server, when it was not close(): the client only sees "Connection closed". */
  get failure(): StdioServerError | undefined {
    return this.failureError;
  }

  async start(): Promise<void> {
    if (this.child || this.closing) throw new Error('This stdio transport was already started.');
    if (process.platform === 'win32')
      throw new StdioServerError('not_started', 'stdio MCP servers are not supported on Windows');
    const { command, cwd, logFile } = this.spec;
    if (cwd !== undefined && !isDirectory(cwd))
      throw new StdioServerError('not_started', `the working directory "${cwd}" does not exist`);
    let log: ReturnType<typeof openServerLog>;
    try {
      log = openServerLog(logFile, this.spec.name, command);
    } catch (err) {
      throw notStarted(`its log file "${logFile}" cannot be written (${errno(err)})`, err);
    }
    this.logStart = log.start;
    let child: ChildProcess;
    try {
      child = spawn(command, this.spec.args, {
        // Own session and process group (pgid = its pid): ended as a whole, and out of reach of
        // the terminal's Ctrl+C, which gagent handles by closing it.
        detached: true,
        shell: false,
        stdio: ['pipe', 'pipe', log.fd],
        env: this.childEnv(),
        cwd,
      });
    } catch (err) {
      // What Node refuses before trying (a NUL byte in an argument or a variable).
      throw notStarted(`the program "${command}" could not be started (${errno(err)})`, err);
    } finally {
      fs.closeSync(log.fd); // the child has its own copy
    }
    this.child = child;
    const started = new Promise<void>((resolve, reject) => {
      // Without a pid the program never ran (not found, not executable). An error after the start
      // (a signal Node could not send) matters less than the exit that follows; unheard, it would throw.
      child.on('error', (err) => {
        if (child.pid !== undefined) return;
        this.failureError = spawnFailure(this.spec.command, err);
        reject(this.failureError);
      });
      child.once('spawn', () => resolve());
    });
    // Node knows the pid as soon as the program runs; watching starts at once, so no tick passes
    // with a server and no watchdog.
    if (child.pid !== undefined) this.watch(child);
    return started;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closing || this.failureError || !stdin.writable)
      throw this.failureError ?? new StdioServerError('exited', 'the program is not running');
    await new Promise<void>((resolve, reject) => {
      stdin.write(serializeMessage(message), (err) => {
        if (!err) return resolve();
        // A broken pipe means the program is going: its exit, not EPIPE, says why, once known.
        void this.closed.then(() =>
          reject(this.failureError ?? new StdioServerError('exited', 'the program stopped reading')),
        );
      });
    });
  }

  /** Ends the server's whole process group (SIGTERM, then SIGKILL after a grace) and its watchdog. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.child?.pid !== undefined) await this.shutdown();
    this.reportClose();
  }

  private watch(child: ChildProcess): void {
    const pid = child.pid as number;
    this.watchdog = startWatchdog(pid);
    child.stdout?.on('data', (chunk: Buffer) => this.read(chunk));
    // EPIPE and the like: the program is gone, and its exit says why.
    child.stdout?.on('error', () => {});
    child.stdin?.on('error', () => {});
    // What is left of the group when the program itself ends (an npx server's grandchildren)
    // goes with it.
    child.once('exit', () => void this.shutdown());
    child.once(
      'close',
      (code: number | null, signal: NodeJS.Signals | null) => void this.exited(code, signal),
    );
    // A finished command does not wait for the server: what it forgot to close, the watchdog ends.
    child.unref();
    unrefStream(child.stdin);
    unrefStream(child.stdout);
  }

  private read(chunk: Buffer): void {
    if (this.failureError || this.closing) return;
    let lines: string[];
    try {
      lines = this.lines.push(chunk);
    } catch (err) {
      if (!(err instanceof MessageTooLargeError)) throw err;
      this.fail(tooLarge(err));
      return;
    }
    for (const line of lines) {
      if (line.trim() === '') continue;
      let message: JSONRPCMessage;
      try {
        message = deserializeMessage(line);
      } catch (err) {
        this.fail(strayOutput(line, err));
        return;
      }
      this.answered = true;
      try {
        this.onmessage?.(message);
      } catch (err) {
        // A handler's bug is reported like the SDK's transports do, not thrown into the pipe's event.
        this.onerror?.(err instanceof Error ? err : new Error(String(err)));
      }
      if (this.failureError || this.closing) return;
    }
  }

  private fail(failure: StdioServerError): void {
    this.failureError = failure;
    this.onerror?.(this.failureError);
    void this.shutdown();
  }

  /** The program ended and its output is all read. */
  private async exited(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.closing) return; // close() reports
    if (!this.failureError) {
      const tail = logTail(this.spec.logFile, this.logStart, Object.values(this.spec.env));
      this.failureError = exitFailure({
        code,
        signal,
        answered: this.answered,
        logFile: this.spec.logFile,
        tail,
      });
      this.onerror?.(this.failureError);
    }
    await this.shutdown();
    this.reportClose();
  }

  /** Once, whoever asks first: the group ended, the watchdog stopped, the pipes closed. */
  private shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      const child = this.child as ChildProcess;
      child.stdin?.end(); // the polite way first: servers exit when their input ends
      await endProcessGroup(child.pid as number);
      await this.watchdog?.stop();
      // What the program wrote before it exited is still read, unless nobody wants it any more;
      // past a second, a process outside the group (one that left it) holds the pipes open.
      const stdout = child.stdout;
      if (stdout && !this.closing && !this.failureError && !stdout.readableEnded && !stdout.destroyed)
        await within(new Promise((resolve) => stdout.once('close', resolve)), 1_000);
      child.stdin?.destroy();
      child.stdout?.destroy();
      if (child.exitCode === null && child.signalCode === null)
        await within(new Promise((resolve) => child.once('exit', resolve)), 1_000);
    })();
    return this.shutdownPromise;
  }

  private reportClose(): void {
    if (this.closeReported) return;
    this.closeReported = true;
    this.markClosed();
    this.onclose?.();
  }

  /** Only what the configuration names, plus PATH (to find the program) and HOME; never gagent's secrets. */
  private childEnv(): Record<string, string> {
    const { PATH, HOME } = this.spec.inherited;
    return { HOME: HOME ?? os.homedir(), ...(PATH !== undefined ? { PATH } : {}), ...this.spec.env };
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function unrefStream(stream: unknown): void {
  (stream as { unref?: () => void } | null)?.unref?.();
}
