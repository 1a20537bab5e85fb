/**
 * The delivery queue against the Bot API stand-in and a real SQLite file. Time is a fake clock that
 * the queue's sleeps advance, so rate limits are checked exactly and nothing really waits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Telegram } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../src/announce/delivery-queue.js';
import { createLogger } from '../../src/log.js';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';
import { createWebhookServer } from '../../src/bot/webhook-server.js';
import { holdWriteLock, until } from '../support/process.js';
import type { AddressInfo } from 'node:net';
import { BotApiError, startStandin, type BotApiStandin } from '../support/bot-api-standin.js';

let standin: BotApiStandin;
let dir: string;
let store: Store;
let clock: number;
const log = createLogger({ level: 'silent', secrets: [] });

beforeEach(async () => {
  standin = await startStandin();
  dir = mkdtempSync(path.join(tmpdir(), 'queue-'));
  store = new Store(path.join(dir, 'bot.sqlite'));
  clock = 1_800_000_000_000;
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  await standin.close();
});

function queue(options: { perSecond?: number; perGroupPerMinute?: number } = {}): DeliveryQueue {
  return new DeliveryQueue({
    store,
    telegram: new Telegram(standin.token, { apiRoot: `${standin.url}/` }),
    log,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    ...options,
  });
}

/** Every message the chats received, by chat, with the fake time it was sent at. */
function recordSends(fault: (chatId: number, call: number) => BotApiError | undefined) {
  const received = new Map<number, number>();
  const times: { chatId: number; at: number }[] = [];
  let calls = 0;
  standin.onMethod('sendMessage', (params) => {
    const chatId = Number(params.chat_id);
    times.push({ chatId, at: clock });
    const error = fault(chatId, ++calls);
    if (error) throw error;
    received.set(chatId, (received.get(chatId) ?? 0) + 1);
    return { message_id: calls, date: 0, chat: { id: chatId, type: chatId > 0 ? 'private' : 'supergroup' }, text: String(params.text) };
  });
  return { received, times };
}

const maxInWindow = (times: number[], windowMs: number) => {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};

describe('delivery queue', () => {
  it('broadcasts to 1,000 chats through 429s, 500s and 403s: every live chat exactly once, within the rate limit', async () => {
    const chats = [...Array.from({ length: 800 }, (_, i) => 10_000 + i), ...Array.from({ length: 200 }, (_, i) => -1_000_000 - i)];
    for (const chatId of chats) await store.subscribe({ chatId, chatType: chatId > 0 ? 'private' : 'supergroup', cadence: 'daily', weekday: null, time: '09:00', nextAt: clock + 1e9 });
    const blocked = new Set(chats.filter((_, i) => i % 37 === 5));
    const migrated = -1_000_007;
    const { received, times } = recordSends((chatId, call) => {
      if (blocked.has(chatId)) return new BotApiError(403, 'Forbidden: bot was blocked by the user');
      if (chatId === migrated) return new BotApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1_009_999 });
      if (call % 97 === 0) return new BotApiError(429, 'Too Many Requests: retry after 3', { retry_after: 3 });
      if (call % 61 === 0) return new BotApiError(500, 'Internal Server Error');
      return undefined;
    });

    const id = await store.announce('broadcast', '<b>通知</b> 南沙落户只需10个工作日', chats);
    const q = queue({ perSecond: 25 });
    await q.drain();

    const live = chats.filter((c) => !blocked.has(c) && c !== migrated);
    for (const chatId of live) expect(received.get(chatId), `chat ${chatId}`).toBe(1);
    for (const chatId of blocked) expect(received.has(chatId)).toBe(false);
    expect(received.get(-1_009_999)).toBe(1);
    expect(await store.report(id)).toEqual({ sent: live.length + 1, failed: 0, removed: blocked.size, pending: 0 });
    // Blocked chats are unsubscribed; the migrated group is followed to its new id.
    expect(await store.subscriptions()).toHaveLength(chats.length - blocked.size);
    expect(await store.subscription(-1_009_999)).toBeDefined();
    expect(await store.subscription(migrated)).toBeUndefined();
    // Never more than 25 calls in any second, and the 429s were waited out.
    expect(maxInWindow(times.map((t) => t.at), 1_000)).toBeLessThanOrEqual(25);
    for (const [i, t] of times.entries()) if ((i + 1) % 97 === 0) expect(times[i + 1]!.at - t.at).toBeGreaterThanOrEqual(3_000);
  }, 30_000);

  it('sends at most 20 messages a minute to one group', async () => {
    const group = -1_000_123;
    const { times } = recordSends(() => undefined);
    for (let i = 0; i < 45; i++) await store.announce('group', `第${i}条`, [group]);
    await queue({ perGroupPerMinute: 20 }).drain();
    const at = times.map((t) => t.at);
    expect(at).toHaveLength(45);
    expect(maxInWindow(at, 60_000)).toBe(20);
  });

  it('retries a 5xx with back-off and gives up after a bounded number of tries', async () => {
    const { times } = recordSends(() => new BotApiError(500, 'Internal Server Error'));
    const id = await store.announce('broadcast', 'x', [4242]);
    await queue().drain();
    expect(times).toHaveLength(5);
    expect(times[4]!.at - times[0]!.at).toBeGreaterThanOrEqual(500 + 1000 + 2000 + 4000);
    expect(await store.report(id)).toEqual({ sent: 0, failed: 1, removed: 0, pending: 0 });
  });

  it('splits an announcement longer than Telegram allows, like a reply', async () => {
    const texts: string[] = [];
    standin.onMethod('sendMessage', (params) => {
      texts.push(String(params.text));
      return { message_id: texts.length, date: 0, chat: { id: Number(params.chat_id), type: 'private' }, text: String(params.text) };
    });
    const long = Array.from({ length: 300 }, (_, i) => `第${i}句：琶洲驿站24小时不打烊。`).join('');
    expect(long.length).toBeGreaterThan(4096);
    const id = await store.announce('broadcast', long, [4343]);
    await queue().drain([id]);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts.every((t) => t.length <= 4096)).toBe(true);
    expect(texts.join('')).toBe(long);
    expect(await store.delivery(id, 4343)).toMatchObject({ status: 'sent', messageId: 1 });
  });

  it('resumes after a crash: what was in flight is sent again, nothing else twice', async () => {
    const { received } = recordSends(() => undefined);
    const chats = [1, 2, 3, 4, 5];
    const id = await store.announce('broadcast', 'x', chats);
    // As a crash leaves it: chat 1 delivered, chat 2 marked in flight, the rest pending.
    await store.mark(id, 1, 'sent');
    await store.mark(id, 2, 'sending', { attempt: true });
    await queue().drain();
    expect([...received.keys()].sort()).toEqual([2, 3, 4, 5]);
    expect((await store.report(id)).sent).toBe(5);
  });
});

