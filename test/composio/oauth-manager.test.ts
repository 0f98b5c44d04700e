import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { providerInfo } from '../../src/composio/catalogue.js';
import { OAuthManager } from '../../src/composio/oauth-manager.js';
import { loadConfig } from '../../src/config.js';
import { startFakeComposio } from '../fakes/composio/server.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { tempStore } from '../helpers/store.js';

const cleanups = cleanupAfterEach();

describe('waiting for an authorization', () => {
  it('polls as long as it takes without piling up abort listeners (no MaxListenersExceededWarning)', async () => {
    const fake = await startFakeComposio({ apiKey: 'ak_wait_1234' });
    const { store, cleanup } = await tempStore();
    cleanups.push(() => fake.close(), cleanup);
    const config = loadConfig(
      {},
      { GAGENT_HOME: '/nonexistent', COMPOSIO_API_KEY: 'ak_wait_1234', COMPOSIO_BASE_URL: fake.baseUrl },
    );
    const manager = new OAuthManager(config, store, { pollIntervalMs: 1 });
    const account = fake.state.createAccount('singleton', 'ac_gmail01', null);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    let polls = 0;
    const counting = setInterval(() => {
      polls = fake.apiRequests().filter((r) => r.path.endsWith(account.id)).length;
      if (polls >= 30) fake.state.setAccountStatus(account.id, 'ACTIVE');
    }, 5);
    cleanups.push(() => clearInterval(counting));
    // One long-lived signal for the whole wait, as connect passes it.
    const signal = AbortSignal.any([new AbortController().signal]);
    const active = await manager.waitUntilActive(providerInfo('gmail'), account.id, {
      timeoutMs: 20_000,
      signal,
    });
    expect(active.status).toBe('ACTIVE');
    expect(polls).toBeGreaterThanOrEqual(30);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    // Nothing is left listening on the caller's signal after the wait.
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
