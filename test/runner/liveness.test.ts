/**
 * A claimed run's heartbeat: kept from the moment it is claimed (a controller that takes minutes to
 * set up must not get its run given up for dead), and only by the attempt that owns it.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newAttempt, reapAbandonedRuns, STALE_AFTER_MS, startHeartbeat } from '../../src/runner/liveness.js';
import type { RunOwner } from '../../src/store/run-owner.js';
import { Store } from '../../src/store/store.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { tempDir } from '../helpers/temp.js';

const cleanups = cleanupAfterEach();
afterEach(() => {
  vi.useRealTimers();
});

async function storeWithClaimedRun(): Promise<{ store: Store; id: string; owner: RunOwner }> {
  const store = await Store.open(path.join(tempDir('gagent-live-'), 'gagent.db'));
  cleanups.push(() => store.close());
  const request = { task: 't', maxSteps: 3, reflection: false, mcp: false, yes: false };
  await store.queue.submit({ id: 'run_slow', userId: 'u', request, queuedAt: new Date().toISOString() });
  const owner = newAttempt();
  await store.queue.claimNext(owner, new Date().toISOString());
  return { store, id: 'run_slow', owner };
}

describe('the heartbeat of a claimed run', () => {
  it('keeps the run alive through a setup longer than the stale window', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { store, id, owner } = await storeWithClaimedRun();
    const stop = startHeartbeat(store, id, owner);
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
    const { store, id } = await storeWithClaimedRun();
    cleanups.push(startHeartbeat(store, id, newAttempt()));
    await vi.advanceTimersByTimeAsync(STALE_AFTER_MS * 2);
    expect(await reapAbandonedRuns(store)).toEqual([id]);
  });
});
