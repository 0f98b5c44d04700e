/**
 * An OSWorld-style controller over HTTP (the Flask server in OSWorld's VMs): GET /platform once,
 * GET /screenshot, POST /execute with pyautogui programs that gagent renders from structured
 * actions (the only place pyautogui text exists). Each request's deadline follows how long its
 * program is expected to run; an MCP step sends a short sleep so the remote timeline stays consistent.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { httpStatusError, InterruptedError, UnreachableError, UsageError } from '../errors.js';
import type { FetchLike } from '../http.js';
import { isJpeg, isPng, pngSize } from './image-size.js';
import { executeVerdict, readLimited, serverReason } from './osworld-answer.js';
import {
  PLATFORM_ANSWER_MAX_BYTES,
  parseSystem,
  type RemoteSystem,
  systemDescription,
} from './osworld-system.js';
import { type Desktop, type Program, renderPause, renderPrograms } from './pyautogui.js';
import { NO_CLIPBOARD_MARKER } from './pyautogui-typing.js';
import { ActionNotSupportedError, type Controller, type ScreenAction, type Screenshot } from './types.js';

/** OSWorld's own client waits this long for a command; no request of ours is given less. */
export const MIN_DEADLINE_MS = 90_000;
/** On top of a program's expected run time: Python and pyautogui starting, the network, a busy VM. */
const DEADLINE_MARGIN_SECONDS = 30;
const SCREENSHOT_MAX_BYTES = 64 * 1024 * 1024;
const EXECUTE_MAX_BYTES = 8 * 1024 * 1024;

/** How long a request whose program should run `expectedSeconds` may take before it is abandoned. */
export function deadlineMs(expectedSeconds: number, floorMs = MIN_DEADLINE_MS): number {
  return Math.max(floorMs, Math.ceil((expectedSeconds + DEADLINE_MARGIN_SECONDS) * 1000));
}

export interface OsworldOptions {
  url: string;
  /** The least time any request is given (default MIN_DEADLINE_MS); longer programs get more. */
  timeoutMs?: number;
  screenshotRetries?: number;
  /** Seconds of the sleep sent for an MCP step. */
  mcpPauseSeconds?: number;
  /** The command's HTTP stack (proxy-aware); the global fetch otherwise. */
  fetch?: FetchLike;
}

interface Answer {
  status: number;
  /** null: larger than the request's limit. */
  body: Buffer | null;
}

export class OsworldController implements Controller {
  readonly name = 'osworld' as const;
  readonly supportsGui = true;
  private readonly base: string;
  private readonly floorMs: number;
  /** What start() learnt from /platform; OSWorld's usual Ubuntu until then. */
  private system: RemoteSystem = 'Linux';
  /** Learnt from the first program that found pyperclip unusable; remembered for the run. */
  private clipboardUnusable = false;

  constructor(private readonly options: OsworldOptions) {
    if (!options.url)
      throw new UsageError(
        'The osworld controller needs a URL.',
        'Pass --controller-url http://host:5000 or set GAGENT_CONTROLLER_URL.',
      );
    this.base = options.url.replace(/\/+$/, '');
    this.floorMs = options.timeoutMs ?? MIN_DEADLINE_MS;
  }

  private get desktop(): Desktop {
    return { system: this.system, clipboardUnusable: this.clipboardUnusable };
  }

