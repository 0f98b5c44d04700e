/**
 * Renders a structured ScreenAction as a self-contained pyautogui program for OSWorld-style
 * controllers. Every string goes through one Python literal encoder (ASCII-only output, so no
 * quote, backslash, newline or Unicode trick can leave the literal); key names are checked
 * against pyautogui's list; the program imports what it uses (Agent S relied on ambient globals).
 */

import { unhandledAction } from '../domain/screen.js';
import { normalizeKey } from './keys.js';
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

/** pyautogui.write only knows keyboard characters; anything else goes through the clipboard. */
function typeText(text: string): string[] {
  if (/^[\x20-\x7e\n\t]*$/.test(text)) return [`pyautogui.write(${pythonString(text)}, interval=0.01)`];
  return ['import pyperclip', `pyperclip.copy(${pythonString(text)})`, 'pyautogui.hotkey("ctrl", "v")'];
}

/** Opening or switching the way a person does on the Linux desktops OSWorld runs: the launcher. */
function launcher(name: string): string[] {
  return [
    'pyautogui.press("win")',
    'time.sleep(0.5)',
    ...typeText(name),
    'time.sleep(1.0)',
    'pyautogui.press("enter")',
  ];
}

function body(action: ScreenAction): string[] {
  switch (action.type) {
    case 'click':
      return holding(action.holdKeys, [
        `pyautogui.click(${int(action.at.x)}, ${int(action.at.y)}, clicks=${int(action.clicks)}, button=${pythonString(action.button)})`,
      ]);
    case 'type':
      return [
        ...(action.at ? [`pyautogui.click(${int(action.at.x)}, ${int(action.at.y)})`] : []),
        ...(action.overwrite ? ['pyautogui.hotkey("ctrl", "a")', 'pyautogui.press("backspace")'] : []),
        ...typeText(action.text),
        ...(action.enter ? ['pyautogui.press("enter")'] : []),
      ];
    case 'scroll':
      return [
        `pyautogui.moveTo(${int(action.at.x)}, ${int(action.at.y)})`,
        action.horizontal
          ? `pyautogui.hscroll(${int(action.clicks)})`
          : `pyautogui.vscroll(${int(action.clicks)})`,
      ];
    case 'drag':
      return [
        `pyautogui.moveTo(${int(action.from.x)}, ${int(action.from.y)})`,
        ...holding(action.holdKeys, [
          `pyautogui.dragTo(${int(action.to.x)}, ${int(action.to.y)}, duration=1.0, button="left")`,
        ]),
      ];
    case 'hotkey':
      return [`pyautogui.hotkey(${action.keys.map(key).join(', ')})`];
    case 'hold_and_press':
      return holding(
        action.holdKeys,
        action.pressKeys.map((k) => `pyautogui.press(${key(k)})`),
      );
    case 'open':
    case 'switch_app':
      return launcher(action.type === 'open' ? action.target : action.app);
    case 'wait':
      return [`time.sleep(${Math.max(0, Math.min(60, action.seconds))})`];
    default:
      return unhandledAction(action);
  }
}

export const PYAUTOGUI_PRELUDE = 'import pyautogui\nimport time\npyautogui.FAILSAFE = False';

export function renderPyautogui(action: ScreenAction): string {
  return [PYAUTOGUI_PRELUDE, ...body(action)].join('\n');
}

/** What an MCP step sends, so the remote timeline advances as it would for a GUI step. */
export function renderPause(seconds: number): string {
  return `import time\ntime.sleep(${seconds})`;
}
