/**
 * A Chromium window driven through playwright-core with the system's Chromium (nothing is ever
 * downloaded): headed when there is a display, headless otherwise, a fresh profile per run,
 * kept off the network except for the pages the task visits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { unhandledAction } from '../domain/screen.js';
import { errorMessage, GagentError, UnreachableError, UsageError } from '../errors.js';
import { findExecutable } from './find-executable.js';
import { normalizeKey } from './keys.js';
import { ActionNotSupportedError, type Controller, type ScreenAction, type Screenshot } from './types.js';

export interface BrowserOptions {
  startUrl?: string;
  headless: boolean;
  searchPath: string;
  viewport?: { width: number; height: number };
  /** Extra time for the page to settle after an action. */
  settleMs?: number;
  /** Chromium's environment: gagent's secrets removed. */
  env: Record<string, string>;
}

const PLAYWRIGHT_KEYS: Record<string, string> = {
  ctrl: 'Control',
  ctrlleft: 'Control',
  ctrlright: 'Control',
  shift: 'Shift',
  shiftleft: 'Shift',
  shiftright: 'Shift',
  alt: 'Alt',
  altleft: 'Alt',
  altright: 'Alt',
  option: 'Alt',
  win: 'Meta',
  winleft: 'Meta',
  winright: 'Meta',
  command: 'Meta',
  enter: 'Enter',
  esc: 'Escape',
  tab: 'Tab',
  backspace: 'Backspace',
  delete: 'Delete',
  del: 'Delete',
  insert: 'Insert',
  up: 'ArrowUp',
  down: 'ArrowDown',
  left: 'ArrowLeft',
  right: 'ArrowRight',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pgup: 'PageUp',
  pagedown: 'PageDown',
  pgdn: 'PageDown',
  space: ' ',
  capslock: 'CapsLock',
};