  private async request(
    path: string,
    init: RequestInit,
    limits: { deadlineMs: number; maxBytes: number },
    signal?: AbortSignal,
  ): Promise<Answer> {
    const timeout = AbortSignal.timeout(limits.deadlineMs);
    try {
      const res = await (this.options.fetch ?? fetch)(`${this.base}${path}`, {
        ...init,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      return { status: res.status, body: await readLimited(res, limits.maxBytes) };
    } catch (err) {
      if (signal?.aborted) throw new InterruptedError();
      if (timeout.aborted)
        throw new UnreachableError(
          `The OSWorld controller at ${this.base} did not answer ${path} within ${Math.round(limits.deadlineMs / 1000)} s.`,
          'Check that the VM is running and responsive.',
          { cause: err },
        );
      throw new UnreachableError(
        `Cannot reach the OSWorld controller at ${this.base}.`,
        'Check that it is running and that --controller-url is right.',
        { cause: err },
      );
    }
  }

  async start(signal?: AbortSignal): Promise<void> {
    this.system = await this.readSystem(signal);
    await this.screenshot(signal);
  }

  /** The remote system, for the model's prompt. */
  describe(): string {
    return systemDescription(this.system);
  }

  private async readSystem(signal?: AbortSignal): Promise<RemoteSystem> {
    const { status, body } = await this.request(
      '/platform',
      { method: 'GET' },
      { deadlineMs: this.floorMs, maxBytes: PLATFORM_ANSWER_MAX_BYTES },
      signal,
    );
    // A server from before /platform existed: OSWorld's VMs were Ubuntu.
    if (status === 404) return 'Linux';
    if (status < 200 || status >= 300) return 'unknown';
    return parseSystem(body?.toString('utf8') ?? null);
  }

  async screenshot(signal?: AbortSignal): Promise<Screenshot> {
    const tries = (this.options.screenshotRetries ?? 2) + 1;
    let problem = '';
    for (let i = 0; i < tries; i++) {
      if (i > 0)
        await delay(300 * i, undefined, { signal }).catch(() => Promise.reject(new InterruptedError()));
      const { status, body } = await this.request(
        '/screenshot',
        { method: 'GET' },
        { deadlineMs: this.floorMs, maxBytes: SCREENSHOT_MAX_BYTES },
        signal,
      );
      if (status < 200 || status >= 300) {
        problem = `HTTP ${status}: ${serverReason(body?.toString('utf8') ?? null, 200)}`;
        continue;
      }
      if (body && isPng(body)) return { png: body, ...pngSize(body) };
      if (body && isJpeg(body)) {
        const { default: sharp } = await import('sharp');
        const png = await sharp(body).png().toBuffer();
        return { png, ...pngSize(png) };
      }
      problem = body ? 'the response is not a PNG or JPEG image' : 'the image is larger than 64 MB';
    }
    throw new UnreachableError(`The OSWorld controller at ${this.base} gave no screenshot (${problem}).`);
  }

  /** Runs one program; a failure of the program (or of the server running it) is the action's, as feedback. */
  private async run(program: Program, signal?: AbortSignal): Promise<void> {
    const { status, body } = await this.request(
      '/execute',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ command: ['python', '-c', program.code], shell: false }),
      },
      { deadlineMs: deadlineMs(program.seconds, this.floorMs), maxBytes: EXECUTE_MAX_BYTES },
      signal,
    );
    const verdict = executeVerdict(status, body?.toString('utf8') ?? null, 'larger than 8 MB');
    if (verdict.kind === 'http')
      throw httpStatusError(
        status,
        `The OSWorld controller at ${this.base} answered HTTP ${status}: ${verdict.detail}`,
        status >= 500 ? 'Check that the VM and its server are running.' : undefined,
      );
    if (verdict.output.split('\n').some((line) => line.startsWith(NO_CLIPBOARD_MARKER)))
      this.clipboardUnusable = true;
    if (verdict.kind === 'failed')
      throw new ActionNotSupportedError(`the controller could not perform it: ${verdict.detail}`);
  }

  async execute(action: ScreenAction, signal?: AbortSignal): Promise<void> {
    // Rendered one program at a time: what an earlier one learnt (no clipboard) shapes the next.
    const count = renderPrograms(action, this.desktop).length;
    for (let i = 0; i < count; i++) {
      const program = renderPrograms(action, this.desktop)[i] as Program;
      try {
        await this.run(program, signal);
      } catch (err) {
        if (i > 0 && err instanceof ActionNotSupportedError)
          throw new ActionNotSupportedError(`${err.message} (after ${i} of its ${count} parts had run)`);
        throw err;
      }
    }
  }

  async afterMcpStep(signal?: AbortSignal): Promise<void> {
    await this.run(renderPause(this.options.mcpPauseSeconds ?? 0.5), signal);
  }

  async close(): Promise<void> {}
}
