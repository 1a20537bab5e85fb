/**
 * Several replicas of `npm start`'s program (separate processes) sharing one PostgreSQL database
 * (a throwaway server, test/support/postgres.ts) and the Bot API stand-in. The test plays the load
 * balancer: it POSTs updates to the replicas' webhook ports in turn. Faults are real: a replica
 * SIGKILLed mid-broadcast, a polling leader SIGKILLed, the database server stopped and started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { postUpdate, startStandin, type BotApiStandin, type Params } from '../support/bot-api-standin.js';
import { freePort } from '../support/free-port.js';
import { hasPostgres, startPostgres, type Postgres } from '../support/postgres.js';
import { killChildren, maxInWindow, run, until, type Child } from '../support/process.js';

const OPERATOR = 4242;
const SECRET = 'replica-secret-0123456789abcdef';
let server: Postgres;
let url: string;
let standin: BotApiStandin;
let dir: string;
/** When each chat received each message (stand-in arrival time), and what. */
let received: Map<number, { at: number; text: string }[]>;

beforeAll(async () => {
  if (hasPostgres) server = await startPostgres();
}, 60_000);
afterAll(async () => server?.stop());

beforeEach(async () => {
  if (!hasPostgres) return;
  url = await server.database();
  standin = await startStandin({ maxPollMs: 300 });
  dir = mkdtempSync(path.join(tmpdir(), 'replicas-'));
  received = new Map();
  const base = standin.builtinHandler('sendMessage');
  standin.onMethod('sendMessage', (params: Params) => {
    const result = base(params);
    const chatId = Number(params.chat_id);
    received.set(chatId, [...(received.get(chatId) ?? []), { at: Date.now(), text: String(params.text) }]);
    return result;
  });
});

