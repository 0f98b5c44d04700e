/** A real Store in a temp directory (or on the suite's PostgreSQL), and a shortcut to record a finished connect for a user. */
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../../src/store/store.js';
import { tempDir } from './temp.js';

export async function tempStore(): Promise<{ store: Store; dir: string; cleanup(): Promise<void> }> {
  const dir = tempDir('gagent-store-');
  const store = await Store.open(path.join(dir, 'gagent.db'));
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function recordConnection(
  store: Store,
  userId: string,
  provider: string,
  url: string,
  accountId = `ca_${userId}_${provider}`,
): Promise<void> {
  await store.accounts.finalizeConnection({
    userId,
    provider,
    toolkitSlug: provider,
    authConfig: { id: `ac_${provider}`, authScheme: 'OAUTH2', status: 'ENABLED' },
    connectedAccountId: accountId,
    mcp: { url, headers: { 'X-Connected-Account-Id': accountId } },
    syncedAt: new Date().toISOString(),
  });
}
