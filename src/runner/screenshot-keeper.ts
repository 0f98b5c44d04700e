/**
 * Keeps the screenshot each GUI step's model saw, so the history can show what the agent saw.
 * Compression starts as soon as the screenshot is taken and runs on sharp's own thread, while the
 * model thinks; the step never waits for it. A picture that cannot be written (a full disk, most
 * likely) is lost with one warning, never the step: the step rows are written apart from it.
 */
import { compressForHistory } from '../controllers/screenshot-scaling.js';
import type { Screenshot } from '../controllers/types.js';
import { diskFullCode } from '../store/db-errors.js';
import type { Store } from '../store/store.js';

/** Screenshots waiting to be compressed; beyond this (a host far slower than its steps) one is skipped. */
const MAX_WAITING = 3;

export interface ScreenshotKeeperOptions {
  store: Store;
  runId: string;
  /** Said once, when pictures stop being kept or one is skipped. */
  warn(message: string): void;
  /** Resolves once the run's history so far is written: a picture is saved after its run's row. */
  historyWritten(): Promise<void>;
  /** Why the run's history is no longer kept (null while it is): a picture then belongs to no step of it. */
  historyLost?(): string | null;
}

export class ScreenshotKeeper {
  private readonly waiting: { step: number; shot: Screenshot }[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;
  private warnedSkip = false;

  constructor(private readonly options: ScreenshotKeeperOptions) {}

  /** Queues the step's screenshot to be kept; returns at once. */
  keep(step: number, shot: Screenshot): void {
    if (this.stopped) return;
    if (this.waiting.length >= MAX_WAITING) {
      if (!this.warnedSkip)
        this.options.warn(
          `The screenshot of step ${step + 1} was not kept: compressing pictures fell behind the steps.`,
        );
      this.warnedSkip = true;
      return;
    }
    this.waiting.push({ step, shot });
    this.draining ??= this.drain();
  }

  /** Resolves once every picture queued so far is written (or given up). */
  async flush(): Promise<void> {
    await this.draining;
  }

  /** One picture at a time, in step order: a compression's working memory is held once, not per step. */
  private async drain(): Promise<void> {
    for (let next = this.waiting.shift(); next && !this.stopped; next = this.waiting.shift()) {
      try {
        const image = await compressForHistory(next.shot);
        await this.options.historyWritten();
        // (The history said why, once.)
        if (this.options.historyLost?.()) {
          this.stopped = true;
          break;
        }
        await this.options.store.artifacts.saveScreenshot({
          runId: this.options.runId,
          idx: next.step,
          mediaType: image.mediaType,
          width: image.width,
          height: image.height,
          screenWidth: next.shot.width,
          screenHeight: next.shot.height,
          data: image.data,
        });
      } catch (err) {
        this.stop(err);
      }
    }
    this.waiting.length = 0;
    this.draining = null;
  }

  private stop(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    const why = diskFullCode(err)
      ? 'the disk is full'
      : `a screenshot could not be saved (${err instanceof Error ? err.message : String(err)})`;
    this.options.warn(
      `Screenshots of this run are no longer kept: ${why}. Its steps still are; free some space, or set GAGENT_KEEP_SCREENSHOTS=none.`,
    );
  }
}
