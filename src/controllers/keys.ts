/**
 * Key names as pyautogui spells them: the ACI validates the model's keys against this list,
 * each controller maps them to its own backend, and the pyautogui renderer emits them as is.
 */

const NAMED = [
  'accept',
  'add',
  'alt',
  'altleft',
  'altright',
  'apps',
  'backspace',
  'browserback',
  'browserfavorites',
  'browserforward',
  'browserhome',
  'browserrefresh',
  'browsersearch',
  'browserstop',
  'capslock',
  'clear',
  'convert',
  'ctrl',
  'ctrlleft',
  'ctrlright',
  'decimal',
  'del',
  'delete',
  'divide',
  'down',
  'end',
  'enter',
  'esc',
  'escape',
  'execute',
  'final',
  'fn',
  'hanguel',
  'hangul',
  'hanja',
  'help',
  'home',
  'insert',
  'junja',
  'kana',
  'kanji',
  'launchapp1',
  'launchapp2',
  'launchmail',
  'launchmediaselect',
  'left',
  'modechange',
  'multiply',
  'nexttrack',
  'nonconvert',
  'numlock',
  'pagedown',
  'pageup',
  'pause',
  'pgdn',
  'pgup',
  'playpause',
  'prevtrack',
  'print',
  'printscreen',
  'prntscrn',
  'prtsc',
  'prtscr',
  'return',
  'right',
  'scrolllock',
  'select',
  'separator',
  'shift',
  'shiftleft',
  'shiftright',
  'sleep',
  'space',
  'stop',
  'subtract',
  'tab',
  'up',
  'volumedown',
  'volumemute',
  'volumeup',
  'win',
  'winleft',
  'winright',
  'yen',
  'command',
  'option',
  'optionleft',
  'optionright',
];

const SINGLE = '\t\n\r !"#$%&\'()*+,-./0123456789:;<=>?@[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

/** Names models commonly use for the same keys. */
const ALIASES: Record<string, string> = {
  control: 'ctrl',
  cmd: 'command',
  meta: 'win',
  super: 'win',
  windows: 'win',
  opt: 'option',
  escape: 'esc',
  return: 'enter',
  arrowup: 'up',
  arrowdown: 'down',
  arrowleft: 'left',
  arrowright: 'right',
  pageup: 'pageup',
  pagedown: 'pagedown',
  spacebar: 'space',
  ' ': 'space',
};

export const PYAUTOGUI_KEYS: ReadonlySet<string> = new Set([
  ...NAMED,
  ...SINGLE,
  ...Array.from({ length: 24 }, (_, i) => `f${i + 1}`),
  ...Array.from({ length: 10 }, (_, i) => `num${i}`),
]);

/** The canonical pyautogui name for a key, or null if it is not a key. */
export function normalizeKey(name: string): string | null {
  if (name.length === 1) {
    const lower = name.toLowerCase();
    return PYAUTOGUI_KEYS.has(lower) ? (ALIASES[lower] ?? lower) : null;
  }
  const lower = name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
  const canonical = ALIASES[lower] ?? lower;
  return PYAUTOGUI_KEYS.has(canonical) ? canonical : null;
}

export const MODIFIER_KEYS: ReadonlySet<string> = new Set([
  'ctrl',
  'ctrlleft',
  'ctrlright',
  'shift',
  'shiftleft',
  'shiftright',
  'alt',
  'altleft',
  'altright',
  'win',
  'winleft',
  'winright',
  'command',
  'option',
  'optionleft',
  'optionright',
  'fn',
]);
