/** No screen: MCP-only runs. GUI actions are refused with a sentence the model can act on; wait still waits. */
import { setTimeout as delay } from 'node:timers/promises';
import { InterruptedError } from '../errors.js';
import { ActionNotSupportedError, type Controller, type ScreenAction, type Screenshot } from './types.js';

export class NoScreenController implements Controller {
  readonly name = 'none' as const;
  readonly supportsGui = false;

  async start(): Promise<void> {}

  async screenshot(): Promise<Screenshot | null> {
    return null;
  }

  async execute(action: ScreenAction, signal?: AbortSignal): Promise<void> {
    if (action.type === 'wait') {
      await delay(action.seconds * 1000, undefined, { signal }).catch(() => {
        throw new InterruptedError();
      });
      return;
    }
    throw new ActionNotSupportedError(
      'no screen is attached to this run; use the connected-account actions, or agent.fail() if they cannot do it',
    );
  }

  async afterMcpStep(): Promise<void> {}

  async close(): Promise<void> {}
}
