import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryBusy, Store, StoreOpenError, storageFault } from '../../src/store/store.js';

/** How many migrations src/store/store.ts has today; update when one is added. */
const MIGRATION_COUNT = 3;

let dir: string;
let file: string;
const open: Store[] = [];

/** Connections of the test's own to a store's file, to look at (or set up) its rows directly. */
const peeks: Database.Database[] = [];
function sql(s: Store): Database.Database {
  const d = new Database(s.file);
  peeks.push(d);
  return d;
}

/** Opens a store on the test's file and closes it after the test. */
function openStore(f = file): Store {
  const s = new Store(f);
  open.push(s);
  return s;
}

function closeStore(s: Store): void {
  s.close();
  open.splice(open.indexOf(s), 1);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'store-'));
  file = path.join(dir, 'bot.db');
});
afterEach(() => {
  for (const s of open.splice(0)) if (s.isOpen) s.close();
  for (const d of peeks.splice(0)) d.close();
  rmSync(dir, { recursive: true, force: true });
});

const version = (s: Store) => sql(s).prepare('SELECT version FROM schema_version').all() as { version: number }[];
const tables = (s: Store) =>
  (sql(s).prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('opening and migrating', () => {
  it('creates the file and its missing folders, and migrates it', () => {
    const nested = path.join(dir, 'a', 'b', 'c', 'bot.db');
    expect(existsSync(path.join(dir, 'a'))).toBe(false);
    const s = openStore(nested);
    expect(existsSync(nested)).toBe(true);
    expect(tables(s)).toEqual(['announcements', 'chats', 'deliveries', 'questions', 'schema_version', 'sends', 'subscriptions']);
    expect(version(s)).toEqual([{ version: MIGRATION_COUNT }]);
  });

  it('keeps the data when the same file is opened again and does not re-run migrations', () => {
    const first = openStore();
    first.setLang(42, 'en', 1000);
    first.subscribe({ chatId: -7, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 5000 }, 1000);
    const id = first.announce('broadcast', '<b>hi</b>', [42, -7], 1, 1000);
    closeStore(first);

    const second = openStore();
    expect(version(second)).toEqual([{ version: MIGRATION_COUNT }]);
    expect(second.lang(42)).toBe('en');
    expect(second.subscription(-7)).toEqual({ chatId: -7, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextFact: 0, nextAt: 5000 });
    expect(second.report(id)).toEqual({ sent: 0, failed: 0, removed: 0, pending: 2 });
    closeStore(second);

    // A third open still finds exactly one version row with the same number.
    const third = openStore();
    expect(version(third)).toEqual([{ version: MIGRATION_COUNT }]);
    expect(third.subscriptions()).toHaveLength(1);
  });

  it('uses WAL journaling, recorded in the file itself', () => {
    const s = openStore();
    expect(sql(s).pragma('journal_mode', { simple: true })).toBe('wal');
    s.setLang(1, 'en');
    closeStore(s);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });
});

describe('chat settings', () => {
  it('setLang/lang persist across close and reopen; setLang(undefined) clears', () => {
    const s = openStore();
    expect(s.lang(1)).toBeUndefined();
    s.setLang(1, 'zh-Hant');
    s.setLang(2, 'en');
    s.setLang(1, 'zh-Hans'); // overwrite
    closeStore(s);

    const again = openStore();
    expect(again.lang(1)).toBe('zh-Hans');
    expect(again.lang(2)).toBe('en');
    again.setLang(1, undefined);
    expect(again.lang(1)).toBeUndefined();
    expect(again.lang(2)).toBe('en');
    closeStore(again);

    const third = openStore();
    expect(third.lang(1)).toBeUndefined();
    expect(third.lang(2)).toBe('en');
  });
});

describe('subscriptions', () => {
  it('subscribe, subscription, subscriptions, unsubscribe', () => {
    const s = openStore();
    s.subscribe({ chatId: -200, chatType: 'supergroup', cadence: 'weekly', weekday: 3, time: '18:30', nextAt: 9000, createdBy: 77 }, 100);
    s.subscribe({ chatId: -100, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 8000 }, 100);

    expect(s.subscription(-200)).toEqual({ chatId: -200, chatType: 'supergroup', cadence: 'weekly', weekday: 3, time: '18:30', nextFact: 0, nextAt: 9000 });
    expect(s.subscription(-300)).toBeUndefined();
    expect(s.subscriptions().map((x) => x.chatId)).toEqual([-200, -100]); // ordered by chat id
    expect(sql(s).prepare('SELECT created_by, created_at FROM subscriptions WHERE chat_id = -200').get()).toEqual({ created_by: 77, created_at: 100 });

    expect(s.unsubscribe(-200)).toBe(true);
    expect(s.unsubscribe(-200)).toBe(false);
    expect(s.subscription(-200)).toBeUndefined();
    expect(s.subscriptions().map((x) => x.chatId)).toEqual([-100]);
  });

  it('subscribing again updates the schedule and keeps the rotation position', () => {
    const s = openStore();
    s.subscribe({ chatId: -100, chatType: 'group', cadence: 'daily', weekday: null, time: '09:00', nextAt: 8000 });
    s.advance(-100, 9000, 4);
    s.subscribe({ chatId: -100, chatType: 'supergroup', cadence: 'weekly', weekday: 5, time: '20:15', nextAt: 12_000 });
    expect(s.subscription(-100)).toEqual({ chatId: -100, chatType: 'supergroup', cadence: 'weekly', weekday: 5, time: '20:15', nextFact: 4, nextAt: 12_000 });
    expect(s.subscriptions()).toHaveLength(1);
  });

  it('rejects a cadence or weekday outside the allowed values', () => {
    const s = openStore();
    expect(() => s.subscribe({ chatId: 1, chatType: 'private', cadence: 'hourly' as 'daily', weekday: null, time: '09:00', nextAt: 1 })).toThrow(/CHECK/);
    expect(() => s.subscribe({ chatId: 1, chatType: 'private', cadence: 'weekly', weekday: 8, time: '09:00', nextAt: 1 })).toThrow(/CHECK/);
    expect(s.subscriptions()).toEqual([]);
  });

  it('due(now) returns only subscriptions with next_at <= now, earliest first', () => {
    const s = openStore();
    s.subscribe({ chatId: 1, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: 300 });
    s.subscribe({ chatId: 2, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: 100 });
    s.subscribe({ chatId: 3, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: 200 });
    expect(s.due(99)).toEqual([]);
    expect(s.due(100).map((x) => x.chatId)).toEqual([2]);
    expect(s.due(299).map((x) => x.chatId)).toEqual([2, 3]);
    expect(s.due(300).map((x) => x.chatId)).toEqual([2, 3, 1]);
  });

  it('advance moves next_at and next_fact of that subscription only', () => {
    const s = openStore();
    s.subscribe({ chatId: 1, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: 100 });
    s.subscribe({ chatId: 2, chatType: 'private', cadence: 'daily', weekday: null, time: '09:00', nextAt: 100 });
    s.advance(1, 86_500, 3);
    expect(s.subscription(1)).toMatchObject({ nextAt: 86_500, nextFact: 3 });
    expect(s.subscription(2)).toMatchObject({ nextAt: 100, nextFact: 0 });
    expect(s.due(100).map((x) => x.chatId)).toEqual([2]);
  });

  it('migrateChat moves the subscription and the chat settings to the new id', () => {
    const s = openStore();
    s.subscribe({ chatId: -100, chatType: 'group', cadence: 'weekly', weekday: 1, time: '09:00', nextAt: 5000 });
    s.advance(-100, 6000, 2);
    s.setLang(-100, 'zh-Hant');
    s.setLang(-555, 'en'); // someone else, untouched

    s.migrateChat(-100, -1001234567890);

    expect(s.subscription(-100)).toBeUndefined();
    expect(s.lang(-100)).toBeUndefined();
    expect(s.subscription(-1001234567890)).toEqual({ chatId: -1001234567890, chatType: 'group', cadence: 'weekly', weekday: 1, time: '09:00', nextFact: 2, nextAt: 6000 });
    expect(s.lang(-1001234567890)).toBe('zh-Hant');
    expect(s.lang(-555)).toBe('en');
    expect(s.subscriptions()).toHaveLength(1);
  });
});

describe('announcements and deliveries', () => {
  const deliveries = (s: Store, id: number) =>
    sql(s).prepare('SELECT chat_id, status, attempts FROM deliveries WHERE announcement_id = ? ORDER BY chat_id').all(id);

  it('announce creates one pending delivery per chat, ignoring duplicate chat ids', () => {
    const s = openStore();
    const id = s.announce('broadcast', '<b>news</b>', [3, 1, 2, 1, 3], 99, 1234);
    expect(sql(s).prepare('SELECT id, kind, html, created_by, created_at, finished_at FROM announcements').all()).toEqual([
      { id, kind: 'broadcast', html: '<b>news</b>', created_by: 99, created_at: 1234, finished_at: null },
    ]);
    expect(deliveries(s, id)).toEqual([
      { chat_id: 1, status: 'pending', attempts: 0 },
      { chat_id: 2, status: 'pending', attempts: 0 },
      { chat_id: 3, status: 'pending', attempts: 0 },
    ]);
    const second = s.announce('scheduled', 'x', [1]);
    expect(second).toBe(id + 1);
  });

  it('announce is one transaction: a failure part-way leaves nothing behind', () => {
    const s = openStore();
    // The third chat id cannot be bound, so the insert fails after the announcement and two deliveries.
    expect(() => s.announce('broadcast', 'x', [1, 2, {} as unknown as number])).toThrow();
    expect(sql(s).prepare('SELECT COUNT(*) AS n FROM announcements').get()).toEqual({ n: 0 });
    expect(sql(s).prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual({ n: 0 });
    expect(s.openDeliveries()).toEqual([]);
  });

  it("openDeliveries returns 'sending' ones before 'pending' ones, then by announcement and chat", () => {
    const s = openStore();
    const a = s.announce('broadcast', 'A', [1, 2, 3, 4]);
    const b = s.announce('broadcast', 'B', [5, 6]);
    s.mark(b, 6, 'sending');
    s.mark(a, 3, 'sending');
    s.mark(a, 1, 'sent');
    s.mark(a, 4, 'failed');
    expect(s.openDeliveries()).toEqual([
      { announcementId: a, chatId: 3, status: 'sending', attempts: 0, html: 'A' },
      { announcementId: b, chatId: 6, status: 'sending', attempts: 0, html: 'B' },
      { announcementId: a, chatId: 2, status: 'pending', attempts: 0, html: 'A' },
      { announcementId: b, chatId: 5, status: 'pending', attempts: 0, html: 'B' },
    ]);
    expect(s.openDeliveries(2).map((d) => [d.announcementId, d.chatId])).toEqual([
      [a, 3],
      [b, 6],
    ]);
  });

  it('mark with attempt increments attempts; without it the count stays; message id is kept', () => {
    const s = openStore();
    const id = s.announce('broadcast', 'x', [10, 20]);
    s.mark(id, 10, 'sending', { attempt: true });
    s.mark(id, 10, 'pending', { error: '502 Bad Gateway' });
    expect(s.delivery(id, 10)).toEqual({ status: 'pending', messageId: null, error: '502 Bad Gateway' });
    s.mark(id, 10, 'sending', { attempt: true });
    s.mark(id, 10, 'sent', { messageId: 555 });
    s.mark(id, 10, 'sent'); // no message id given: the stored one stays
    expect(s.delivery(id, 10)).toEqual({ status: 'sent', messageId: 555, error: null });
    expect(deliveries(s, id)).toEqual([
      { chat_id: 10, status: 'sent', attempts: 2 },
      { chat_id: 20, status: 'pending', attempts: 0 },
    ]);
    expect(s.delivery(id, 30)).toBeUndefined();
  });

  it('report counts sent, failed, removed and pending (pending includes sending)', () => {
    const s = openStore();
    const id = s.announce('broadcast', 'x', [1, 2, 3, 4, 5, 6, 7]);
    const other = s.announce('broadcast', 'y', [1, 2]);
    s.mark(id, 1, 'sent', { messageId: 1 });
    s.mark(id, 2, 'sent', { messageId: 2 });
    s.mark(id, 3, 'failed', { error: 'bad' });
    s.mark(id, 4, 'removed');
    s.mark(id, 5, 'sending');
    s.mark(other, 1, 'failed');
    expect(s.report(id)).toEqual({ sent: 2, failed: 1, removed: 1, pending: 3 });
    expect(s.report(other)).toEqual({ sent: 0, failed: 1, removed: 0, pending: 1 });
    expect(s.report(12345)).toEqual({ sent: 0, failed: 0, removed: 0, pending: 0 });
  });

  it('unfinished lists announcements with pending or sending deliveries', () => {
    const s = openStore();
    const done = s.announce('broadcast', 'done', [1, 2]);
    const pending = s.announce('broadcast', 'pending', [1, 2]);
    const sending = s.announce('broadcast', 'sending', [1]);
    s.mark(done, 1, 'sent');
    s.mark(done, 2, 'removed');
    s.mark(pending, 1, 'sent');
    s.mark(sending, 1, 'sending');
    expect(s.unfinished()).toEqual([pending, sending]);
    s.mark(pending, 2, 'failed');
    s.mark(sending, 1, 'sent');
    expect(s.unfinished()).toEqual([]);
  });

  it('open deliveries survive a close and reopen', () => {
    const s = openStore();
    const id = s.announce('broadcast', 'x', [1, 2]);
    s.mark(id, 1, 'sending', { attempt: true });
    closeStore(s);
    const again = openStore();
    expect(again.unfinished()).toEqual([id]);
    expect(again.openDeliveries()).toEqual([
      { announcementId: id, chatId: 1, status: 'sending', attempts: 1, html: 'x' },
      { announcementId: id, chatId: 2, status: 'pending', attempts: 0, html: 'x' },
    ]);
  });
});

describe('claims shared by processes', () => {
  const limits = { leaseMs: 60_000, perSecond: 25, perGroupPerMinute: 20 };

  it('two connections on one file never claim the same delivery', () => {
    const a = openStore();
    const b = openStore();
    const chats = Array.from({ length: 50 }, (_, i) => 100 + i);
    const id = a.announce('broadcast', 'x', chats);
    const claimed: number[] = [];
    let now = 1_000_000;
    for (let i = 0; i < 60; i++) {
      const store = i % 2 ? a : b;
      const c = store.claim((now += 100), limits);
      if (c.delivery) {
        claimed.push(c.delivery.chatId);
        store.mark(id, c.delivery.chatId, 'sent', {}, now);
      }
    }
    expect(claimed.sort((x, y) => x - y)).toEqual(chats);
    expect(a.report(id)).toEqual({ sent: 50, failed: 0, removed: 0, pending: 0 });
  });

  it('a claim holds until its lease lapses, then another process takes it over', () => {
    const a = openStore();
    const b = openStore();
    const id = a.announce('broadcast', 'x', [7]);
    const first = a.claim(1_000, limits);
    expect(first.delivery?.chatId).toBe(7);
    const meanwhile = b.claim(2_000, limits);
    expect(meanwhile.delivery).toBeUndefined();
    // Told to come back when the lease lapses.
    expect(meanwhile.delivery ? 0 : meanwhile.waitMs).toBe(59_000);
    const after = b.claim(61_001, limits);
    expect(after.delivery).toMatchObject({ announcementId: id, chatId: 7, attempts: 1 });
  });

  it('counts every process’s sends: overall per second, and per group per minute with answers included', () => {
    const a = openStore();
    const b = openStore();
    a.announce('broadcast', 'x', Array.from({ length: 40 }, (_, i) => 1 + i));
    let sent = 0;
    for (let i = 0; i < 40; i++) if ((i % 2 ? a : b).claim(5_000, { ...limits, perSecond: 25 }).delivery) sent++;
    expect(sent).toBe(25);
    const wait = a.claim(5_000, limits);
    expect(wait.delivery ? 0 : wait.waitMs).toBe(1_000);

    const other = path.join(dir, 'groups.db');
    const c = openStore(other);
    const d = openStore(other);
    const group = -55;
    for (let i = 0; i < 19; i++) d.recordSend(group, 'answer', 100_000);
    c.announce('group', 'g1', [group]);
    c.announce('group', 'g2', [group]);
    expect(c.claim(100_001, limits).delivery?.chatId).toBe(group);
    const full = d.claim(100_002, limits);
    expect(full.delivery).toBeUndefined();
    expect(full.delivery ? 0 : full.waitMs).toBe(59_998);
  });

  it('a retry time keeps a delivery back until it comes', () => {
    const s = openStore();
    const id = s.announce('broadcast', 'x', [9]);
    s.claim(1_000, limits);
    s.mark(id, 9, 'pending', { error: '502', notBefore: 5_000 }, 1_000);
    const early = s.claim(2_000, limits);
    expect(early.delivery ? 0 : early.waitMs).toBe(3_000);
    expect(s.claim(5_000, limits).delivery?.chatId).toBe(9);
  });

  it('a restart on the same host releases the claims of its dead predecessor at once', async () => {
    const a = openStore();
    const id = a.announce('broadcast', 'x', [11]);
    // A claim left by a process that no longer exists (a pid far above any live one).
    sql(a).prepare("UPDATE deliveries SET status = 'sending', owner = ?, lease_until = ? WHERE announcement_id = ?").run(`${hostname()}:999999999:dead`, 9e15, id);
    const b = openStore();
    expect(b.claim(Date.now(), limits).delivery).toBeUndefined();
    expect(b.releaseDeadClaims()).toBe(1);
    expect(b.claim(Date.now(), limits).delivery?.chatId).toBe(11);
  });
});

describe('storage faults', () => {
  it('retryBusy waits for a lock held by another connection without blocking, and gives up at its deadline', async () => {
    const s = openStore();
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
    expect(s.lang(1)).toBe('en');

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
    expect(() => new Store(path.join(blocker, 'bot.sqlite'))).toThrow(StoreOpenError);
    expect(() => new Store(path.join(blocker, 'bot.sqlite'))).toThrow(/not-a-folder.*DATA_DIR/);
  });

  it('notices when its file is deleted or replaced', () => {
    const s = openStore();
    expect(s.sameFile()).toBe(true);
    rmSync(file);
    expect(s.sameFile()).toBe(false);
  });
});
