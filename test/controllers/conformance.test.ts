/**
 * One action semantics for all four controllers, checked by one conformance suite: the same
 * structured actions must mean the same thing everywhere — scroll sign and axis (pyautogui's:
 * positive is up, or right when horizontal), click counts, keys held while clicking, hotkey order
 * with every key released after, and text typed exactly. The browser and the local desktop are
 * observed from a real page in real Chromium (the local one in a real X server); the OSWorld
 * controller on a VM that runs its programs (with or without a clipboard); `none` refuses them all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller, Point, ScreenAction } from '../../src/controllers/types.js';
import { type FakeVm, startFakeOsworld } from '../fakes/osworld/server.js';
import { type PageServer, startPageServer } from '../fixtures/page-server.js';
import { pathWithout, unavailable } from '../helpers/binaries.js';
import { tempDir } from '../helpers/temp.js';
import { type AppWindow, startAppWindow, startXvfb, type Xvfb } from '../helpers/xvfb.js';

/** Where things are on the probe page (CSS pixels = screen pixels at 1280×800, window at 0,0). */
const SCROLLER: Point = { x: 640, y: 200 };
const TARGET: Point = { x: 250, y: 500 };
const FIELD: Point = { x: 850, y: 490 };
const EXACT = 'a@b!#…:"<>?~ café ü 😀 l@example.com';

/** What a person would see happen, whichever controller did it. */
interface Effects {
  wheel(action: ScreenAction): Promise<string>;
  click(action: ScreenAction): Promise<string>;
  /** The field's value after the actions. */
  typed(actions: ScreenAction[]): Promise<string>;
}

const scroll = (clicks: number, horizontal: boolean): ScreenAction => ({
  type: 'scroll',
  at: SCROLLER,
  clicks,
  horizontal,
});

function conformance(name: string, setup: () => Promise<{ controller: Controller; effects: Effects }>) {
  describe(`${name} controller`, () => {
    let controller: Controller;
    let effects: Effects;
    beforeAll(async () => {
      ({ controller, effects } = await setup());
    }, 60_000);
    afterAll(async () => {
      await controller?.close();
    });

    it('scrolls up for positive clicks, down for negative, and right for positive horizontal ones', async () => {
      expect(await effects.wheel(scroll(2, false))).toBe('up');
      expect(await effects.wheel(scroll(-2, false))).toBe('down');
      expect(await effects.wheel(scroll(2, true))).toBe('right');
      expect(await effects.wheel(scroll(-2, true))).toBe('left');
    });

    it('clicks as many times as asked, holding the keys asked for', async () => {
      expect(
        await effects.click({ type: 'click', at: TARGET, clicks: 2, button: 'left', holdKeys: [] }),
      ).toBe('double');
      expect(
        await effects.click({ type: 'click', at: TARGET, clicks: 1, button: 'left', holdKeys: ['ctrl'] }),
      ).toBe('single|ctrl');
    });

    it('presses a hotkey in order and releases every key, then types text exactly', async () => {
      const value = await effects.typed([
        { type: 'type', text: '', at: FIELD, overwrite: false, enter: false },
        { type: 'hotkey', keys: ['shift', 'x'] },
        { type: 'hotkey', keys: ['y'] },
        { type: 'type', text: EXACT, overwrite: false, enter: false },
      ]);
      expect(value).toBe(`Xy${EXACT}`);
    });
  });
}

/** Effects read from the probe page's reports. */
function pageEffects(controller: Controller, pages: PageServer): Effects {
  const next = async (kind: string, action: ScreenAction) => {
    const before = pages.events.length;
    await controller.execute(action);
    return pages.waitForEvent(kind, undefined, 10_000, before);
  };
  return {
    wheel: (action) => next('wheel', action),
    click: async (action) => {
      const before = pages.events.length;
      await controller.execute(action);
      const clicks = action.type === 'click' ? action.clicks : 1;
      const last = await pages.waitForEvent('click', (v) => v.startsWith(`${clicks}|`), 10_000, before);
      const [count, mods] = last.split('|');
      return count === '2' ? 'double' : `single${mods ? `|${mods}` : ''}`;
    },
    typed: async (actions) => {
      for (const action of actions) await controller.execute(action);
      const expected = `Xy${EXACT}`;
      return pages
        .waitForEvent('input', (v) => v === expected, 10_000)
        .catch(() => {
          const inputs = pages.events.filter((e) => e.kind === 'input');
          return inputs.at(-1)?.value ?? '';
        });
    },
  };
}

