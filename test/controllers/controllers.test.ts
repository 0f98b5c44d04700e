import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { webAddress } from '../../src/controllers/browser.js';
import { NoScreenController } from '../../src/controllers/none.js';
import { OsworldController } from '../../src/controllers/osworld.js';
import { fitWithin, prepareForModel, toScreenPoint } from '../../src/controllers/screenshot-scaling.js';
import { ActionNotSupportedError } from '../../src/controllers/types.js';
import { startFakeOsworld } from '../fakes/osworld/server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';

const cleanups = cleanupAfterEach();

describe('screenshot scaling', () => {
  it('passes a screenshot within the budget through untouched, and shrinks a larger one', async () => {
    const small = await sharp({ create: { width: 1280, height: 800, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const same = await prepareForModel({ png: small, width: 1280, height: 800 });
    expect(same).toMatchObject({ width: 1280, height: 800, mediaType: 'image/png' });
    expect(Buffer.from(same.data, 'base64').equals(small)).toBe(true);
    const big = await sharp({ create: { width: 2560, height: 1600, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const shrunk = await prepareForModel({ png: big, width: 2560, height: 1600 });
    expect(shrunk).toMatchObject({ width: 1568, height: 980 });
    expect(await sharp(Buffer.from(shrunk.data, 'base64')).metadata()).toMatchObject({
      width: 1568,
      height: 980,
      format: 'png',
    });
  });

  it('maps a point from the model image back to the same place on the screen (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 5120 }),
        fc.integer({ min: 200, max: 2880 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (w, h, fx, fy) => {
          const image = fitWithin({ width: w, height: h }, 1568);
          const onImage = { x: Math.floor(fx * (image.width - 1)), y: Math.floor(fy * (image.height - 1)) };
          const onScreen = toScreenPoint(onImage, image, { width: w, height: h });
          // Within one image pixel of where the model pointed, and always on the screen.
          expect(Math.abs(onScreen.x - (onImage.x * w) / image.width)).toBeLessThanOrEqual(w / image.width);
          expect(Math.abs(onScreen.y - (onImage.y * h) / image.height)).toBeLessThanOrEqual(h / image.height);
          expect(onScreen.x).toBeGreaterThanOrEqual(0);
          expect(onScreen.x).toBeLessThan(w);
          expect(onScreen.y).toBeLessThan(h);
        },
      ),
    );
  });

  it('clamps points past the edge onto the screen', () => {
    expect(
      toScreenPoint({ x: 1000, y: 1000 }, { width: 1000, height: 1000 }, { width: 1920, height: 1080 }),
    ).toEqual({ x: 1919, y: 1079 });
  });
});

describe('the OSWorld controller', () => {
  it('reads screenshots and their size, and sends structured actions as pyautogui programs', async () => {
    const vm = await startFakeOsworld({ width: 1920, height: 1080 });
    cleanups.push(() => vm.close());
    const controller = new OsworldController({ url: vm.url });
    const shot = await controller.screenshot();
    expect(shot).toMatchObject({ width: 1920, height: 1080 });
    await controller.execute({ type: 'hotkey', keys: ['ctrl', 'l'] });
    expect(vm.executed()).toEqual([
      {
        command: [
          'python',
          '-c',
          'import pyautogui\nimport time\npyautogui.FAILSAFE = False\npyautogui.hotkey("ctrl", "l")',
        ],
        shell: false,
        code: expect.any(String),
      },
    ]);
  });

  it('retries a failed screenshot, and reports an action the machine could not do as feedback', async () => {
    const vm = await startFakeOsworld();
    cleanups.push(() => vm.close());
    const controller = new OsworldController({ url: vm.url });
    vm.fail('/screenshot', 500, 2);
    expect((await controller.screenshot()).width).toBe(1280);
    vm.failExecution('NameError: pyperclip');
    await expect(
      controller.execute({ type: 'type', text: 'é', overwrite: false, enter: false }),
    ).rejects.toBeInstanceOf(ActionNotSupportedError);
  });

  it('exits 4 with the URL when the controller is unreachable', async () => {
    const vm = await startFakeOsworld();
    const url = vm.url;
    await vm.close();
    await expect(new OsworldController({ url }).start()).rejects.toMatchObject({
      exitCode: 4,
      message: `Cannot reach the OSWorld controller at ${url}.`,
    });
  });
});

describe('no screen', () => {
  it('refuses GUI actions with a sentence the model can act on, and still waits', async () => {
    const none = new NoScreenController();
    expect(await none.screenshot()).toBeNull();
    await expect(
      none.execute({ type: 'click', at: { x: 1, y: 1 }, clicks: 1, button: 'left', holdKeys: [] }),
    ).rejects.toThrow(/no screen is attached/);
    await none.execute({ type: 'wait', seconds: 0.01 });
  });
});

describe('the browser controller opens web pages only', () => {
  it.each([
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    ['example.com/path', 'https://example.com/path'],
    ['about:blank', 'about:blank'],
    ['file:///etc/hostname', null],
    ['FILE:///etc/passwd', null],
    ['javascript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['chrome://settings', null],
    ['view-source:https://example.com', null],
    ['about:config', null],
    ['not a place', null],
  ])('%s → %s', (target, expected) => {
    expect(webAddress(target)).toBe(expected);
  });
});