function playwrightKey(name: string): string {
  const key = normalizeKey(name);
  if (!key) throw new ActionNotSupportedError(`"${name}" is not a key name`);
  if (PLAYWRIGHT_KEYS[key]) return PLAYWRIGHT_KEYS[key];
  if (/^f\d{1,2}$/.test(key)) return key.toUpperCase();
  // Letters and digits by their key codes, so a held Shift makes "x" an "X" as on a keyboard.
  if (/^[a-z]$/.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  if (key.length === 1) return key;
  throw new ActionNotSupportedError(`the key "${key}" cannot be pressed in the browser`);
}

/** Playwright errors carry a call log; the user gets one sentence. */
function browserError(doing: string, err: unknown): GagentError {
  const first =
    (err instanceof Error ? err.message : String(err)).split('\n')[0]?.replace(/^\w+\.\w+: /, '') ??
    'unknown error';
  return new GagentError(`The browser failed while ${doing}: ${first}`, undefined, undefined, { cause: err });
}

/**
 * The page the model asked to open, when it may be opened: http(s) only (and about:blank). A
 * bare host gets https. Every other scheme (file:, chrome:, javascript:, data:…) is refused, so
 * the model can never show itself the user's files through a screenshot.
 */
export function webAddress(target: string): string | null {
  const trimmed = target.trim();
  if (trimmed === 'about:blank') return trimmed;
  if (/^[\w-]+(\.[\w-]+)+(:\d+)?(\/\S*)?$/.test(trimmed)) return `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
}

export class BrowserController implements Controller {
  readonly name = 'browser' as const;
  readonly supportsGui = true;
  private context: BrowserContext | null = null;
  private page: Page | null = null;
  private profileDir: string | null = null;

  constructor(private readonly options: BrowserOptions) {}

  async start(): Promise<void> {
    const executable = findExecutable(
      ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'],
      this.options.searchPath,
    );
    if (!executable) {
      throw new GagentError(
        'The browser controller needs Chromium, and none was found on PATH.',
        undefined,
        'Install it (Debian: apt-get install chromium) or use another --controller.',
      );
    }
    const { chromium } = await import('playwright-core');
    this.profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gagent-browser-'));
    // Last resort: a second Ctrl+C exits at once, without close().
    process.once('exit', this.removeProfile);
    const viewport = this.options.viewport ?? { width: 1280, height: 800 };
    this.context = await chromium.launchPersistentContext(this.profileDir, {
      executablePath: executable,
      env: this.options.env,
      // Playwright's own signal handlers would exit the process on Ctrl+C before the run records
      // its last step and closes; gagent handles the signals and closes the browser itself.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      headless: this.options.headless,
      viewport,
      args: [
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--disable-gpu',
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      ],
    });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    if (this.options.startUrl) await this.openStartPage(this.page, this.options.startUrl);
  }

  /** The start page: http(s) only (checked again here, whoever queued the run), and one sentence when it cannot be reached. */
  private async openStartPage(page: Page, startUrl: string): Promise<void> {
    const address = webAddress(startUrl);
    if (!address || address === 'about:blank')
      throw new UsageError(`The start page must be an http(s) URL, got "${startUrl}".`);
    try {
      await page.goto(address, { waitUntil: 'load' });
    } catch (err) {
      const reason = /net::ERR_[A-Z_]+/.exec(errorMessage(err))?.[0];
      if (!reason) throw browserError(`opening the start page ${address}`, err);
      throw new UnreachableError(
        `The start page ${address} could not be opened (${reason}).`,
        'Check the address and that the site is up, or leave --url out.',
        { cause: err },
      );
    }
  }

  private get active(): Page {
    if (!this.page) throw new GagentError('The browser controller was used before it started.');
    return this.page;
  }

  async screenshot(): Promise<Screenshot> {
    const page = this.active;
    // A click may have started a navigation a moment ago; a screenshot mid-navigation fails, so let it land and retry once.
    for (let attempt = 0; ; attempt++) {
      try {
        await page.waitForLoadState('load');
        const png = await page.screenshot({ type: 'png' });
        const size = page.viewportSize() ?? { width: 1280, height: 800 };
        return { png, width: size.width, height: size.height };
      } catch (err) {
        if (attempt >= 2) throw browserError('taking a screenshot', err);
        await page.waitForTimeout(250);
      }
    }
  }

  private async withKeys(keys: string[], body: () => Promise<void>): Promise<void> {
    const { keyboard } = this.active;
    const mapped = keys.map(playwrightKey);
    for (const k of mapped) await keyboard.down(k);
    try {
      await body();
    } finally {
      for (const k of [...mapped].reverse()) await keyboard.up(k);
    }
  }

  async execute(action: ScreenAction): Promise<void> {
    try {
      await this.perform(action);
    } catch (err) {
      if (err instanceof ActionNotSupportedError) throw err;
      throw browserError(`performing ${action.type}`, err);
    }
  }

  private async perform(action: ScreenAction): Promise<void> {
    const page = this.active;
    switch (action.type) {
      case 'click':
        await this.withKeys(action.holdKeys, () =>
          page.mouse.click(action.at.x, action.at.y, { button: action.button, clickCount: action.clicks }),
        );
        break;
      case 'type':
        if (action.at) await page.mouse.click(action.at.x, action.at.y);
        if (action.overwrite) {
          await page.keyboard.press('Control+A');
          await page.keyboard.press('Backspace');
        }
        await page.keyboard.insertText(action.text);
        if (action.enter) await page.keyboard.press('Enter');
        break;
      case 'scroll':
        await page.mouse.move(action.at.x, action.at.y);
        // pyautogui's sign, as every controller: positive scrolls up (the wheel's positive deltaY
        // scrolls down), or right when horizontal (positive deltaX).
        await page.mouse.wheel(
          action.horizontal ? action.clicks * 100 : 0,
          action.horizontal ? 0 : -action.clicks * 100,
        );
        break;
      case 'drag':
        await page.mouse.move(action.from.x, action.from.y);
        await this.withKeys(action.holdKeys, async () => {
          await page.mouse.down();
          await page.mouse.move(action.to.x, action.to.y, { steps: 12 });
          await page.mouse.up();
        });
        break;
      case 'hotkey':
        await page.keyboard.press(action.keys.map(playwrightKey).join('+'));
        break;
      case 'hold_and_press':
        await this.withKeys(action.holdKeys, async () => {
          for (const k of action.pressKeys) await page.keyboard.press(playwrightKey(k));
        });
        break;
      case 'open': {
        const url = webAddress(action.target);
        if (!url)
          throw new ActionNotSupportedError(
            `the browser opens only http and https web addresses, not "${action.target.slice(0, 200)}"`,
          );
        await page.goto(url, { waitUntil: 'load' });
        break;
      }
      case 'switch_app':
        throw new ActionNotSupportedError(
          'this run controls one browser window; there are no other applications to switch to',
        );
      case 'wait':
        await page.waitForTimeout(action.seconds * 1000);
        return;
      default:
        unhandledAction(action);
    }
    // Let an event handler start a navigation (a form submit does so asynchronously), then let it finish.
    await page.waitForTimeout(this.options.settleMs ?? 150);
    await page.waitForLoadState('load').catch(() => {});
  }

  async afterMcpStep(): Promise<void> {}

  private readonly removeProfile = (): void => {
    if (!this.profileDir) return;
    fs.rmSync(this.profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    this.profileDir = null;
  };

  async close(): Promise<void> {
    await this.context?.close().catch(() => {});
    this.context = null;
    this.page = null;
    this.removeProfile();
    process.off('exit', this.removeProfile);
  }
}
