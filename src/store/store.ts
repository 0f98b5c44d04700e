/** One open database and its repositories; created per command, closed when it ends. */
import { AccountRepository } from './accounts.js';
import { ApprovalRepository } from './approvals.js';
import { ArtifactRepository } from './artifacts.js';
import { schemaVersion } from './migrate.js';
import { type OpenedDatabase, openDatabase } from './open.js';
import { PendingRepository } from './pending.js';
import { RunRepository } from './runs.js';
import { SyncRepository } from './sync.js';

const TABLES = [
  'users',
  'auth_configs',
  'connected_accounts',
  'mcp_connections',
  'sync_state',
  'oauth_pending',
  'runs',
  'run_steps',
  'tool_approvals',
  'step_artifacts',
] as const;

export class Store {
  readonly accounts: AccountRepository;
  readonly sync: SyncRepository;
  readonly pending: PendingRepository;
  readonly runs: RunRepository;
  readonly approvals: ApprovalRepository;
  readonly artifacts: ArtifactRepository;

  private constructor(private readonly opened: OpenedDatabase) {
    this.accounts = new AccountRepository(opened.db);
    this.sync = new SyncRepository(opened.db);
    this.pending = new PendingRepository(opened.db);
    this.runs = new RunRepository(opened.db);
    this.approvals = new ApprovalRepository(opened.db);
    this.artifacts = new ArtifactRepository(opened.db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  get path(): string {
    return this.opened.path;
  }

  /** One-line notices from opening (a loose directory that was tightened). */
  get notices(): readonly string[] {
    return this.opened.notices;
  }

  schemaVersion(): number {
    return schemaVersion(this.opened.sqlite);
  }

  rowCounts(): Record<(typeof TABLES)[number], number> {
    const counts = {} as Record<(typeof TABLES)[number], number>;
    for (const table of TABLES) {
      const row = this.opened.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
      counts[table] = row.n;
    }
    return counts;
  }

  /** Runs `work` as one transaction: all of its writes land, or none do (and many writes cost one commit). */
  transaction<T>(work: () => T): T {
    return this.opened.sqlite.transaction(work)();
  }

  close(): void {
    if (this.opened.sqlite.open) this.opened.sqlite.close();
  }
}
