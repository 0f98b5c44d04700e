/**
 * A claimed run's heartbeat: kept from the moment it is claimed (a controller that takes minutes to
 * set up must not get its run given up for dead), and only by the attempt that owns it.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reapAbandonedRuns, STALE_AFTER_MS, startHeartbeat, thisProcess } from '../../src/runner/liveness.js';
import { Store } from '../../src/store/store.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { tempDir } from '../helpers/temp.js';

const cleanups = cleanupAfterEach();
afterEach(() => {
  vi.useRealTimers();
});

async function storeWithClaimedRun(): Promise<{ store: Store; id: string; retried: number }> {
  const store = await Store.open(path.join(tempDir('gagent-live-'), 'gagent.db'));
  cleanups.push(() => store.close());
  const request = { task: 't', maxSteps: 3, reflection: false, mcp: false, yes: false };
  await store.runs.submit({ id: 'run_slow', userId: 'u', request, queuedAt: new Date().toISOString() });
  const claimed = await store.runs.claimNext(thisProcess(), new Date().toISOString());
  return { store, id: 'run_slow', retried: claimed?.retried ?? -1 };
}

describe('the heartbeat of a claimed run', () => {
  it('keeps the run alive through a setup longer than the stale window', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { store, id, retried } = await storeWithClaimedRun();
    const stop = startHeartbeat(store, id, { ...thisProcess(), attempt: retried });
    cleanups.push(stop);
    await vi.advanceTimersByTimeAsync(STALE_AFTER_MS * 2);
    expect(await reapAbandonedRuns(store)).toEqual([]);
    expect((await store.runs.get('u', id))?.status).toBe('running');
    stop();
    await vi.advanceTimersByTimeAsync(STALE_AFTER_MS * 2);
    // Without it, the run is given up for dead.
    expect(await reapAbandonedRuns(store)).toEqual([id]);
  });

  it('is not kept by an attempt that no longer owns the run', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { store, id, retried } = await storeWithClaimedRun();
    cleanups.push(startHeartbeat(store, id, { ...thisProcess(), attempt: retried + 1 }));
    await vi.advanceTimersByTimeAsync(STALE_AFTER_MS * 2);
    expect(await reapAbandonedRuns(store)).toEqual([id]);
  });
});
