/**
 * An OSWorld-style controller over HTTP: GET /screenshot, POST /execute with pyautogui code that
 * gagent renders from structured actions (the only place pyautogui text exists). An MCP step
 * sends a short sleep so the remote timeline stays consistent.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { GagentError, InterruptedError, UnreachableError, UsageError } from '../errors.js';
import type { FetchLike } from '../http.js';
import { isJpeg, isPng, pngSize } from './image-size.js';
import { renderPause, renderPyautogui } from './pyautogui.js';
import { ActionNotSupportedError, type Controller, type ScreenAction, type Screenshot } from './types.js';

const executeResponse = z
  .object({
    status: z.string().optional(),
    returncode: z.number().optional(),
    output: z.string().optional(),
    error: z.string().optional(),
  })
  .passthrough();

export interface OsworldOptions {
  url: string;
  /** Per request (default 60 s; /execute can be slow). */
  timeoutMs?: number;
  screenshotRetries?: number;
  /** Seconds of the sleep sent for an MCP step. */
  mcpPauseSeconds?: number;
  /** The command's HTTP stack (proxy-aware); the global fetch otherwise. */
  fetch?: FetchLike;
}

export class OsworldController implements Controller {
  readonly name = 'osworld' as const;
  readonly supportsGui = true;
  private readonly base: string;

  constructor(private readonly options: OsworldOptions) {
    if (!options.url)
      throw new UsageError(
        'The osworld controller needs a URL.',
        'Pass --controller-url http://host:5000 or set GAGENT_CONTROLLER_URL.',
      );
    this.base = options.url.replace(/\/+$/, '');
  }

  private async request(path: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    try {
      return await (this.options.fetch ?? fetch)(`${this.base}${path}`, {
        ...init,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw new InterruptedError();
      throw new UnreachableError(
        `Cannot reach the OSWorld controller at ${this.base}.`,
        'Check that it is running and that --controller-url is right.',
        { cause: err },
      );
    }
  }

  async start(signal?: AbortSignal): Promise<void> {
    await this.screenshot(signal);
  }

  async screenshot(signal?: AbortSignal): Promise<Screenshot> {
    const tries = (this.options.screenshotRetries ?? 2) + 1;
    let problem = '';
    for (let i = 0; i < tries; i++) {
      if (i > 0)
        await delay(300 * i, undefined, { signal }).catch(() => Promise.reject(new InterruptedError()));
      const res = await this.request('/screenshot', { method: 'GET' }, signal);
      const bytes = Buffer.from(await res.arrayBuffer());
      if (!res.ok) {
        problem = `HTTP ${res.status}`;
        continue;
      }
      if (isPng(bytes)) return { png: bytes, ...pngSize(bytes) };
      if (isJpeg(bytes)) {
        const { default: sharp } = await import('sharp');
        const png = await sharp(bytes).png().toBuffer();
        return { png, ...pngSize(png) };
      }
      problem = 'the response is not a PNG or JPEG image';
    }
    throw new UnreachableError(`The OSWorld controller at ${this.base} gave no screenshot (${problem}).`);
  }

  private async run(code: string, signal?: AbortSignal): Promise<void> {
    const res = await this.request(
      '/execute',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ command: ['python', '-c', code], shell: false }),
      },
      signal,
    );
    const text = await res.text();
    if (res.status >= 500)
      throw new UnreachableError(`The OSWorld controller at ${this.base} failed (HTTP ${res.status}).`);
    if (!res.ok) throw new GagentError(`The OSWorld controller refused the action (HTTP ${res.status}).`);
    let json: unknown = {};
    try {
      json = JSON.parse(text || '{}');
    } catch {
      // Not JSON: the controller said 2xx and nothing more.
    }
    const parsed = executeResponse.safeParse(json);
    const body = parsed.success ? parsed.data : {};
    if ((body.returncode ?? 0) !== 0 || body.status === 'error') {
      throw new ActionNotSupportedError(
        `the controller could not perform it: ${(body.error || body.output || 'unknown error').trim().slice(0, 300)}`,
      );
    }
  }

  async execute(action: ScreenAction, signal?: AbortSignal): Promise<void> {
    await this.run(renderPyautogui(action), signal);
  }

  async afterMcpStep(signal?: AbortSignal): Promise<void> {
    await this.run(renderPause(this.options.mcpPauseSeconds ?? 0.5), signal);
  }

  async close(): Promise<void> {}
}
