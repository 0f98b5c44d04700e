/** Builds the controller a run asks for, importing only that one (Playwright and nut-js stay unloaded otherwise). */
import type { Config } from '../config.js';
import type { FetchLike } from '../http.js';
import type { Controller } from './types.js';

export interface ControllerOptions {
  /** Start page for the browser controller (--url). */
  startUrl?: string;
  /** Force headless Chromium even with a display. */
  headless?: boolean;
  /** The command's HTTP stack (for the OSWorld controller). */
  fetch?: FetchLike;
}

export async function createController(config: Config, options: ControllerOptions = {}): Promise<Controller> {
  switch (config.controller) {
    case 'none': {
      const { NoScreenController } = await import('./none.js');
      return new NoScreenController();
    }
    case 'osworld': {
      const { OsworldController } = await import('./osworld.js');
      return new OsworldController({ url: config.controllerUrl ?? '', fetch: options.fetch });
    }
    case 'browser': {
      const { BrowserController } = await import('./browser.js');
      return new BrowserController({
        startUrl: options.startUrl,
        headless: options.headless ?? !(config.display || config.waylandDisplay),
        searchPath: config.searchPath,
        env: config.childEnv,
      });
    }
    case 'local': {
      const { LocalController } = await import('./local.js');
      return new LocalController({
        display: config.display,
        searchPath: config.searchPath,
        env: config.childEnv,
      });
    }
  }
}
