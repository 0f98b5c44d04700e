/**
 * The structured actions a controller executes. The agent grounds descriptions to pixels and
 * hands over one of these; no controller ever receives code from the model.
 * Coordinates are screen pixels of the controller's own screen (see Screenshot.width/height).
 * Key names follow pyautogui ('ctrl', 'shift', 'enter', 'a', 'f5', ...); each controller maps them.
 */
import type { ControllerName } from '../config.js';

export type MouseButton = 'left' | 'middle' | 'right';

export interface Point {
  x: number;
  y: number;
}

export type ScreenAction =
  | { type: 'click'; at: Point; clicks: number; button: MouseButton; holdKeys: string[] }
  | { type: 'type'; text: string; at?: Point; overwrite: boolean; enter: boolean }
  | { type: 'scroll'; at: Point; clicks: number; horizontal: boolean }
  | { type: 'drag'; from: Point; to: Point; holdKeys: string[] }
  | { type: 'hotkey'; keys: string[] }
  | { type: 'hold_and_press'; holdKeys: string[]; pressKeys: string[] }
  | { type: 'open'; target: string }
  | { type: 'switch_app'; app: string }
  | { type: 'wait'; seconds: number };

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
