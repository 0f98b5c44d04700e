/**
 * The structured actions a screen controller executes. The agent grounds descriptions to pixels
 * and hands over one of these; no controller ever receives code from the model. Coordinates are
 * pixels of the controller's own screen. Key names follow pyautogui ('ctrl', 'shift', 'enter',
 * 'a', 'f5', …); each controller maps them. Scroll follows pyautogui's sign: positive is up, or
 * right when horizontal.
 */

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

/** For a `switch` over actions: a new kind of action that a controller forgets fails type-checking. */
export function unhandledAction(action: never): never {
  throw new Error(`unhandled screen action ${JSON.stringify(action)}`);
}

/** Where an action landed on the screen, in pixels ("(640, 400)", "(1, 2) → (3, 4)" for a drag), or null. */
export function landedAt(action: ScreenAction): string | null {
  const point = (p: Point) => `(${Math.round(p.x)}, ${Math.round(p.y)})`;
  switch (action.type) {
    case 'click':
    case 'scroll':
      return point(action.at);
    case 'type':
      return action.at ? point(action.at) : null;
    case 'drag':
      return `${point(action.from)} → ${point(action.to)}`;
    default:
      return null;
  }
}