afterEach(async () => {
  if (!hasPostgres) return;
  killChildren();
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (chatId: number) => received.get(chatId)?.length ?? 0;
const textsTo = (chatId: number) => (received.get(chatId) ?? []).map((m) => m.text);

const env = (extra: Record<string, string> = {}) => ({
  BOT_TOKEN: standin.token,
  TELEGRAM_API_ROOT: standin.url,
  DATABASE_URL: url,
  DATA_DIR: dir,
  ADMIN_IDS: String(OPERATOR),
  ...extra,
});

interface Replica {
  child: Child;
  hook: string;
  health: string;
}

/** Starts `n` webhook replicas together; resolves once every one has its server up and its webhook set. */
async function startWebhookReplicas(n: number): Promise<Replica[]> {
  const replicas: Replica[] = [];
  for (let i = 0; i < n; i++) {
    const port = await freePort();
    const child = run('src/main.ts', [], env({ BOT_MODE: 'webhook', WEBHOOK_DOMAIN: 'bot.example.org', WEBHOOK_PATH: '/hook', WEBHOOK_PORT: String(port), WEBHOOK_HOST: '127.0.0.1', WEBHOOK_SECRET: SECRET }));
    replicas.push({ child, hook: `http://127.0.0.1:${port}/hook`, health: `http://127.0.0.1:${port}/healthz` });
  }
  await until(() => standin.callsTo('setWebhook').length >= n, 60_000, `${n} replicas up`);
  return replicas;
}

async function subscribeGroups(count: number, first: number, nextAt: number): Promise<number[]> {
  const store = await PostgresStore.open(url);
  const groups = Array.from({ length: count }, (_, i) => first - i);
  for (const chatId of groups) await store.subscribe({ chatId, chatType: 'supergroup', cadence: 'daily', weekday: null, time: '09:00', nextAt });
  await store.close();
  return groups;
}

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!hasPostgres)('three webhook replicas on one database', () => {
  it('any replica answers any update; a /broadcast to 300 groups survives the SIGKILL of the replica that took it: every group once (at most one twice), ≤ 30 a second, the report still comes', async () => {
    const groups = await subscribeGroups(300, -300_000_001, Date.now() + 1e9);
    const replicas = await startWebhookReplicas(3);

    // Round-robin: each replica answers the questions it is given.
    for (let i = 0; i < 6; i++) {
      const update = standin.privateText('南沙落户要多久', { userId: 600 + i, enqueue: false });
      expect(await postUpdate(replicas[i % 3]!.hook, update, SECRET)).toBe(200);
    }
    await until(() => [0, 1, 2, 3, 4, 5].every((i) => count(600 + i) === 1), 15_000, 'six answers');
    expect(textsTo(603)[0]).toContain('10个工作日');

    // A follow-up and a language setting reach another replica than the message before them.
    await postUpdate(replicas[1]!.hook, standin.privateText('琶洲那个驿站是做什么的', { userId: 620, enqueue: false }), SECRET);
    await until(() => count(620) === 1, 10_000, 'the question');
    await new Promise((r) => setTimeout(r, 1_500));
    await postUpdate(replicas[2]!.hook, standin.privateText('能办多少项？', { userId: 620, enqueue: false }), SECRET);
    await until(() => count(620) === 2, 10_000, 'the follow-up');
    expect(textsTo(620)[1]).toMatch(/接着问：琶洲.*100项/s);
    await postUpdate(replicas[0]!.hook, standin.privateText('/lang en', { userId: 621, enqueue: false }), SECRET);
    await until(() => count(621) === 1, 10_000, '/lang');
    await new Promise((r) => setTimeout(r, 2_500));
    await postUpdate(replicas[1]!.hook, standin.privateText('/help', { userId: 621, enqueue: false }), SECRET);
    await until(() => count(621) === 2, 10_000, '/help');
    expect(textsTo(621)[1]).toMatch(/^[\x00-\x7F]*[A-Za-z]/);
    expect(textsTo(621)[1]).not.toMatch(/[问問]/);
    await postUpdate(replicas[2]!.hook, standin.privateText('/privacy', { userId: 621, enqueue: false }), SECRET);
    await until(() => count(621) === 3, 10_000, '/privacy');
    expect(textsTo(621)[2]).toContain('shared between my servers under a one-way hash of the chat');

    // A flood from one user, spread over two replicas (10 a second for 4 s): one chat's limit (a
    // burst of 5, then 1 a second) holds for both together, within what a second's delay lets through
    // (each replica alone would answer about 8 of its 20).
    for (let i = 0; i < 40; i++) {
      await postUpdate(replicas[1 + (i % 2)]!.hook, standin.privateText('南沙落户要多久', { userId: 650, enqueue: false }), SECRET);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const answers = textsTo(650).filter((t) => t.includes('10个工作日'));
    expect(answers.length).toBeGreaterThanOrEqual(5);
    expect(answers.length).toBeLessThanOrEqual(13);

    const broadcast = standin.privateText('/broadcast 减证便民：南沙落户只需10个工作日', { userId: OPERATOR, enqueue: false });
    expect(await postUpdate(replicas[0]!.hook, broadcast, SECRET)).toBe(200);
    await until(() => textsTo(OPERATOR).some((t) => t.includes('300')), 10_000, 'the broadcast acknowledged');
    await new Promise((r) => setTimeout(r, 4_000));
    const before = groups.filter((g) => count(g) > 0).length;
    replicas[0]!.child.process.kill('SIGKILL');
    // Some were sent by then, not all: the kill happened mid-broadcast.
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(300);

    await until(() => groups.every((g) => count(g) > 0), 90_000, 'every group reached');
    await until(() => textsTo(OPERATOR).some((t) => t.includes('sent 300')), 30_000, "the operator's report");
    await new Promise((r) => setTimeout(r, 1_500));
    const twice = groups.filter((g) => count(g) === 2);
    expect(twice.length).toBeLessThanOrEqual(1);
    expect(groups.every((g) => count(g) <= 2)).toBe(true);
    const groupTimes = groups.flatMap((g) => (received.get(g) ?? []).map((m) => m.at));
    expect(maxInWindow(groupTimes, 1_000)).toBeLessThanOrEqual(30);
    const report = textsTo(OPERATOR).filter((t) => t.includes('sent 300'));
    expect(report).toHaveLength(1);
    expect(report[0]).toMatch(/sent 300, failed 0, removed 0/);
    // The two survivors are still up.
    expect(replicas[1]!.child.process.exitCode).toBeNull();
    expect(replicas[2]!.child.process.exitCode).toBeNull();
  }, 180_000);

  it('40 group subscriptions due at the same minute: each posted exactly once across the replicas', async () => {
    // Due a few seconds after the replicas are up: their schedule ticks (every 20 s) race for them.
    const due = Date.now() + 10_000;
    const groups = await subscribeGroups(40, -400_000_001, due);
    await startWebhookReplicas(3);
    await until(() => groups.every((g) => count(g) > 0), 60_000, 'every subscription posted');
    await new Promise((r) => setTimeout(r, 3_000));
    for (const g of groups) expect(count(g), `group ${g}`).toBe(1);
    const rows = await query<{ n: string }>("SELECT COUNT(*) AS n FROM announcements WHERE kind = 'scheduled'");
    expect(Number(rows[0]!.n)).toBe(40);
    const moved = await query<{ n: string }>(`SELECT COUNT(*) AS n FROM subscriptions WHERE next_fact = 1 AND next_at > ${due}`);
    expect(Number(moved[0]!.n)).toBe(40);
  }, 120_000);
});

describe.skipIf(!hasPostgres)('polling with a standby', () => {
  it('one replica polls, the other stands by without a 409; killing the leader, the standby polls within 10 s and answers', async () => {
    const leader = run('src/main.ts', [], env({ BOT_MODE: 'polling' }));
    await standin.waitFor('getUpdates', 30_000);
    const standby = run('src/main.ts', [], env({ BOT_MODE: 'polling' }));
    await until(() => standby.output().includes('standing by'), 30_000, 'the second replica standing by');
    await new Promise((r) => setTimeout(r, 2_000));
    const conflicts = () => standin.calls.filter((c) => c.method === 'getUpdates' && c.response?.ok === false && c.response.error_code === 409).length;
    expect(conflicts()).toBe(0);
    // A standby stops as cleanly as a leader.
    const third = run('src/main.ts', [], env({ BOT_MODE: 'polling' }));
    await until(() => third.output().includes('standing by'), 30_000, 'a third replica standing by');
    third.process.kill('SIGTERM');
    expect(await third.exited(5_000)).toBe(0);
    standin.privateText('南沙落户要多久', { userId: 701 });
    await until(() => count(701) === 1, 10_000, 'an answer from the leader');

    leader.process.kill('SIGKILL');
    const killedAt = Date.now();
    await until(() => standin.calls.some((c) => c.method === 'getUpdates' && c.at > killedAt + 50), 10_000, 'the standby polling');
    const tookOver = standin.calls.find((c) => c.method === 'getUpdates' && c.at > killedAt + 50)!.at - killedAt;
    expect(tookOver).toBeLessThan(10_000);
    standin.privateText('琶洲驿站能办多少项', { userId: 702 });
    await until(() => count(702) === 1, 10_000, 'an answer from the new leader');
    // At most the dead leader's own long poll was cut short.
    expect(conflicts()).toBeLessThanOrEqual(1);
    expect(standby.process.exitCode).toBeNull();
  }, 90_000);
});

describe.skipIf(!hasPostgres)('the database going away', () => {
  it('at start: one line naming the database (without its password) and the fix, exit 1', async () => {
    const bot = run('src/main.ts', [], env({ DATABASE_URL: 'postgres://bot:hunter2-secret@127.0.0.1:9/bot', LOG_LEVEL: 'warn' }));
    expect(await bot.exited(20_000)).toBe(1);
    const lines = bot.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^storage: cannot use the PostgreSQL database at postgres:\/\/bot:\*\*\*@127\.0\.0\.1:9\/bot .*DATABASE_URL/);
    expect(bot.output()).not.toContain('hunter2-secret');
  }, 30_000);

  it('while running: answers go on, /healthz says degraded, and once it is back the question log is written and health is ok', async () => {
    const [replica] = await startWebhookReplicas(1);
    const healthOf = async () => ((await (await fetch(replica!.health)).json()) as { status: string }).status;
    expect(await healthOf()).toBe('ok');
    server.halt();
    try {
      const started = Date.now();
      expect(await postUpdate(replica!.hook, standin.privateText('南沙落户要多久', { userId: 801, enqueue: false }), SECRET)).toBe(200);
      await until(() => count(801) === 1, 5_000, 'an answer without the database');
      // The answer did not wait for a connection attempt (3 s) or a retry.
      expect(Date.now() - started).toBeLessThan(2_000);
      await until(async () => (await healthOf()) === 'degraded', 20_000, '/healthz degraded');
    } finally {
      server.start();
    }
    await until(async () => (await healthOf()) === 'ok', 40_000, '/healthz ok again');
    await until(async () => (await query("SELECT 1 FROM questions WHERE question = '南沙落户要多久'")).length === 1, 20_000, 'the question logged once the database is back');
    expect(replica!.child.process.exitCode).toBeNull();
  }, 120_000);
});
