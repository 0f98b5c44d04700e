/** workers: the gagent worker processes on this database, as each last said it was alive. */
import { desc, eq, lt } from 'drizzle-orm';
import type { Database } from './database.js';
import type { Tables } from './tables.js';

export interface WorkerPresence {
  id: string;
  host: string;
  pid: number;
  startedAt: string;
}

export class WorkerRepository {
  private readonly workers: Tables['workers'];

  constructor(private readonly database: Database) {
    this.workers = database.tables.workers;
  }

  /** The worker is alive now (written when it starts and every few seconds after). */
  async seen(worker: WorkerPresence, at: string): Promise<void> {
    const t = this.workers;
    await this.database.query((db) =>
      db
        .insert(t)
        .values({ ...worker, seenAt: at })
        .onConflictDoUpdate({ target: t.id, set: { seenAt: at } }),
    );
  }

  /** The worker stopped; workers not seen for a day are forgotten too. */
  async gone(id: string, now = Date.now()): Promise<void> {
    const t = this.workers;
    await this.database.query((db) => db.delete(t).where(eq(t.id, id)));
    const dayAgo = new Date(now - 86_400_000).toISOString();
    await this.database.query((db) => db.delete(t).where(lt(t.seenAt, dayAgo)));
  }

  /** When any worker was last seen, or null when none ever was (or all stopped). */
  async lastSeen(): Promise<string | null> {
    const t = this.workers;
    const rows = await this.database.query((db) =>
      db.select({ at: t.seenAt }).from(t).orderBy(desc(t.seenAt)).limit(1),
    );
    return rows[0]?.at ?? null;
  }
}