describe('delivery queue under a held lock (real time)', () => {
  it('reports degraded (also on /healthz) while another process holds the write lock, then delivers everything once', async () => {
    const { received } = recordSends(() => undefined);
    const chats = Array.from({ length: 10 }, (_, i) => 70_000 + i);
    const id = await store.announce('broadcast', 'x', chats);
    const log = createLogger({ level: 'silent', secrets: [] });
    const q = new DeliveryQueue({ store, telegram: new Telegram(standin.token, { apiRoot: `${standin.url}/` }), log, perSecond: 30 });
    const server = createWebhookServer(undefined as never, { path: '/hook', secret: 'x'.repeat(16), version: 'v1', log, health: () => ({ queue: q.health() }) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
      return { code: res.status, body: await res.json() as { status: string; queue: { fault?: string } } };
    };
    try {
      const lock = await holdWriteLock(store.file, 1_500);
      q.start();
      await until(() => q.health().degraded, 5_000, 'degraded');
      const during = await health();
      expect(during.code).toBe(200);
      expect(during.body.status).toBe('degraded');
      expect(during.body.queue.fault).toBe('busy');
      expect(received.size).toBe(0);
      await lock.released;
      await until(() => received.size === chats.length, 10_000, 'every chat');
      await until(() => !q.health().degraded, 5_000, 'healthy again');
      expect((await health()).body.status).toBe('ok');
      expect([...received.values()].every((n) => n === 1)).toBe(true);
      await until(async () => (await store.report(id)).pending === 0, 5_000, 'every delivery marked');
      expect(await store.report(id)).toMatchObject({ sent: 10, pending: 0 });
    } finally {
      await q.stop();
      server.close();
    }
  }, 20_000);
});

describe('delivery queue and a hung Bot API call (real time)', () => {
  it('abandons a send that hangs, delivers the others meanwhile, and sends the hung one later', async () => {
    const delivered: number[] = [];
    let hung = 0;
    standin.onMethod('sendMessage', async (params) => {
      const chatId = Number(params.chat_id);
      if (chatId === 90_000 && hung++ === 0) await new Promise(() => {});
      delivered.push(chatId);
      return { message_id: delivered.length, date: 0, chat: { id: chatId, type: 'private' }, text: String(params.text) };
    });
    const id = await store.announce('broadcast', 'x', [90_000, 90_001, 90_002]);
    const q = new DeliveryQueue({ store, telegram: new Telegram(standin.token, { apiRoot: `${standin.url}/` }), log, sendTimeoutMs: 300 });
    await q.drain([id]);
    expect(delivered.slice(0, 2)).toEqual([90_001, 90_002]);
    expect(delivered.filter((c) => c === 90_000)).toHaveLength(1);
    expect(await store.report(id)).toMatchObject({ sent: 3, pending: 0 });
  }, 10_000);
});
