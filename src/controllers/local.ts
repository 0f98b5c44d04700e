/**
 * The user's own desktop through @nut-tree-fork/nut-js. Its native code ends the whole process
 * (a segfault, not an exception) when there is no X display, so on Linux the display is checked
 * before the module is ever loaded. open/switch use the desktop's launcher, as a person would;
 * no shell command is ever built from model text.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Key as NutKey } from '@nut-tree-fork/nut-js';
import { unhandledAction } from '../domain/screen.js';
import { GagentError, InterruptedError } from '../errors.js';
import { clipboardWriter, writeClipboard } from './clipboard.js';
import { normalizeKey } from './keys.js';
import { ActionNotSupportedError, type Controller, type ScreenAction, type Screenshot } from './types.js';

type Nut = typeof import('@nut-tree-fork/nut-js');

const NAMED: Record<string, keyof typeof NutKey> = {
  ctrl: 'LeftControl',
  ctrlleft: 'LeftControl',
  ctrlright: 'RightControl',
  shift: 'LeftShift',
  shiftleft: 'LeftShift',
  shiftright: 'RightShift',
  alt: 'LeftAlt',
  altleft: 'LeftAlt',
  altright: 'RightAlt',
  option: 'LeftAlt',
  win: 'LeftSuper',
  winleft: 'LeftSuper',
  winright: 'RightSuper',
  command: 'LeftCmd',
  enter: 'Enter',
  return: 'Return',
  esc: 'Escape',
  tab: 'Tab',
  backspace: 'Backspace',
  delete: 'Delete',
  del: 'Delete',
  insert: 'Insert',
  up: 'Up',
  down: 'Down',
  left: 'Left',
  right: 'Right',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pgup: 'PageUp',
  pagedown: 'PageDown',
  pgdn: 'PageDown',
  space: 'Space',
  capslock: 'CapsLock',
  print: 'Print',
  printscreen: 'Print',
  fn: 'Fn',
  '-': 'Minus',
  '=': 'Equal',
  '[': 'LeftBracket',
  ']': 'RightBracket',
  '\\': 'Backslash',
  ';': 'Semicolon',
  "'": 'Quote',
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
  '`': 'Grave',
  ' ': 'Space',
};

export interface LocalOptions {
  display?: string;
  platform?: NodeJS.Platform;
  /** PATH, to find the clipboard helper. */
  searchPath: string;
  /** The clipboard helper's environment: gagent's secrets removed. */
  env: Record<string, string>;
}

export class LocalController implements Controller {
  readonly name = 'local' as const;
  readonly supportsGui = true;
  private nut: Nut | null = null;

  constructor(private readonly options: LocalOptions) {}

  private get platform(): NodeJS.Platform {
    return this.options.platform ?? process.platform;
  }

  async start(): Promise<void> {
    if (this.platform === 'linux' && !this.options.display) {
      throw new GagentError(
        'The local controller needs a graphical display, and DISPLAY is not set.',
        undefined,
        'Run gagent inside your desktop session (or set DISPLAY), or use --controller browser, osworld or none.',
      );
    }
    try {
      this.nut = await import('@nut-tree-fork/nut-js');
    } catch (err) {
      throw new GagentError(
        'The local controller could not load its desktop driver (@nut-tree-fork/nut-js).',
        undefined,
        'Reinstall gagent with optional dependencies, or use another --controller.',
        { cause: err },
      );
    }
    this.nut.mouse.config.mouseSpeed = 4000;
    this.nut.keyboard.config.autoDelayMs = 5;
  }

  private get driver(): Nut {
    if (!this.nut) throw new GagentError('The local controller was used before it started.');
    return this.nut;
  }

  private key(name: string): NutKey {
    const { Key } = this.driver;
    const canonical = normalizeKey(name);
    if (!canonical) throw new ActionNotSupportedError(`"${name}" is not a key name`);
    const named = NAMED[canonical];
    if (named) return Key[named];
    if (/^f\d{1,2}$/.test(canonical)) return Key[canonical.toUpperCase() as keyof typeof NutKey];
    if (/^[a-z]$/.test(canonical)) return Key[canonical.toUpperCase() as keyof typeof NutKey];
    if (/^[0-9]$/.test(canonical)) return Key[`Num${canonical}` as keyof typeof NutKey];
    throw new ActionNotSupportedError(`the key "${canonical}" cannot be pressed on this desktop`);
  }

  async screenshot(): Promise<Screenshot> {
    const image = await this.driver.screen.grab();
    const rgb = await image.toRGB();
    const { default: sharp } = await import('sharp');
    const png = await sharp(rgb.data, {
      raw: { width: rgb.width, height: rgb.height, channels: rgb.channels as 3 | 4 },
    })
      .png({ compressionLevel: 1 })
      .toBuffer();
    return { png, width: rgb.width, height: rgb.height };
  }

