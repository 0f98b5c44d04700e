/** What a screen controller is: screenshots in, structured actions (domain/screen.ts) out. */
import type { ControllerName } from '../config.js';
import type { ScreenAction } from '../domain/screen.js';

export type { MouseButton, Point, ScreenAction } from '../domain/screen.js';

export interface Screenshot {
  /** PNG bytes at the screen's own resolution. */
  png: Buffer;
  width: number;
  height: number;
}

export interface Controller {
  readonly name: ControllerName;
  /** False for `none`: GUI actions are refused (as feedback to the model), screenshots are absent. */
  readonly supportsGui: boolean;
  start(signal?: AbortSignal): Promise<void>;
  screenshot(signal?: AbortSignal): Promise<Screenshot | null>;
  execute(action: ScreenAction, signal?: AbortSignal): Promise<void>;
  /** Called after an MCP step so a remote timeline stays consistent (osworld sends a short sleep). */
  afterMcpStep(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /** What the model is told it works on, when the controller learns it in start() (osworld: GET /platform). */
  describe?(): string;
}

/**
 * A controller cannot do this action (no screen attached, no launcher, not a URL…). The agent
 * turns it into feedback for the model; it never ends a run.
 */
export class ActionNotSupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionNotSupportedError';
  }
}
