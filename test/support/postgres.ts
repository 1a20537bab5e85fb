/**
 * A throwaway PostgreSQL server for tests: initdb into a temporary folder, pg_ctl on a free loopback
 * port (as the `postgres` user when the tests run as root, which PostgreSQL refuses), stopped and
 * removed afterwards. Each test gets a database of its own (`database()`).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface Postgres {
  /** A URL to a new empty database on the server. */
  database(): Promise<string>;
  /** The server's URL without a database name (the postgres database). */
  readonly adminUrl: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Stops the server without removing its data (a database going away); `start` brings it back. */
  halt(): void;
  start(): void;
}

/** The folder of initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin. */
function findBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(path.join(dir, 'pg_ctl')) && existsSync(path.join(dir, 'initdb'))) return dir;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin');
  return undefined;
}

const bins = findBinDir();
/**
 * Whether the PostgreSQL tests can run here. Without the server binaries they are skipped (a
 * newcomer's `npm test` still passes on SQLite), unless REQUIRE_POSTGRES is set, as `.ci/run` does:
 * then their absence fails the run.
 */
export const hasPostgres = bins !== undefined;
if (!hasPostgres && process.env.REQUIRE_POSTGRES) {
  throw new Error("REQUIRE_POSTGRES is set but the PostgreSQL server binaries (initdb, pg_ctl) are not here: install Debian's postgresql package (.ci/run does)");
}

function binDir(): string {
  if (!bins) throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package");
  return bins;
}

const asRoot = process.getuid?.() === 0;

/** Runs a server binary, as the postgres user when we are root. */
function run(bin: string, args: string[]): void {
  const exe = path.join(binDir(), bin);
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', exe, ...args], { stdio: 'pipe' });
  else execFileSync(exe, args, { stdio: 'pipe' });
}

let counter = 0;

export async function startPostgres(): Promise<Postgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync('chown', ['postgres', dir]);
  }
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
  // Fast: every session is cut off, and what was committed stays (commits are not synced to disk here).
  const halt = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    port,
    async database() {
      const name = `t${process.pid}_${++counter}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    halt,
    start,
    async stop() {
      try {
        halt();
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