  /**
   * Presses `keys` one at a time, in order, runs `body`, then releases every key that went down,
   * one at a time, in reverse — also when something throws. (The driver's multi-key calls treat
   * their last argument as the key and the rest as modifiers, so a reversed release left keys held.)
   */
  private async holdingKeys(keys: NutKey[], body: () => Promise<void> = async () => {}): Promise<void> {
    const { keyboard } = this.driver;
    const down: NutKey[] = [];
    try {
      for (const key of keys) {
        await keyboard.pressKey(key);
        down.push(key);
      }
      await body();
    } finally {
      for (const key of down.reverse()) await keyboard.releaseKey(key).catch(() => {});
    }
  }

  private holding(names: string[], body: () => Promise<void>): Promise<void> {
    return this.holdingKeys(
      names.map((k) => this.key(k)),
      body,
    );
  }

  /** A key chord: all down in order, all up in reverse. */
  private press(...keys: NutKey[]): Promise<void> {
    return this.holdingKeys(keys);
  }

  /** The platform's paste and select-all modifier. */
  private get commandKey(): NutKey {
    const { Key } = this.driver;
    return this.platform === 'darwin' ? Key.LeftCmd : Key.LeftControl;
  }

  /**
   * Types `text` exactly, whatever the keyboard layout and whatever the characters (symbols,
   * accents, emoji): it goes through the clipboard and is pasted, as Agent S does.
   */
  private async typeExactly(text: string): Promise<void> {
    const writer = clipboardWriter(this.platform, this.options.searchPath);
    if (!writer) {
      if (/^[A-Za-z0-9 ]*$/.test(text)) return void (await this.driver.keyboard.type(text));
      throw new ActionNotSupportedError(
        'this desktop has no clipboard helper (install xsel or xclip), so only letters, digits and spaces can be typed',
      );
    }
    try {
      await writeClipboard(writer, text, this.options.env);
    } catch (err) {
      throw new ActionNotSupportedError(
        `the text could not be put on the clipboard to type it (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    await this.press(this.commandKey, this.driver.Key.V);
    // The application asks for the clipboard after the keystroke arrives.
    await delay(150);
  }

  async execute(action: ScreenAction, signal?: AbortSignal): Promise<void> {
    const { mouse, Button, Point, Key, straightTo } = this.driver;
    const button = (b: 'left' | 'middle' | 'right') =>
      b === 'left' ? Button.LEFT : b === 'right' ? Button.RIGHT : Button.MIDDLE;
    switch (action.type) {
      case 'click':
        await mouse.setPosition(new Point(action.at.x, action.at.y));
        await this.holding(action.holdKeys, async () => {
          for (let i = 0; i < action.clicks; i++) await mouse.click(button(action.button));
        });
        return;
      case 'type':
        if (action.at) {
          await mouse.setPosition(new Point(action.at.x, action.at.y));
          await mouse.click(Button.LEFT);
        }
        if (action.overwrite) {
          await this.press(this.commandKey, Key.A);
          await this.press(Key.Backspace);
        }
        if (action.text) await this.typeExactly(action.text);
        if (action.enter) await this.press(Key.Enter);
        return;
      case 'scroll':
        await mouse.setPosition(new Point(action.at.x, action.at.y));
        // pyautogui's sign, as every controller: positive scrolls up, or right when horizontal.
        if (action.horizontal) {
          // The driver's X11 backend sends the scroll-left button for "right" and the reverse.
          const swapped = this.platform === 'linux';
          const right = (n: number) => (swapped ? mouse.scrollLeft(n) : mouse.scrollRight(n));
          const left = (n: number) => (swapped ? mouse.scrollRight(n) : mouse.scrollLeft(n));
          await (action.clicks > 0 ? right(action.clicks) : left(-action.clicks));
        } else await (action.clicks > 0 ? mouse.scrollUp(action.clicks) : mouse.scrollDown(-action.clicks));
        return;
      case 'drag':
        await mouse.setPosition(new Point(action.from.x, action.from.y));
        await this.holding(action.holdKeys, async () => {
          await mouse.pressButton(Button.LEFT);
          await mouse.move(straightTo(new Point(action.to.x, action.to.y)));
          await mouse.releaseButton(Button.LEFT);
        });
        return;
      case 'hotkey':
        await this.press(...action.keys.map((k) => this.key(k)));
        return;
      case 'hold_and_press':
        await this.holding(action.holdKeys, async () => {
          for (const k of action.pressKeys) await this.press(this.key(k));
        });
        return;
      case 'open':
      case 'switch_app':
        // The launcher, as a person would: Super, type the name, Enter.
        await this.press(Key.LeftSuper);
        await delay(500);
        await this.typeExactly(action.type === 'open' ? action.target : action.app);
        await delay(800);
        await this.press(Key.Enter);
        return;
      case 'wait':
        await delay(action.seconds * 1000, undefined, { signal }).catch(() =>
          Promise.reject(new InterruptedError()),
        );
        return;
      default:
        unhandledAction(action);
    }
  }

  async afterMcpStep(): Promise<void> {}

  async close(): Promise<void> {}
}
