/**
 * `npm run bench:replicas` (needs `npm run build` and PostgreSQL's server binaries): what PostgreSQL
 * costs one replica, against SQLite measured in the same run.
 *
 * - Start-up: `node dist/main.js` in webhook mode, from spawn to "webhook listening", ROUNDS runs on
 *   each backend, alternating; and the storage step alone (from "knowledge loaded" to "storage open":
 *   connecting, migrating, taking the presence lock, reading the chat settings).
 * - Answers: a private question POSTed to the webhook until its answer reaches the Bot API stand-in,
 *   with the database up, and with the PostgreSQL server stopped (an answer never waits for it).
 * Medians; the machine is shared, so compare within a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postUpdate, startStandin, type BotApiStandin } from '../test/support/bot-api-standin.js';
import { freePort } from '../test/support/free-port.js';
import { startPostgres } from '../test/support/postgres.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const QUESTIONS = 20;
const SECRET = 'bench-secret-0123456789';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Started {
  child: ChildProcess;
  hook: string;
  startMs: number;
  storageMs: number;
}

/** Starts the built bot in webhook mode; resolves when it logs "webhook listening". */
async function start(standin: BotApiStandin, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const t0 = Date.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: {
      PATH: process.env.PATH,
      BOT_TOKEN: standin.token,
      TELEGRAM_API_ROOT: standin.url,
      BOT_MODE: 'webhook',
      WEBHOOK_DOMAIN: 'bot.example.org',
      WEBHOOK_PATH: '/hook',
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_SECRET: SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const times = new Map<string, number>();
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        const m = /"time":(\d+).*"msg":"(knowledge loaded|storage open|webhook listening)"/.exec(line);
        if (m) times.set(m[2]!, Number(m[1]));
      }
      if (times.has('webhook listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  return { child, hook: `http://127.0.0.1:${port}/hook`, startMs: Date.now() - t0, storageMs: times.get('storage open')! - times.get('knowledge loaded')! };
}

async function stop(s: Started): Promise<void> {
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill('SIGTERM');
  await exited;
}

/** Median time from POSTing a private question to its answer reaching the stand-in. */
async function answerMs(standin: BotApiStandin, hook: string, firstUser: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < QUESTIONS; i++) {
    const user = firstUser + i;
    const t0 = performance.now();
    await postUpdate(hook, standin.privateText('南沙落户要多久', { userId: user, enqueue: false }), SECRET);
    await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === user, 10_000);
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function main(): Promise<void> {
  const standin = await startStandin();
  const pg = await startPostgres();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-replicas-'));
  try {
    const url = await pg.database();
    const runs: Record<'sqlite' | 'postgres', { start: number[]; storage: number[] }> = { sqlite: { start: [], storage: [] }, postgres: { start: [], storage: [] } };
    for (let r = 0; r < ROUNDS; r++) {
      for (const backend of ['sqlite', 'postgres'] as const) {
        const s = await start(standin, backend === 'postgres' ? { DATABASE_URL: url, DATA_DIR: dir } : { DATA_DIR: dir });
        runs[backend].start.push(s.startMs);
        runs[backend].storage.push(s.storageMs);
        await stop(s);
      }
    }
    const s = await start(standin, { DATABASE_URL: url, DATA_DIR: dir });
    const up = await answerMs(standin, s.hook, 10_000);
    pg.halt();
    const down = await answerMs(standin, s.hook, 20_000);
    pg.start();
    await stop(s);

    const row = (name: string, xs: number[]) => console.log(`${name.padEnd(44)} ${median(xs).toFixed(0).padStart(6)} ms   (${xs.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`one replica, ${ROUNDS} starts each (medians; spawn to "webhook listening")`);
    row('start-up, SQLite (baseline)', runs.sqlite.start);
    row('start-up, PostgreSQL (target ≤ 2000 ms)', runs.postgres.start);
    row('storage step, SQLite', runs.sqlite.storage);
    row('storage step, PostgreSQL', runs.postgres.storage);
    console.log(`answer, PostgreSQL up ${up.toFixed(1)} ms; server stopped ${down.toFixed(1)} ms (median of ${QUESTIONS}, POST to the answer at the stand-in)`);
    const result = {
      bench: 'replicas',
      rounds: ROUNDS,
      startMs: { sqlite: median(runs.sqlite.start), postgres: median(runs.postgres.start) },
      storageMs: { sqlite: median(runs.sqlite.storage), postgres: median(runs.postgres.storage) },
      answerMs: { databaseUp: up, databaseDown: down },
    };
    console.log(`start-up with PostgreSQL ${result.startMs.postgres} ms (target ≤ 2000 ms): ${result.startMs.postgres <= 2000 ? 'PASS' : 'FAIL'}`);
    console.log(JSON.stringify(result));
  } finally {
    await pg.stop();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
