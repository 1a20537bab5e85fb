/**
 * The store contract, run against both backends from this one file: the embedded SQLite file and a
 * throwaway PostgreSQL server (test/support/postgres.ts). Two stores on one database stand for two
 * processes (replicas). Then what only one backend has: SQLite's file, PostgreSQL's presence locks,
 * leadership and start-up errors.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore, redactUrl } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { retryBusy, StoreOpenError, storageFault, type Store, type Teaching } from '../../src/store/store.js';
import { hasPostgres, startPostgres, type Postgres } from '../support/postgres.js';
import { killChildren, run } from '../support/process.js';

/** How many migrations the SQLite store has today; update when one is added. */
const SQLITE_MIGRATIONS = 7;

interface Backend {
  name: 'sqlite' | 'postgres';
  /** A new database for the next test. */
  fresh(): Promise<void>;
  /** A store (a process) on this test's database. */
  open(): Promise<Store>;
  /** A query of the test's own on this test's database (`?` placeholders), to look at or set up rows. */
  raw(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Frees what the backend holds (after all tests). */
  end(): Promise<void>;
}

const opened: Store[] = [];
let dir: string;

function sqliteBackend(): Backend {
  let file = '';
  const peeks: Database.Database[] = [];
  return {
    name: 'sqlite',
    async fresh() {
      for (const d of peeks.splice(0)) d.close();
      file = path.join(dir, 'bot.db');
    },
    async open() {
      return new SqliteStore(file);
    },
    async raw(sql, params = []) {
      const d = new Database(file);
      peeks.push(d);
      const statement = d.prepare(sql);
      return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
    },
    async end() {
      for (const d of peeks.splice(0)) d.close();
    },
  };
}

/** One server for the file (started once, stopped after all tests). */
let server: Postgres;

function postgresBackend(): Backend {
  let url = '';
  return {
    name: 'postgres',
    async fresh() {
      url = await server.database();
    },
    async open() {
      return PostgresStore.open(url);
    },
    async raw(sql, params = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        let n = 0;
        const { rows } = await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        );
        // BIGINT as numbers, like the store reads them.
        return rows.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));
      } finally {
        await client.end();
      }
    },
    async end() {},
  };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'store-'));
});
afterEach(async () => {
  killChildren();
  for (const s of opened.splice(0)) await s.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const backends = hasPostgres ? [sqliteBackend(), postgresBackend()] : [sqliteBackend()];
beforeAll(async () => {
  if (hasPostgres) server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const b of backends) await b.end();
  await server?.stop();
});

describe.each(backends)('the store on $name', (backend) => {
  beforeEach(async () => backend.fresh(), 60_000);

  const open = async () => {
    const s = await backend.open();
    opened.push(s);
    return s;
  };
  const close = async (s: Store) => {
    opened.splice(opened.indexOf(s), 1);
    await s.close();
  };
  const count = async (table: string) => Number((await backend.raw(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

  describe('opening and migrating', () => {
    it('keeps the data when the database is opened again, with one version row', async () => {
      const first = await open();
      await first.setLang(42, 'en', 1000);
      await first.subscribe({ chatId: -7, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 5000 }, 1000);
      const id = await first.announce('broadcast', '<b>hi</b>', [42, -7], 1, 1000);
      await close(first);

      const second = await open();
      expect(await second.lang(42)).toBe('en');
      expect(await second.subscription(-7)).toEqual({ chatId: -7, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextFact: 0, nextAt: 5000 });
      expect(await second.report(id)).toEqual({ sent: 0, failed: 0, removed: 0, pending: 2 });
      await close(second);
      const third = await open();
      expect(await backend.raw('SELECT version FROM schema_version')).toHaveLength(1);
      expect(await third.subscriptions()).toHaveLength(1);
    });

    it('questions an earlier version logged are kept as the log keeps them today once the database is migrated', async () => {
      await close(await open());
      const long = `电话138.0013.8000，我叫张伟强，香港身份证A123456(7)${'南沙落户要多久'.repeat(100)}`;
      await backend.raw("INSERT INTO questions (id, at, door, lang, question, outcome) VALUES (?, ?, 'private', 'zh-Hans', ?, 'declined')", [7, 1000, long]);
      await backend.raw("INSERT INTO questions (id, at, door, lang, question, outcome) VALUES (?, ?, 'private', 'zh-Hans', ?, 'answered')", [8, 1000, '南沙落户要多久']);
      // The database as the version before the re-scrubbing left it (before picks and teachings were logged, too).
      for (const column of ['picked_article', 'picked_sentence', 'picked_at', 'learned']) await backend.raw(`ALTER TABLE questions DROP COLUMN ${column}`);
      await backend.raw('DROP TABLE teachings');
      await backend.raw('UPDATE schema_version SET version = version - 3');
      const s = await open();
      const rows = (await backend.raw('SELECT id, question FROM questions ORDER BY id')) as { id: unknown; question: string }[];
      expect(rows[0]!.question).toMatch(/^电话<number>,我叫<name>,香港身份证<id>南沙落户要多久/);
      expect([...rows[0]!.question].length).toBeLessThanOrEqual(300);
      expect(rows[1]!.question).toBe('南沙落户要多久');
      expect(await s.question(7)).toMatchObject({ outcome: 'declined', picked: undefined });
      expect(await s.pick(7, 'a', 'p1s1')).toBe(true);
      expect(await s.teachings()).toEqual([]);
    });

    it('several processes opening a new database together migrate it once', async () => {
      const stores = await Promise.all(Array.from({ length: 4 }, () => open()));
      expect(await backend.raw('SELECT version FROM schema_version')).toHaveLength(1);
      await stores[0]!.setLang(1, 'en');
      expect(await stores[3]!.lang(1)).toBe('en');
    });
  });

  describe('chat settings', () => {
    it('setLang/lang persist across close and reopen; setLang(undefined) clears; langsSince lists changes', async () => {
      const s = await open();
      expect(await s.lang(1)).toBeUndefined();
      await s.setLang(1, 'zh-Hant', 100);
      await s.setLang(2, 'en', 200);
      await s.setLang(1, 'zh-Hans', 300); // overwrite
      await close(s);

      const again = await open();
      expect(await again.lang(1)).toBe('zh-Hans');
      expect(await again.lang(2)).toBe('en');
      await again.setLang(1, undefined, 400);
      expect(await again.lang(1)).toBeUndefined();
      expect(await again.langsSince(250)).toEqual([{ chatId: 1, lang: undefined, at: 400 }]);
      expect((await again.langsSince(0)).map((r) => r.chatId)).toEqual([2, 1]);
    });
  });

  describe('subscriptions', () => {
    it('subscribe, subscription, subscriptions, unsubscribe', async () => {
      const s = await open();
      await s.subscribe({ chatId: -200, chatType: 'supergroup', cadence: 'weekly', weekday: 3, time: '18:30', nextAt: 9000, createdBy: 77 }, 100);
      await s.subscribe({ chatId: -100, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 8000 }, 100);

      expect(await s.subscription(-200)).toEqual({ chatId: -200, chatType: 'supergroup', cadence: 'weekly', weekday: 3, time: '18:30', nextFact: 0, nextAt: 9000 });
      expect(await s.subscription(-300)).toBeUndefined();
      expect((await s.subscriptions()).map((x) => x.chatId)).toEqual([-200, -100]); // ordered by chat id
      expect(await backend.raw('SELECT created_by, created_at FROM subscriptions WHERE chat_id = -200')).toEqual([{ created_by: 77, created_at: 100 }]);

      expect(await s.unsubscribe(-200)).toBe(true);
      expect(await s.unsubscribe(-200)).toBe(false);
      expect(await s.subscription(-200)).toBeUndefined();
      expect((await s.subscriptions()).map((x) => x.chatId)).toEqual([-100]);
    });

    it('subscribing again updates the schedule and keeps the rotation position', async () => {
      const s = await open();
      await s.subscribe({ chatId: -100, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 8000 });
      await s.postDue(8000, () => ({ html: 'x', nextAt: 9000, nextFact: 4 }));
      await s.subscribe({ chatId: -100, chatType: 'supergroup', cadence: 'weekly', weekday: 5, time: '20:15', nextAt: 12_000 });
      expect(await s.subscription(-100)).toEqual({ chatId: -100, chatType: 'supergroup', cadence: 'weekly', weekday: 5, time: '20:15', nextFact: 4, nextAt: 12_000 });
      expect(await s.subscriptions()).toHaveLength(1);
    });

    it('refuses a cadence or weekday outside the allowed values', async () => {
      const s = await open();
      await expect(s.subscribe({ chatId: 1, chatType: 'private', cadence: 'hourly' as 'daily', weekday: null, time: '09:00', nextAt: 1 })).rejects.toThrow(/CHECK|check/);
      await expect(s.subscribe({ chatId: 1, chatType: 'private', cadence: 'weekly', weekday: 8, time: '09:00', nextAt: 1 })).rejects.toThrow(/CHECK|check/);
      expect(await s.subscriptions()).toEqual([]);
    });

    it('postDue(now) takes only subscriptions with next_at <= now, earliest first', async () => {
      const s = await open();
      await s.subscribe({ chatId: 1, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: 300 });
      await s.subscribe({ chatId: 2, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: 100 });
      await s.subscribe({ chatId: 3, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: 200 });
      const taken: number[] = [];
      const plan = (sub: { chatId: number }) => (taken.push(sub.chatId), { skipTo: 86_500 });
      expect(await s.postDue(99, plan)).toBe(0);
      expect(taken).toEqual([]);
      await s.postDue(299, plan);
      expect(taken).toEqual([2, 3]);
      await s.postDue(300, plan);
      expect(taken).toEqual([2, 3, 1]);
      expect(await s.subscription(2)).toMatchObject({ nextAt: 86_500, nextFact: 0 });
    });

    it('postDue records each due post and moves its subscription in one step; a plan may only skip', async () => {
      const s = await open();
      await s.subscribe({ chatId: -1, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 100 });
      await s.subscribe({ chatId: -2, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 100 });
      await s.subscribe({ chatId: -3, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 900 });
      const posted = await s.postDue(500, (sub) => (sub.chatId === -2 ? { skipTo: 1_000 } : { html: `fact for ${sub.chatId}`, nextAt: 2_000, nextFact: sub.nextFact + 1 }));
      expect(posted).toBe(1);
      expect(await s.subscription(-1)).toMatchObject({ nextAt: 2_000, nextFact: 1 });
      expect(await s.subscription(-2)).toMatchObject({ nextAt: 1_000, nextFact: 0 });
      expect(await s.subscription(-3)).toMatchObject({ nextAt: 900, nextFact: 0 });
      expect(await s.openDeliveries()).toEqual([{ announcementId: expect.any(Number), chatId: -1, status: 'pending', attempts: 0, html: 'fact for -1' }]);
      // A plan that throws leaves nothing: neither post nor move.
      await expect(s.postDue(950, () => { throw new Error('no facts'); })).rejects.toThrow('no facts');
      expect(await s.subscription(-3)).toMatchObject({ nextAt: 900 });
      expect(await count('announcements')).toBe(1);
    });

    it('40 subscriptions due at once, taken by four processes together: each posted exactly once', async () => {
      const stores = [await open(), await open(), await open(), await open()];
      for (let i = 1; i <= 40; i++) await stores[0]!.subscribe({ chatId: -i, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 1_000 });
      const counts = await Promise.all(stores.map((s) => s.postDue(1_000, (sub) => ({ html: `for ${sub.chatId}`, nextAt: 90_000, nextFact: 1 }))));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
      const rows = await backend.raw("SELECT d.chat_id AS chat, COUNT(*) AS n FROM deliveries d JOIN announcements a ON a.id = d.announcement_id WHERE a.kind = 'scheduled' GROUP BY d.chat_id");
      expect(rows).toHaveLength(40);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    });

    it('a group that became a supergroup takes its subscription and chat settings to the new id', async () => {
      const s = await open();
      await s.subscribe({ chatId: -100, chatType: 'group', cadence: 'weekly', weekday: 1, time: '09:00', nextAt: 5000 });
      expect(await s.postDue(5000, () => ({ html: 'x', nextAt: 6000, nextFact: 2 }))).toBe(1);
      await s.setLang(-100, 'zh-Hant');
      await s.setLang(-555, 'en'); // someone else, untouched
      const post = (await s.openDeliveries())[0]!;
      await s.markMigrated(post.announcementId, -100, -1001234567890);
      expect(await s.subscription(-100)).toBeUndefined();
      expect(await s.lang(-100)).toBeUndefined();
      expect(await s.subscription(-1001234567890)).toEqual({ chatId: -1001234567890, chatType: 'group', cadence: 'weekly', weekday: 1, time: '09:00', nextFact: 2, nextAt: 6000 });
      expect(await s.lang(-1001234567890)).toBe('zh-Hant');
      expect(await s.lang(-555)).toBe('en');
    });
  });

  describe('announcements and deliveries', () => {
    const deliveries = (id: number) => backend.raw('SELECT chat_id, status, attempts FROM deliveries WHERE announcement_id = ? ORDER BY chat_id', [id]);

    it('announce creates one pending delivery per chat, ignoring duplicate chat ids', async () => {
      const s = await open();
      const id = await s.announce('broadcast', '<b>news</b>', [3, 1, 2, 1, 3], 99, 1234);
      expect(await backend.raw('SELECT id, kind, html, created_by, created_at, finished_at FROM announcements')).toEqual([
        { id, kind: 'broadcast', html: '<b>news</b>', created_by: 99, created_at: 1234, finished_at: null },
      ]);
      expect(await deliveries(id)).toEqual([
        { chat_id: 1, status: 'pending', attempts: 0 },
        { chat_id: 2, status: 'pending', attempts: 0 },
        { chat_id: 3, status: 'pending', attempts: 0 },
      ]);
      expect(await s.announce('scheduled', 'x', [1])).toBe(id + 1);
    });

    it('announce is one transaction: a failure part-way leaves nothing behind', async () => {
      const s = await open();
      // The third chat id is not a number: the insert fails after the announcement row.
      await expect(s.announce('broadcast', 'x', [1, 2, {} as unknown as number])).rejects.toThrow();
      expect(await count('announcements')).toBe(0);
      expect(await count('deliveries')).toBe(0);
    });

    it("openDeliveries returns 'sending' ones before 'pending' ones, then by announcement and chat", async () => {
      const s = await open();
      const a = await s.announce('broadcast', 'A', [1, 2, 3, 4]);
      const b = await s.announce('broadcast', 'B', [5, 6]);
      await s.mark(b, 6, 'sending');
      await s.mark(a, 3, 'sending');
      await s.mark(a, 1, 'sent');
      await s.mark(a, 4, 'failed');
      expect(await s.openDeliveries()).toEqual([
        { announcementId: a, chatId: 3, status: 'sending', attempts: 0, html: 'A' },
        { announcementId: b, chatId: 6, status: 'sending', attempts: 0, html: 'B' },
        { announcementId: a, chatId: 2, status: 'pending', attempts: 0, html: 'A' },
        { announcementId: b, chatId: 5, status: 'pending', attempts: 0, html: 'B' },
      ]);
      expect((await s.openDeliveries(2)).map((d) => [d.announcementId, d.chatId])).toEqual([
        [a, 3],
        [b, 6],
      ]);
    });

    it('mark with attempt increments attempts; without it the count stays; message id is kept', async () => {
      const s = await open();
      const id = await s.announce('broadcast', 'x', [10, 20]);
      await s.mark(id, 10, 'sending', { attempt: true });
      await s.mark(id, 10, 'pending', { error: '502 Bad Gateway' });
      expect(await s.delivery(id, 10)).toEqual({ status: 'pending', messageId: null, error: '502 Bad Gateway' });
      await s.mark(id, 10, 'sending', { attempt: true });
      await s.mark(id, 10, 'sent', { messageId: 555 });
      await s.mark(id, 10, 'sent'); // no message id given: the stored one stays
      expect(await s.delivery(id, 10)).toEqual({ status: 'sent', messageId: 555, error: null });
      expect(await deliveries(id)).toEqual([
        { chat_id: 10, status: 'sent', attempts: 2 },
        { chat_id: 20, status: 'pending', attempts: 0 },
      ]);
      expect(await s.delivery(id, 30)).toBeUndefined();
    });

    it('markRemoved also ends the subscription; markMigrated follows the group to its new id', async () => {
      const s = await open();
      await s.subscribe({ chatId: -5, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 1 });
      await s.subscribe({ chatId: -6, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 1 });
      const id = await s.announce('broadcast', 'x', [-5, -6]);
      await s.markRemoved(id, -5, 'Forbidden: bot was kicked');
      await s.markMigrated(id, -6, -1009);
      expect(await s.delivery(id, -5)).toEqual({ status: 'removed', messageId: null, error: 'Forbidden: bot was kicked' });
      expect(await s.delivery(id, -6)).toMatchObject({ status: 'migrated' });
      expect(await s.delivery(id, -1009)).toMatchObject({ status: 'pending' });
      expect((await s.subscriptions()).map((x) => x.chatId)).toEqual([-1009]);
    });

    it('report counts sent, failed, removed and pending (pending includes sending); unfinished lists the open', async () => {
      const s = await open();
      const id = await s.announce('broadcast', 'x', [1, 2, 3, 4, 5, 6, 7]);
      const other = await s.announce('broadcast', 'y', [1, 2]);
      await s.mark(id, 1, 'sent', { messageId: 1 });
      await s.mark(id, 2, 'sent', { messageId: 2 });
      await s.mark(id, 3, 'failed', { error: 'bad' });
      await s.mark(id, 4, 'removed');
      await s.mark(id, 5, 'sending');
      await s.mark(other, 1, 'failed');
      expect(await s.report(id)).toEqual({ sent: 2, failed: 1, removed: 1, pending: 3 });
      expect(await s.report(other)).toEqual({ sent: 0, failed: 1, removed: 0, pending: 1 });
      expect(await s.report(12345)).toEqual({ sent: 0, failed: 0, removed: 0, pending: 0 });
      expect(await s.unfinished()).toEqual([id, other]);
      expect(await s.pendingDeliveries()).toBe(4);
      await s.mark(other, 2, 'sent');
      expect(await s.unfinished()).toEqual([id]);
    });

    it('finish closes a finished announcement once and queues its report to the operator, from whichever process', async () => {
      const a = await open();
      const b = await open();
      const id = await a.announce('broadcast', 'x', [1, 2], 7, 100, { chatId: 7, lang: 'en' });
      const html = (r: { sent: number; failed: number }, lang: string) => `${lang}: sent ${r.sent}, failed ${r.failed}`;
      await a.mark(id, 1, 'sent');
      expect(await b.finish(200, html, id)).toBe(0); // one still open
      await b.mark(id, 2, 'failed');
      // A process that cannot write reports leaves it for one that can.
      expect(await a.finish(300, undefined)).toBe(0);
      const closed = await Promise.all([a.finish(300, html, id), b.finish(300, html, id), b.finish(300, html)]);
      expect(closed.reduce((x, y) => x + y, 0)).toBe(1);
      expect(await a.openDeliveries()).toEqual([{ announcementId: expect.any(Number), chatId: 7, status: 'pending', attempts: 0, html: 'en: sent 1, failed 1' }]);
      expect(await a.finish(400, html, id)).toBe(0);
    });

    it('a group post counts for openPostsIn; broadcasts do not', async () => {
      const s = await open();
      await s.announce('group', 'g', [-9]);
      await s.announce('broadcast', 'b', [-9]);
      expect(await s.openPostsIn(-9)).toBe(1);
    });
  });

  describe('claims shared by processes', () => {
    const limits = { leaseMs: 60_000, perSecond: 25, perGroupPerMinute: 20 };

    it('two processes claiming together never claim the same delivery', async () => {
      const a = await open();
      const b = await open();
      const chats = Array.from({ length: 50 }, (_, i) => 100 + i);
      const id = await a.announce('broadcast', 'x', chats);
      const claimed: number[] = [];
      let now = 1_000_000;
      for (let i = 0; i < 30; i++) {
        now += 100;
        const got = await Promise.all([a.claim(now, limits), b.claim(now, limits)]);
        for (const [k, c] of got.entries()) {
          if (!c.delivery) continue;
          claimed.push(c.delivery.chatId);
          await (k ? b : a).mark(id, c.delivery.chatId, 'sent', {}, now);
        }
      }
      expect(claimed.sort((x, y) => x - y)).toEqual(chats);
      expect(await a.report(id)).toEqual({ sent: 50, failed: 0, removed: 0, pending: 0 });
    });

    it('a claim holds until its lease lapses, then another process takes it over', async () => {
      const a = await open();
      const b = await open();
      const id = await a.announce('broadcast', 'x', [7]);
      expect((await a.claim(1_000, limits)).delivery?.chatId).toBe(7);
      const meanwhile = await b.claim(2_000, limits);
      expect(meanwhile.delivery).toBeUndefined();
      // Told to come back when the lease lapses.
      expect(meanwhile.delivery ? 0 : meanwhile.waitMs).toBe(59_000);
      expect((await b.claim(61_001, limits)).delivery).toMatchObject({ announcementId: id, chatId: 7, attempts: 1 });
    });

    it('counts every process’s sends: overall per second, and per group per minute with answers included', async () => {
      const a = await open();
      const b = await open();
      await a.announce('broadcast', 'x', Array.from({ length: 40 }, (_, i) => 1 + i));
      const claims = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).claim(5_000, limits)));
      expect(claims.filter((c) => c.delivery)).toHaveLength(25);
      const wait = await a.claim(5_000, limits);
      expect(wait.delivery ? 0 : wait.waitMs).toBe(1_000);

      const group = -55;
      for (let i = 0; i < 19; i++) await b.recordSend(group, 'answer', 100_000);
      await a.announce('group', 'g1', [group]);
      await a.announce('group', 'g2', [group]);
      await backend.raw("UPDATE deliveries SET status = 'sent' WHERE chat_id > 0");
      expect((await a.claim(100_001, limits)).delivery?.chatId).toBe(group);
      const full = await b.claim(100_002, limits);
      expect(full.delivery).toBeUndefined();
      expect(full.delivery ? 0 : full.waitMs).toBe(59_998);
    });

    it('a retry time keeps a delivery back until it comes', async () => {
      const s = await open();
      const id = await s.announce('broadcast', 'x', [9]);
      await s.claim(1_000, limits);
      await s.mark(id, 9, 'pending', { error: '502', notBefore: 5_000 }, 1_000);
      const early = await s.claim(2_000, limits);
      expect(early.delivery ? 0 : early.waitMs).toBe(3_000);
      expect((await s.claim(5_000, limits)).delivery?.chatId).toBe(9);
    });

    it('the claims of a process that is gone are released at once', async () => {
      const a = await open();
      const id = await a.announce('broadcast', 'x', [11]);
      // A claim left by a process that no longer exists (a pid far above any live one).
      await backend.raw("UPDATE deliveries SET status = 'sending', owner = ?, lease_until = ? WHERE announcement_id = ?", [`${hostname()}:999999999:dead`, 9e15, id]);
      expect((await a.claim(Date.now(), limits)).delivery).toBeUndefined();
      const b = await open();
      expect(await b.releaseDeadClaims()).toBe(1);
      expect((await b.claim(Date.now(), limits)).delivery?.chatId).toBe(11);
      expect(await b.releaseDeadClaims()).toBe(0);
    });
  });

  describe('the send log', () => {
    it("each process reads the others' sends after its cursor, never its own", async () => {
      const a = await open();
      const b = await open();
      await a.recordSends([
        { chatId: 1, at: 1_000, source: 'answer' },
        { chatId: -2, at: 1_001, source: 'answer' },
      ]);
      await b.recordSend(3, 'queue', 1_002);
      const first = await b.sendsAfter(0);
      expect(first.sends).toEqual([
        { chatId: 1, at: 1_000, source: 'answer' },
        { chatId: -2, at: 1_001, source: 'answer' },
      ]);
      expect((await a.sendsAfter(0)).sends).toEqual([{ chatId: 3, at: 1_002, source: 'queue' }]);
      expect((await b.sendsAfter(first.cursor)).sends).toEqual([]);
      await a.recordSends([{ chatId: 4, at: 1_003, source: 'answer' }]);
      expect((await b.sendsAfter(first.cursor)).sends).toEqual([{ chatId: 4, at: 1_003, source: 'answer' }]);
      // Pages: at most `limit` rows read at a time, the cursor moving on.
      const page = await b.sendsAfter(0, 2);
      expect(page.sends).toHaveLength(2);
      expect((await b.sendsAfter(page.cursor, 2)).sends).toEqual([{ chatId: 4, at: 1_003, source: 'answer' }]);
      // Everything pruned: a cursor past the end starts over.
      await a.pruneSends(200_000);
      await a.recordSends([{ chatId: 5, at: 199_000, source: 'answer' }]);
      const after = await b.sendsAfter(first.cursor + 100);
      expect(after.sends).toEqual(backend.name === 'sqlite' ? [{ chatId: 5, at: 199_000, source: 'answer' }] : []);
    });
  });

  describe('conversation subjects', () => {
    it('shared between processes: the later of two wins, expired ones are neither read nor kept', async () => {
      const a = await open();
      const b = await open();
      await a.rememberSubjects([{ key: 'k1', subject: '琶洲驿站', until: 10_000 }, { key: 'k2', subject: '南沙', until: 5_000 }, { key: 'k1', subject: '琶洲驿站', until: 12_000 }], 1_000);
      expect(await b.subjectsSince(0, 2_000)).toEqual([
        { key: 'k1', subject: '琶洲驿站', until: 12_000, at: 1_000 },
        { key: 'k2', subject: '南沙', until: 5_000, at: 1_000 },
      ]);
      await b.rememberSubjects([{ key: 'k1', subject: '海珠区', until: 11_000 }], 2_000); // older: ignored
      await b.rememberSubjects([{ key: 'k2', subject: '户籍', until: 20_000 }], 3_000);
      expect(await a.subjectsSince(2_500, 6_000)).toEqual([{ key: 'k2', subject: '户籍', until: 20_000, at: 3_000 }]);
      expect(await a.subjectsSince(0, 13_000)).toEqual([{ key: 'k2', subject: '户籍', until: 20_000, at: 3_000 }]);
      expect(await a.pruneSubjects(13_000)).toBe(1);
      expect(await count('conversations')).toBe(1);
    });
  });

  describe('the question log', () => {
    it('logs a batch, reads it back, takes one vote per answer, prunes old rows', async () => {
      const s = await open();
      await s.logQuestions([
        { id: 2 ** 46 + 5, at: 1_000, row: { door: 'private', lang: 'zh-Hans', question: '南沙落户要多久', outcome: 'answered', score: 0.93, article: 'a1', sentence: 'p2s5', latencyMs: 0.42 } },
        { id: 7, at: 2_000, row: { door: 'group', lang: 'en', question: 'hi', outcome: 'greeting' } },
      ]);
      expect(await s.questionsSince(0)).toEqual([
        { id: 2 ** 46 + 5, at: 1_000, door: 'private', lang: 'zh-Hans', question: '南沙落户要多久', outcome: 'answered', score: 0.93, article: 'a1', sentence: 'p2s5', latencyMs: 0.42, vote: null, picked: undefined, learned: undefined },
        { id: 7, at: 2_000, door: 'group', lang: 'en', question: 'hi', outcome: 'greeting', score: undefined, article: undefined, sentence: undefined, latencyMs: undefined, vote: null, picked: undefined, learned: undefined },
      ]);
      expect(await s.vote(7, false)).toBe(true);
      expect(await s.vote(7, true)).toBe(false);
      expect(await s.vote(8, true)).toBe(false);
      expect((await s.question(7))?.vote).toBe(-1);
      // The asker's pick among "did you mean" choices: one per question.
      expect(await s.pick(2 ** 46 + 5, 'a2', 'p3s1', 1_100)).toBe(true);
      expect(await s.pick(2 ** 46 + 5, 'a2', 'p4s1', 1_200)).toBe(false);
      expect(await s.pick(8, 'a2', 'p3s1')).toBe(false);
      expect((await s.question(2 ** 46 + 5))?.picked).toEqual({ article: 'a2', sentence: 'p3s1' });
      expect(await s.pruneQuestions(1_500)).toBe(1);
      expect((await s.questionsSince(0)).map((q) => q.id)).toEqual([7]);
      // A batch is all or nothing: a duplicate id refuses the whole batch.
      await expect(s.logQuestions([{ id: 9, at: 3_000, row: { door: 'cli', lang: 'en', question: 'x', outcome: 'help' } }, { id: 7, at: 3_000, row: { door: 'cli', lang: 'en', question: 'y', outcome: 'help' } }])).rejects.toThrow();
      expect(await s.question(9)).toBeUndefined();
    });

    it('marks an answer a learned phrasing gave', async () => {
      const s = await open();
      await s.logQuestions([{ id: 11, at: 1_000, row: { door: 'private', lang: 'zh-Hans', question: 'q', outcome: 'answered', article: 'a1', sentence: 'p1s1', learned: true } }]);
      expect((await s.question(11))?.learned).toBe(true);
    });
  });

  describe('what operators taught', () => {
    const teaching = (over: Partial<Teaching> = {}): Teaching => ({ key: 'k', question: 'q', lang: 'zh-Hans', kind: 'phrasing', article: 'a1', sentence: 'p1s1', version: 'v1', taughtBy: 'op1', ...over });

    it('records teachings, lists those in effect oldest first, and takes back the latest of one operator', async () => {
      const s = await open();
      const stamps = [await s.teachingStamp()];
      const first = await s.teach(teaching({ key: 'a' }), 1_000);
      await s.teach(teaching({ key: 'b', kind: 'decline', article: null, sentence: null, version: null, taughtBy: 'op2' }), 2_000);
      await s.teach(teaching({ key: 'c', kind: 'skip', article: null, sentence: null, version: null }), 3_000);
      stamps.push(await s.teachingStamp());
      expect((await s.teachings()).map((t) => [t.key, t.kind, t.taughtBy, t.at])).toEqual([
        ['a', 'phrasing', 'op1', 1_000],
        ['b', 'decline', 'op2', 2_000],
        ['c', 'skip', 'op1', 3_000],
      ]);
      expect((await s.teachings())[0]).toEqual({ id: first, ...teaching({ key: 'a' }), at: 1_000 });
      // op1's latest is the skip, then the phrasing; op2's decline stays.
      expect((await s.unteach('op1', 4_000))?.key).toBe('c');
      stamps.push(await s.teachingStamp());
      expect((await s.unteach('op1', 5_000))?.key).toBe('a');
      expect(await s.unteach('op1', 6_000)).toBeUndefined();
      expect((await s.teachings()).map((t) => t.key)).toEqual(['b']);
      stamps.push(await s.teachingStamp());
      // Every change changes the stamp.
      expect(new Set(stamps).size).toBe(stamps.length);
    });
  });
});

describe('storage faults by backend', () => {
  it('names what an operator can act on, and leaves bugs and refused rows alone', () => {
    const fault = (code: string, message = 'x') => storageFault(Object.assign(new Error(message), { code }));
    expect(fault('SQLITE_BUSY')).toBe('busy');
    expect(fault('SQLITE_FULL')).toBe('full');
    expect(fault('EPIPE')).toBe('unreachable');
    expect(fault('ECONNREFUSED')).toBe('unreachable');
    expect(fault('57P01')).toBe('unreachable'); // the server shut down
    expect(fault('08006')).toBe('unreachable');
    expect(fault('40P01')).toBe('busy'); // deadlock
    expect(fault('53100')).toBe('full');
    expect(fault('25006')).toBe('readonly');
    expect(fault('23505')).toBeUndefined(); // a duplicate key: not the storage's fault
    expect(fault('42P01')).toBeUndefined(); // a missing table: a bug
    expect(storageFault(new Error('Connection terminated unexpectedly'))).toBe('unreachable');
    expect(storageFault(new Error('boom'))).toBeUndefined();
  });
});

describe('SQLite only', () => {
  let file: string;
  beforeEach(() => {
    file = path.join(dir, 'bot.db');
  });
  const open = (f = file) => {
    const s = new SqliteStore(f);
    opened.push(s);
    return s;
  };

  it('creates the file and its missing folders, and migrates it, in WAL mode', () => {
    const nested = path.join(dir, 'a', 'b', 'c', 'bot.db');
    expect(existsSync(path.join(dir, 'a'))).toBe(false);
    open(nested);
    const raw = new Database(nested, { readonly: true });
    try {
      const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(tables).toEqual(['announcements', 'chats', 'conversations', 'deliveries', 'questions', 'schema_version', 'sends', 'subscriptions', 'teachings']);
      expect(raw.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SQLITE_MIGRATIONS }]);
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('retryBusy waits for a lock held by another connection without blocking, and gives up at its deadline', async () => {
    const s = open();
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('UPDATE schema_version SET version = version').run();
    const started = Date.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    setTimeout(() => holder.exec('COMMIT'), 300);
    await retryBusy(() => s.setLang(1, 'en'));
    clearInterval(timer);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // The event loop ran meanwhile: about 30 ticks of 10 ms.
    expect(ticks).toBeGreaterThan(10);
    expect(await s.lang(1)).toBe('en');

    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('UPDATE schema_version SET version = version').run();
    await expect(retryBusy(() => s.setLang(2, 'en'), { deadlineMs: 200 })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(storageFault(await retryBusy(() => s.setLang(2, 'en'), { deadlineMs: 100 }).catch((e: unknown) => e))).toBe('busy');
    holder.exec('ROLLBACK');
    holder.close();
  });

  it('a folder that cannot be created is a StoreOpenError naming the path and DATA_DIR', () => {
    const blocker = path.join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    expect(() => new SqliteStore(path.join(blocker, 'bot.sqlite'))).toThrow(StoreOpenError);
    expect(() => new SqliteStore(path.join(blocker, 'bot.sqlite'))).toThrow(/not-a-folder.*DATA_DIR/);
  });

  it('a claim of a live process on this host is kept', async () => {
    const s = open();
    const id = await s.announce('broadcast', 'x', [11]);
    const peek = new Database(file);
    peek.prepare("UPDATE deliveries SET status = 'sending', owner = ?, lease_until = ? WHERE announcement_id = ?").run(`${hostname()}:${process.ppid}:parent`, 9e15, id);
    peek.close();
    expect(await s.releaseDeadClaims()).toBe(0);
  });

  it('notices when its file is deleted or replaced', () => {
    const s = open();
    expect(s.sameDatabase()).toBe(true);
    rmSync(file);
    expect(s.sameDatabase()).toBe(false);
  });
});

describe.skipIf(!hasPostgres)('PostgreSQL only', () => {
  it('one replica leads at a time; when its session ends another takes over, and its claims are released', async () => {
    const url = await server.database();
    const a = await PostgresStore.open(url);
    const b = await PostgresStore.open(url);
    opened.push(b);
    let lostA = false;
    expect(await a.lead(() => (lostA = true))).toBe(true);
    expect(await b.lead(() => {})).toBe(false);
    const id = await a.announce('broadcast', 'x', [1]);
    expect((await a.claim(Date.now(), { leaseMs: 60_000, perSecond: 25, perGroupPerMinute: 20 })).delivery?.chatId).toBe(1);
    expect(await b.releaseDeadClaims()).toBe(0); // a is alive
    await a.close();
    expect(lostA).toBe(false); // closing is not losing
    expect(await b.lead(() => {})).toBe(true);
    expect(await b.releaseDeadClaims()).toBe(1);
    expect((await b.claim(Date.now(), { leaseMs: 60_000, perSecond: 25, perGroupPerMinute: 20 })).delivery).toMatchObject({ announcementId: id, chatId: 1 });
  });

  it('npm run migrate-store copies a SQLite file into an empty PostgreSQL database, all or nothing', async () => {
    const file = path.join(dir, 'bot.sqlite');
    const old = new SqliteStore(file);
    await old.setLang(42, 'en', 1_000);
    await old.subscribe({ chatId: -1001, chatType: 'supergroup', cadence: 'weekly', weekday: 2, time: '08:30', nextAt: 9_000 }, 1_000);
    await old.postDue(9_000, () => ({ skipTo: 9_000 }));
    const raw = new Database(file);
    raw.prepare('UPDATE subscriptions SET next_fact = 7').run();
    raw.close();
    const id = await old.announce('broadcast', '<b>hi</b>', [42, -1001, 43], 7, 2_000, { chatId: 7, lang: 'zh-Hant' });
    await old.mark(id, 42, 'sent', { messageId: 5 });
    await old.claim(3_000, { leaseMs: 60_000, perSecond: 25, perGroupPerMinute: 20 }); // -1001 in flight
    await old.logQuestions([{ id: 2 ** 45, at: 4_000, row: { door: 'private', lang: 'zh-Hans', question: '南沙落户要多久', outcome: 'answered', score: 1, article: 'a', sentence: 'p2s5', latencyMs: 0.5 } }]);
    await old.vote(2 ** 45, true);
    await old.pick(2 ** 45, 'a', 'p3s1');
    await old.close();

    const url = await server.database();
    const cli = run('src/cli/migrate-store.ts', ['--from', 'sqlite', '--to', url], { DATA_DIR: dir });
    expect(await cli.exited(30_000)).toBe(0);
    expect(JSON.parse(cli.output().trim().split('\n').at(-1)!)).toMatchObject({ copied: { chats: 1, subscriptions: 1, announcements: 1, deliveries: 3, questions: 1 } });

    const moved = await PostgresStore.open(url);
    opened.push(moved);
    expect(await moved.lang(42)).toBe('en');
    expect(await moved.subscription(-1001)).toEqual({ chatId: -1001, chatType: 'supergroup', cadence: 'weekly', weekday: 2, time: '08:30', nextFact: 7, nextAt: 9_000 });
    expect(await moved.report(id)).toEqual({ sent: 1, failed: 0, removed: 0, pending: 2 });
    expect(await moved.delivery(id, 42)).toMatchObject({ status: 'sent', messageId: 5 });
    // What was in flight is pending again, claimable at once.
    expect((await moved.claim(Date.now(), { leaseMs: 60_000, perSecond: 25, perGroupPerMinute: 20 })).delivery?.chatId).toBe(-1001);
    expect(await moved.question(2 ** 45)).toMatchObject({ question: '南沙落户要多久', vote: 1, picked: { article: 'a', sentence: 'p3s1' } });
    // New announcements continue after the copied ids.
    expect(await moved.announce('group', 'x', [1])).toBe(id + 1);

    // Into a database with data: refused, nothing changed.
    const again = run('src/cli/migrate-store.ts', ['--from', 'sqlite', '--to', url], { DATA_DIR: dir });
    expect(await again.exited(30_000)).toBe(1);
    expect(again.output()).toMatch(/already has chats: migrate into an empty database/);
    expect((await moved.subscriptions()).length).toBe(1);
    expect(await moved.unfinished()).toEqual([id, id + 1]);
  }, 60_000);

  it('a database that cannot be reached at start: a StoreOpenError naming it without its password, and the fix', async () => {
    const url = `postgres://bot:s3cret-pass@127.0.0.1:9/bot`;
    const started = Date.now();
    const err = (await PostgresStore.open(url).catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect(err.message).toMatch(/postgres:\/\/bot:\*\*\*@127\.0\.0\.1:9\/bot.*DATABASE_URL/);
    expect(err.message).not.toContain('s3cret-pass');
    expect(redactUrl('postgres://u:p%40ss@h/db')).toBe('postgres://u:***@h/db');
  });

  it('the server going away and coming back: writes fail as "unreachable" meanwhile, then work again', async () => {
    const url = await server.database();
    const s = await PostgresStore.open(url);
    opened.push(s);
    await s.setLang(1, 'en');
    server.halt();
    try {
      const err = await s.setLang(2, 'en').catch((e: unknown) => e);
      expect(storageFault(err)).toBe('unreachable');
    } finally {
      server.start();
    }
    await retryBusy(() => s.setLang(2, 'zh-Hant'), { deadlineMs: 10_000 });
    expect(await s.lang(2)).toBe('zh-Hant');
    expect(await s.lang(1)).toBe('en');
  }, 60_000);
});
