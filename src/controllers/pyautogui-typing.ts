/**
 * How an OSWorld program types text. pyautogui.write only knows keyboard characters, so anything
 * else is pasted with pyperclip — which on a Linux VM without xclip or xsel raises
 * PyperclipException. There the program types the text key by key instead, each character as its
 * X keysym on a spare keycode (what xdotool does), with python-xlib, which pyautogui itself needs
 * on Linux; and it prints NO_CLIPBOARD_MARKER, so the controller goes straight to key input from
 * then on. The helpers are fixed text: the only thing a program varies is the literal of the text.
 */
import { type RemoteSystem, shortcutModifier, usesX11 } from './osworld-system.js';

/** Printed by a program whose clipboard was unusable (stdout, one line). */
export const NO_CLIPBOARD_MARKER = 'gagent: no clipboard on this desktop';

/** The most characters one program types: a piece stays far below the server's 120 s per program. */
export const TYPING_PIECE_CHARS = 1000;

/** Seconds per character: pyautogui.write at interval 0.01 plus the key itself, and key input (two 20 ms pauses). */
export const WRITE_SECONDS_PER_CHAR = 0.03;
export const KEYS_SECONDS_PER_CHAR = 0.06;

const TYPE_KEYS = `def gagent_type_keys(text):
    from Xlib import X, XK, display
    from Xlib.ext import xtest
    d = display.Display()
    first = d.display.info.min_keycode
    table = d.get_keyboard_mapping(first, d.display.info.max_keycode - first + 1)
    spare = next((first + i for i, syms in enumerate(table) if not any(syms)), None)
    if spare is None:
        raise RuntimeError("no free keycode to type with")
    width = len(table[0])
    try:
        for ch in text:
            code = ord(ch)
            if ch == "\\n" or ch == "\\t":
                sym = XK.XK_Return if ch == "\\n" else XK.XK_Tab
            elif code < 0x20 or 0x7f <= code < 0xa0:
                continue
            else:
                sym = code if code < 0x100 else 0x01000000 | code
            d.change_keyboard_mapping(spare, [(sym,) * width])
            d.sync()
            time.sleep(0.02)
            xtest.fake_input(d, X.KeyPress, spare)
            xtest.fake_input(d, X.KeyRelease, spare)
            d.sync()
            time.sleep(0.02)
    finally:
        d.change_keyboard_mapping(spare, [(0,) * width])
        d.sync()`;

function pasteHelper(modifier: 'ctrl' | 'command', fallback: boolean): string {
  const paste = `pyautogui.hotkey("${modifier}", "v")`;
  if (!fallback)
    return [
      'def gagent_paste(text):',
      '    import pyperclip',
      '    pyperclip.copy(text)',
      `    ${paste}`,
    ].join('\n');
  return [
    'def gagent_paste(text):',
    '    try:',
    '        import pyperclip',
    '        pyperclip.copy(text)',
    '    except Exception as error:',
    `        print(${JSON.stringify(NO_CLIPBOARD_MARKER)}, type(error).__name__, flush=True)`,
    '        gagent_type_keys(text)',
    '    else:',
    `        ${paste}`,
  ].join('\n');
}

/** What a program's clipboard path needs and costs on this desktop. */
export interface TypingPlan {
  /** The helper called with each non-keyboard piece. */
  call: 'gagent_paste' | 'gagent_type_keys';
  /** Python function definitions the call needs, in order. */
  helpers: string[];
  secondsPerChar: number;
}

export function typingPlan(system: RemoteSystem, clipboardUnusable: boolean): TypingPlan {
  const modifier = shortcutModifier(system);
  if (!usesX11(system))
    return { call: 'gagent_paste', helpers: [pasteHelper(modifier, false)], secondsPerChar: 0.001 };
  if (clipboardUnusable)
    return { call: 'gagent_type_keys', helpers: [TYPE_KEYS], secondsPerChar: KEYS_SECONDS_PER_CHAR };
  return {
    call: 'gagent_paste',
    helpers: [TYPE_KEYS, pasteHelper(modifier, true)],
    // The worst case: the clipboard turns out unusable and every key is typed.
    secondsPerChar: KEYS_SECONDS_PER_CHAR,
  };
}

/** `text` in pieces of at most `size` characters (code points: a surrogate pair is never split). */
export function pieces(text: string, size = TYPING_PIECE_CHARS): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}
