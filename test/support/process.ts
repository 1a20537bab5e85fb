/**
 * Real processes for tests: `npm start`'s program and the command-line tools as children, built
 * (dist/, as `npm start` and the scripts run them; a dist/ older than src/ refuses to start, naming
 * the build to run), and real faults to put them through (another process holding the
 * database's write lock).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal); rejects after timeoutMs. */
  exited(timeoutMs: number): Promise<number | null>;
}

const children = new Set<ChildProcess>();

/** Runs an entry point of the project (src/main.ts, src/cli/broadcast.ts …) as a child: its build in dist/. */
export function run(entry: string, args: string[], env: Record<string, string>): Child {
  const built = entry.replace(/^src\/(.*)\.ts$/, 'dist/$1.js');
  const p = spawn(process.execPath, [built, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...(process.env.KNOWLEDGE_DIR ? { KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(p);
  p.once('exit', () => children.delete(p));
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    process: p,
    output: () => out,
    exited: (timeoutMs) =>
      new Promise((resolve, reject) => {
        if (p.exitCode !== null || p.signalCode !== null) return resolve(p.exitCode);
        const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms:\n${out.slice(-4000)}`)), timeoutMs);
        p.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      }),
  };
}

/** Kills every child still running (afterEach). */
export function killChildren(): void {
  for (const p of children) p.kill('SIGKILL');
  children.clear();
}

/** Polls a condition every 20 ms, for at most timeoutMs. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await condition()); ) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Another process takes the database's write lock (BEGIN IMMEDIATE and a write) and holds it for
 * `ms`. Resolves once the lock is held, with a promise of the holder's exit.
 */
export async function holdWriteLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const code = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 10000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare('UPDATE schema_version SET version = version').run();
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, Number(process.argv[2]));`;
  const p = spawn(process.execPath, ['-e', code, file, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(p);
  const released = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    p.stdout!.once('data', () => resolve());
    p.once('exit', (c) => reject(new Error(`lock holder exited with ${c} before locking`)));
  });
  return { released };
}

/** The largest number of timestamps within any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}