const noChromium = unavailable(['chromium'], 'the browser conformance tests');
describe.skipIf(noChromium)('in real Chromium', () => {
  conformance('browser', async () => {
    const pages = await startPageServer();
    const { BrowserController } = await import('../../src/controllers/browser.js');
    const controller = new BrowserController({
      startUrl: `${pages.url}/probe`,
      headless: true,
      searchPath: process.env.PATH ?? '',
      env: { PATH: process.env.PATH ?? '' },
    });
    await controller.start();
    await pages.waitForEvent('loaded');
    const close = controller.close.bind(controller);
    controller.close = async () => {
      await close();
      await pages.close();
    };
    return { controller, effects: pageEffects(controller, pages) };
  });
});

const noX = unavailable(['Xvfb', 'chromium'], 'the local-controller conformance tests');
describe.skipIf(noX)('on a real X server', () => {
  conformance('local', async () => {
    const pages = await startPageServer();
    const xvfb: Xvfb = await startXvfb(1280, 800);
    const window: AppWindow = startAppWindow(`${pages.url}/probe`, xvfb.display, tempDir('gagent-xwin-'));
    await pages.waitForEvent('loaded', undefined, 30_000);
    // The desktop driver reads DISPLAY when it loads.
    process.env.DISPLAY = xvfb.display;
    const { LocalController } = await import('../../src/controllers/local.js');
    // As on a fresh machine: no xsel or xclip on PATH, so text goes through the bundled xsel.
    const searchPath = pathWithout(['xsel', 'xclip']);
    const controller = new LocalController({
      display: xvfb.display,
      searchPath,
      env: { PATH: searchPath, HOME: tempDir('gagent-home-'), DISPLAY: xvfb.display },
    });
    await controller.start();
    const close = controller.close.bind(controller);
    controller.close = async () => {
      await close();
      await window.close();
      await xvfb.close();
      await pages.close();
    };
    return { controller, effects: pageEffects(controller, pages) };
  });
});

/** The OSWorld controller on the fake VM, whose programs really run (see test/fakes/osworld/server.ts). */
function osworldConformance(name: string, vmOptions: FakeVm) {
  conformance(name, async () => {
    const vm = await startFakeOsworld({ width: 1280, height: 800, vm: vmOptions });
    const { OsworldController } = await import('../../src/controllers/osworld.js');
    const controller = new OsworldController({ url: vm.url });
    await controller.start();
    const close = controller.close.bind(controller);
    controller.close = async () => {
      await close();
      await vm.close();
    };
    /** The VM calls `action` made. */
    const made = async (action: ScreenAction) => {
      const before = vm.calls().length;
      await controller.execute(action);
      return vm.calls().slice(before);
    };
    // pyautogui's own semantics, read from the calls: vscroll(+n) is up, hscroll(+n) is right.
    const effects: Effects = {
      wheel: async (action) => {
        const scroll = (await made(action)).find((c) => c[0] === 'vscroll' || c[0] === 'hscroll');
        if (!scroll) return 'no scroll';
        const positive = Number(scroll[1][0]) > 0;
        return scroll[0] === 'hscroll' ? (positive ? 'right' : 'left') : positive ? 'up' : 'down';
      },
      click: async (action) => {
        const calls = await made(action);
        const click = calls.find((c) => c[0] === 'click');
        const held = (click?.[2].held as string[] | undefined) ?? [];
        const down = calls.filter((c) => c[0] === 'keyDown').length;
        const up = calls.filter((c) => c[0] === 'keyUp').length;
        if (down !== up) return 'keys left held';
        return click?.[2].clicks === 2 ? 'double' : `single${held.length ? `|${held.join('+')}` : ''}`;
      },
      // The VM's focused field, as its programs left it.
      typed: async (actions) => {
        for (const action of actions) await controller.execute(action);
        return vm.field();
      },
    };
    return { controller, effects };
  });
}

const noPython = unavailable(['python3'], 'the OSWorld conformance tests');
describe.skipIf(noPython)('on a VM running the programs', () => {
  osworldConformance('osworld', {});
  osworldConformance('osworld (a VM without xclip or xsel)', { clipboard: 'unusable' });
});

describe('none controller', () => {
  it('refuses every screen action as feedback, and only waits', async () => {
    const { NoScreenController } = await import('../../src/controllers/none.js');
    const controller = new NoScreenController();
    for (const action of [
      scroll(2, false),
      { type: 'click', at: TARGET, clicks: 2, button: 'left', holdKeys: ['ctrl'] } as ScreenAction,
      { type: 'hotkey', keys: ['shift', 'x'] } as ScreenAction,
      { type: 'type', text: EXACT, overwrite: false, enter: false } as ScreenAction,
    ]) {
      await expect(controller.execute(action)).rejects.toThrow(/no screen is attached/);
    }
    await expect(controller.execute({ type: 'wait', seconds: 0.01 })).resolves.toBeUndefined();
  });
});
