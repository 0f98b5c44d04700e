/**
 * The room a SQLite database keeps back for recording how a run ended on a full disk: made at
 * open, private, given back when asked, made again at the next open; a link planted in its place
 * is replaced, never followed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESERVE_BYTES, reserveFile } from '../../src/store/disk-reserve.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

describe('the room kept beside a SQLite database', () => {
  it('is made at open (0600, full size), given back when asked, and made again when asked or at the next open', async () => {
    const file = path.join(tempDir('gagent-reserve-'), 'gagent.db');
    const store = await Store.open(file);
    const kept = fs.statSync(reserveFile(file));
    expect([kept.size, kept.mode & 0o777]).toEqual([RESERVE_BYTES, 0o600]);
    store.freeReserve();
    expect(fs.existsSync(reserveFile(file))).toBe(false);
    store.freeReserve();
    // A process that stays (a worker) keeps it again before its next run.
    store.keepReserve();
    expect(fs.statSync(reserveFile(file)).size).toBe(RESERVE_BYTES);
    store.freeReserve();
    await store.close();

    const again = await Store.open(file);
    await again.close();
    expect(fs.statSync(reserveFile(file)).size).toBe(RESERVE_BYTES);
    // Only the reserve itself is left beside the database (no draft of it).
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.includes('reserve'))).toEqual([
      path.basename(reserveFile(file)),
    ]);
  });

  it('a link planted where the reserve goes is replaced, and what it points to is left alone', async () => {
    const dir = tempDir('gagent-reserve-');
    const file = path.join(dir, 'gagent.db');
    const target = path.join(tempDir('gagent-elsewhere-'), 'precious');
    fs.writeFileSync(target, 'keep me');
    fs.symlinkSync(target, reserveFile(file));
    const store = await Store.open(file);
    expect(fs.lstatSync(reserveFile(file)).isFile()).toBe(true);
    store.freeReserve();
    await store.close();
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
  });
});
