/** A real Store in a temp directory, and a shortcut to record a finished connect for a user. */
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../../src/store/store.js';
import { tempDir } from './temp.js';

export function tempStore(): { store: Store; dir: string; cleanup(): void } {
  const dir = tempDir('gagent-store-');
  const store = Store.open(path.join(dir, 'gagent.db'));
  return {
    store,
    dir,
    cleanup: () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function recordConnection(
  store: Store,
  userId: string,
  provider: string,
  url: string,
  accountId = `ca_${userId}_${provider}`,
): void {
  store.accounts.finalizeConnection({
    userId,
    provider,
    toolkitSlug: provider,
    authConfig: { id: `ac_${provider}`, authScheme: 'OAUTH2', status: 'ENABLED' },
    connectedAccountId: accountId,
    mcp: { url, headers: { 'X-Connected-Account-Id': accountId } },
    syncedAt: new Date().toISOString(),
  });
}
