import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryQueue } from '../../src/announce/delivery-queue.js';
import { nextOccurrence, type Schedule } from '../../src/announce/schedule.js';
import { LATE_LIMIT_MS, runDue, type SchedulerOptions } from '../../src/announce/scheduler.js';
import { createLogger } from '../../src/log.js';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';

const ZONE = 'Asia/Shanghai';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const MINUTE = 60 * 1000;
const CHAT = -100123;
const DAILY9: Schedule = { cadence: 'daily', weekday: null, time: '09:00' };
/** 2026-11-27 09:00 in Shanghai. */
const T0 = Date.parse('2026-11-27T01:00:00Z');

let dir: string;
let store: Store;
let now: number;
let queue: DeliveryQueue;
let factCalls: [number, number][];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'scheduler-'));
  store = new Store(path.join(dir, 'bot.db'));
  queue = { kick() {} } as unknown as DeliveryQueue;
  factCalls = [];
  now = T0 - DAY; // 2026-11-26 09:00 Shanghai
});
afterEach(async () => {
  peeked?.close();
  peeked = undefined;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function options(): SchedulerOptions {
  return {
    store,
    queue,
    log: createLogger({ level: 'silent', secrets: [] }),
    zone: ZONE,
    factCount: () => 5,
    factHtml: (i, chatId) => {
      factCalls.push([i, chatId]);
      return `fact ${i}`;
    },
    now: () => now,
  };
}

/** The test's own connection to the store's file, to read its rows. */
let peeked: Database.Database | undefined;
const peek = () => (peeked ??= new Database(store.file, { readonly: true }));

/** Subscribes CHAT the way /subscribe would: first post at the next occurrence after `now`. */
async function subscribe(schedule: Schedule = DAILY9, chatId = CHAT): Promise<void> {
  await store.subscribe({ chatId, chatType: 'supergroup', ...schedule, nextAt: nextOccurrence(schedule, now, ZONE) }, now);
}

const announcements = () =>
  peek().prepare('SELECT id, kind, html, created_at AS createdAt FROM announcements ORDER BY id').all() as {
    id: number;
    kind: string;
    html: string;
    createdAt: number;
  }[];

describe('runDue', () => {
  it('posts a due subscription once: one announcement, one pending delivery, next time and fact moved on', async () => {
    now = T0 - 2 * HOUR; // 07:00, subscribe for 09:00 today
    await subscribe();
    expect((await store.subscription(CHAT))?.nextAt).toBe(T0);

    now = T0;
    const kick = vi.spyOn(queue, 'kick');
    expect(await runDue(options())).toBe(1);
    expect(kick).toHaveBeenCalledTimes(1);

    const rows = announcements();
    expect(rows).toEqual([{ id: rows[0]!.id, kind: 'scheduled', html: 'fact 0', createdAt: T0 }]);
    expect(await store.openDeliveries()).toEqual([{ announcementId: rows[0]!.id, chatId: CHAT, status: 'pending', attempts: 0, html: 'fact 0' }]);
    expect(factCalls).toEqual([[0, CHAT]]);
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: T0 + DAY, nextFact: 1 });

    // Running again at the same moment posts nothing more.
    expect(await runDue(options())).toBe(0);
    expect(kick).toHaveBeenCalledTimes(1);
    expect(announcements()).toHaveLength(1);
  });

  it('posts nothing before the time', async () => {
    now = T0 - 3 * HOUR;
    await subscribe();
    for (const t of [T0 - 3 * HOUR, T0 - HOUR, T0 - MINUTE, T0 - 1]) {
      now = t;
      expect(await runDue(options())).toBe(0);
    }
    expect(announcements()).toEqual([]);
    expect(await store.openDeliveries()).toEqual([]);
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: T0, nextFact: 0 });
    expect(factCalls).toEqual([]);

    now = T0;
    expect(await runDue(options())).toBe(1);
  });

  it('rotates through all facts before any repeats over 12 consecutive days', async () => {
    now = T0 - HOUR;
    await subscribe();
    for (let day = 0; day < 12; day++) {
      now = T0 + day * DAY - 30 * MINUTE; // before the time: nothing
      expect(await runDue(options())).toBe(0);
      now = T0 + day * DAY + 30 * 1000; // at 09:00:30 (a polling tick just after the time)
      expect(await runDue(options())).toBe(1);
      now += MINUTE; // next tick: nothing more that day
      expect(await runDue(options())).toBe(0);
    }
    expect(announcements().map((a) => a.html)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1].map((i) => `fact ${i}`));
    expect(announcements().map((a) => a.createdAt)).toEqual(Array.from({ length: 12 }, (_, d) => T0 + d * DAY + 30 * 1000));
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: T0 + 12 * DAY, nextFact: 12 });
    expect(await store.openDeliveries()).toHaveLength(12);
  });

  it('keeps separate rotations per chat and posts only the due ones', async () => {
    now = T0 - HOUR;
    await subscribe(DAILY9, -1);
    await subscribe({ cadence: 'daily', weekday: null, time: '10:00' }, -2);
    const raw = new Database(store.file);
    raw.prepare('UPDATE subscriptions SET next_fact = 3 WHERE chat_id = -1').run();
    raw.close();

    now = T0;
    expect(await runDue(options())).toBe(1);
    expect(factCalls).toEqual([[3, -1]]);
    now = T0 + HOUR;
    expect(await runDue(options())).toBe(1);
    expect(factCalls).toEqual([
      [3, -1],
      [0, -2],
    ]);
    expect((await store.openDeliveries()).map((d) => [d.chatId, d.html])).toEqual([
      [-1, 'fact 3'],
      [-2, 'fact 0'],
    ]);
  });

  it('a post missed by less than an hour (bot down) is posted once at the next run', async () => {
    now = T0 - HOUR;
    await subscribe();
    now = T0 + LATE_LIMIT_MS - 1; // 59:59.999 late
    expect(await runDue(options())).toBe(1);
    expect(announcements()).toEqual([expect.objectContaining({ html: 'fact 0', createdAt: now })]);
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: T0 + DAY, nextFact: 1 });

    now += 10 * MINUTE;
    expect(await runDue(options())).toBe(0);
    expect(announcements()).toHaveLength(1);
  });

  it('a post missed by an hour or more is skipped, and the subscription moves to the next future time', async () => {
    now = T0 - HOUR;
    await subscribe();
    now = T0 + LATE_LIMIT_MS; // exactly one hour late
    const kick = vi.spyOn(queue, 'kick');
    expect(await runDue(options())).toBe(0);
    expect(kick).not.toHaveBeenCalled();
    expect(announcements()).toEqual([]);
    expect(await store.openDeliveries()).toEqual([]);
    expect(factCalls).toEqual([]);
    // Rotation position unchanged: the skipped fact is the one posted next.
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: T0 + DAY, nextFact: 0 });

    now = T0 + DAY;
    expect(await runDue(options())).toBe(1);
    expect(announcements().map((a) => a.html)).toEqual(['fact 0']);
  });

  it('several missed days give no flood: only the latest missed post, if under an hour late, then the schedule', async () => {
    now = T0 - HOUR;
    await subscribe();
    // The bot was down from before T0 until day 3 at 10:30: day 3's post is 90 minutes late.
    now = T0 + 3 * DAY + 90 * MINUTE;
    expect(await runDue(options())).toBe(0);
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: T0 + 4 * DAY, nextFact: 0 });
    // Poll every minute until just before the next time: nothing.
    for (; now < T0 + 4 * DAY; now += MINUTE) expect(await runDue(options())).toBe(0);
    expect(announcements()).toEqual([]);
    now = T0 + 4 * DAY;
    expect(await runDue(options())).toBe(1);
    expect(announcements().map((a) => a.html)).toEqual(['fact 0']);
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: T0 + 5 * DAY, nextFact: 1 });
  });

  it('down for days, back 30 minutes after a post time: that one post, once', async () => {
    now = T0 - HOUR;
    await subscribe();
    now = T0 + 3 * DAY + 30 * MINUTE;
    expect(await runDue(options())).toBe(1);
    expect(await runDue(options())).toBe(0);
    expect(announcements().map((a) => a.html)).toEqual(['fact 0']);
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: T0 + 4 * DAY, nextFact: 1 });
  });

  it('several missed days, restart shortly after the time: at most one post that day', async () => {
    now = T0 - HOUR;
    await subscribe();
    now = T0 + 3 * DAY + 10 * MINUTE; // day 3, 09:10; the stored time is three days old
    let posted = 0;
    for (; now < T0 + 4 * DAY; now += 5 * MINUTE) posted += await runDue(options());
    expect(posted).toBe(1);
    expect(announcements().length).toBe(1);
    expect((await store.subscription(CHAT))?.nextAt).toBe(T0 + 4 * DAY);
  });

  it('weekly: posts on the weekday only, then a week later', async () => {
    // T0 is Friday 2026-11-27; subscribe for Monday 09:00.
    now = T0;
    await subscribe({ cadence: 'weekly', weekday: 1, time: '09:00' });
    const monday = T0 + 3 * DAY;
    expect((await store.subscription(CHAT))?.nextAt).toBe(monday);
    let posted = 0;
    for (now = T0; now < monday + 7 * DAY; now += 15 * MINUTE) posted += await runDue(options());
    expect(posted).toBe(1);
    expect(announcements().map((a) => a.createdAt)).toEqual([monday]);
    expect(await store.subscription(CHAT)).toMatchObject({ nextAt: monday + 7 * DAY, nextFact: 1 });
  });
});
