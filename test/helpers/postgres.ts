/**
 * A real PostgreSQL server for the suite: Debian's binaries (initdb, pg_ctl), a fresh cluster in a
 * temporary directory, owned by an unprivileged user when the suite runs as root (PostgreSQL
 * refuses to run as root), listening on a free loopback port with password authentication.
 * Started once by the global setup; each test takes a database of its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PG_USER = 'gagent';
/** The throw-away cluster's superuser password; marked SECRET so the secret scan fails if gagent ever prints it. */
export const PG_PASSWORD = 'pg-test-SECRET-4417';

/** The directory holding initdb and pg_ctl: PATH first, then Debian's /usr/lib/postgresql/<version>/bin. */
export function findPgBin(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs a PostgreSQL program as `owner` (when we are root) or as ourselves. */
function asOwner(owner: string | null, program: string, args: string[]): void {
  const argv = owner
    ? ['setpriv', `--reuid=${owner}`, `--regid=${owner}`, '--init-groups', program, ...args]
    : [program, ...args];
  const [cmd, ...rest] = argv as [string, ...string[]];
  const result = spawnSync(cmd, rest, { encoding: 'utf8', cwd: os.tmpdir() });
  if (result.status !== 0)
    throw new Error(`${path.basename(program)} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export interface PgServer {
  /** postgres://gagent:…@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  port: number;
  stop(): void;
}

export async function startPgServer(bin: string): Promise<PgServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gagent-pg-'));
  const owner = process.getuid?.() === 0 ? (userExists('postgres') ? 'postgres' : 'nobody') : null;
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  if (owner) execFileSync('chown', ['-R', `${owner}:`, dir]);
  fs.chmodSync(dir, 0o700);
  const port = await freePort();
  asOwner(owner, path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    PG_USER,
    `--pwfile=${pwfile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  asOwner(owner, path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-w',
    '-t',
    '30',
    '-l',
    path.join(dir, 'server.log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    'start',
  ]);
  return {
    port,
    url: (database = 'postgres') =>
      `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: () => {
      try {
        asOwner(owner, path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function userExists(name: string): boolean {
  return spawnSync('id', ['-u', name]).status === 0;
}

let databases = 0;

/**
 * A new, empty database on the suite's server, for one test (or null when the suite has no
 * server). `serverUrl` is the maintenance database's URL the global setup provides.
 */
export async function freshPgDatabase(serverUrl: string): Promise<string | null> {
  if (!serverUrl) return null;
  const { default: pg } = await import('pg');
  const name = `gagent_${process.pid}_${++databases}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
