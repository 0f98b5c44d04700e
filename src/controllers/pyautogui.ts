/**
 * Renders a structured ScreenAction as a self-contained pyautogui program for OSWorld-style
 * controllers. Every string goes through one Python literal encoder (ASCII-only output, so no
 * quote, backslash, newline or Unicode trick can leave the literal); key names are checked
 * against pyautogui's list; the program imports what it uses (Agent S relied on ambient globals).
 * Each program comes with the seconds it is expected to run, from which its request's deadline is set.
 */

import { unhandledAction } from '../domain/screen.js';
import { normalizeKey } from './keys.js';
import { type RemoteSystem, shortcutModifier } from './osworld-system.js';
import { pieces, typingPlan, WRITE_SECONDS_PER_CHAR } from './pyautogui-typing.js';
import type { ScreenAction } from './types.js';

/** A Python string literal for any text: double-quoted, escapes for everything outside printable ASCII. */
export function pythonString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

function key(name: string): string {
  const normalized = normalizeKey(name);
  if (!normalized) throw new Error(`not a pyautogui key: ${JSON.stringify(name)}`);
  return pythonString(normalized);
}

const int = (n: number) => String(Math.round(n));

function holding(keys: string[], body: string[]): string[] {
  return [
    ...keys.map((k) => `pyautogui.keyDown(${key(k)})`),
    ...body,
    ...[...keys].reverse().map((k) => `pyautogui.keyUp(${key(k)})`),
  ];
}

/** What the program is sent to: the remote system, and what the run learnt about its clipboard. */
export interface Desktop {
  system: RemoteSystem;
  clipboardUnusable: boolean;
}

export const LINUX_DESKTOP: Desktop = { system: 'Linux', clipboardUnusable: false };

/** One program for POST /execute, and how long it is expected to run. */
export interface Program {
  code: string;
  seconds: number;
}

/** Lines of one program, or the point where the action continues in the next program. */
type Part = { lines: string[]; seconds: number; helpers?: string[] } | 'next';

const KEYBOARD_TEXT = /^[\x20-\x7e\n\t]*$/;

/** Long text goes in pieces, one program each: every program stays far below the server's 120 s. */
function typeText(text: string, desktop: Desktop): Part[] {
  const keyboard = KEYBOARD_TEXT.test(text);
  const plan = keyboard ? null : typingPlan(desktop.system, desktop.clipboardUnusable);
  return pieces(text).flatMap((piece, i): Part[] => {
    const count = Array.from(piece).length;
    const part: Part = plan
      ? {
          lines: [`${plan.call}(${pythonString(piece)})`],
          seconds: 0.5 + count * plan.secondsPerChar,
          helpers: plan.helpers,
        }
      : {
          lines: [`pyautogui.write(${pythonString(piece)}, interval=0.01)`],
          seconds: count * WRITE_SECONDS_PER_CHAR,
        };
    return i === 0 ? [part] : ['next', part];
  });
}

const step = (lines: string[], seconds = 0): Part => ({ lines, seconds });

/** Opening or switching the way a person does: the launcher (Activities, Start, Spotlight). */
function launcher(name: string, desktop: Desktop): Part[] {
  const open =
    desktop.system === 'Darwin' ? 'pyautogui.hotkey("command", "space")' : 'pyautogui.press("win")';
  return [
    step([open, 'time.sleep(0.5)'], 0.5),
    ...typeText(name, desktop),
    step(['time.sleep(1.0)', 'pyautogui.press("enter")'], 1),
  ];
}

function body(action: ScreenAction, desktop: Desktop): Part[] {
  const modifier = pythonString(shortcutModifier(desktop.system));
  switch (action.type) {
    case 'click':
      return [
        step(
          holding(action.holdKeys, [
            `pyautogui.click(${int(action.at.x)}, ${int(action.at.y)}, clicks=${int(action.clicks)}, button=${pythonString(action.button)})`,
          ]),
        ),
      ];
    case 'type':
      return [
        step([
          ...(action.at ? [`pyautogui.click(${int(action.at.x)}, ${int(action.at.y)})`] : []),
          ...(action.overwrite ? [`pyautogui.hotkey(${modifier}, "a")`, 'pyautogui.press("backspace")'] : []),
        ]),
        ...typeText(action.text, desktop),
        step(action.enter ? ['pyautogui.press("enter")'] : []),
      ];
    case 'scroll':
      return [
        step([
          `pyautogui.moveTo(${int(action.at.x)}, ${int(action.at.y)})`,
          action.horizontal
            ? `pyautogui.hscroll(${int(action.clicks)})`
            : `pyautogui.vscroll(${int(action.clicks)})`,
        ]),
      ];
    case 'drag':
      return [
        step(
          [
            `pyautogui.moveTo(${int(action.from.x)}, ${int(action.from.y)})`,
            ...holding(action.holdKeys, [
              `pyautogui.dragTo(${int(action.to.x)}, ${int(action.to.y)}, duration=1.0, button="left")`,
            ]),
          ],
          1,
        ),
      ];
    case 'hotkey':
      return [step([`pyautogui.hotkey(${action.keys.map(key).join(', ')})`])];
    case 'hold_and_press':
      return [
        step(
          holding(
            action.holdKeys,
            action.pressKeys.map((k) => `pyautogui.press(${key(k)})`),
          ),
        ),
      ];
    case 'open':
    case 'switch_app':
      return launcher(action.type === 'open' ? action.target : action.app, desktop);
    case 'wait': {
      const seconds = Math.max(0, Math.min(60, action.seconds));
      return [step([`time.sleep(${seconds})`], seconds)];
    }
    default:
      return unhandledAction(action);
  }
}

export const PYAUTOGUI_PRELUDE = 'import pyautogui\nimport time\npyautogui.FAILSAFE = False';

/** The programs that do `action` on `desktop`, in order (one, unless long text is typed). */
export function renderPrograms(action: ScreenAction, desktop: Desktop = LINUX_DESKTOP): Program[] {
  const groups: Exclude<Part, 'next'>[][] = [[]];
  for (const part of body(action, desktop)) {
    if (part === 'next') groups.push([]);
    else groups.at(-1)?.push(part);
  }
  return groups.map((parts) => {
    const helpers = [...new Set(parts.flatMap((p) => p.helpers ?? []))];
    return {
      code: [PYAUTOGUI_PRELUDE, ...helpers, ...parts.flatMap((p) => p.lines)].join('\n'),
      seconds: parts.reduce((sum, p) => sum + p.seconds, 0),
    };
  });
}

/** What an MCP step sends, so the remote timeline advances as it would for a GUI step. */
export function renderPause(seconds: number): Program {
  return { code: `import time\ntime.sleep(${seconds})`, seconds };
}
