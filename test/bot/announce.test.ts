/**
 * Announcements end to end: the real bot polling the Bot API stand-in, a real SQLite file, the real
 * delivery queue; admins by getChatMember or ADMIN_IDS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Telegram } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factHtml, rotation } from '../../src/announce/content.js';
import { DeliveryQueue } from '../../src/announce/delivery-queue.js';
import { runDue } from '../../src/announce/scheduler.js';
import { broadcastReportHtml } from '../../src/bot/features/announce.js';
import { createBot } from '../../src/bot/create-bot.js';
import { storeSettings } from '../../src/bot/deps.js';
import { OutboundLimits } from '../../src/limits.js';
import { createLogger } from '../../src/log.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';
import { startStandin, type BotApiStandin, type RecordedCall } from '../support/bot-api-standin.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const OPERATOR = 777;
const { engine, ctx: render } = openEngine(TEST_KNOWLEDGE);
const dir = mkdtempSync(path.join(tmpdir(), 'announce-'));
let standin: BotApiStandin;
let store: Store;
let queue: DeliveryQueue;
let stop: () => Promise<void>;
let nextId = 5000;
const fresh = () => ++nextId;
const freshGroup = () => -2_000_000_000 - ++nextId;
const text = (c: RecordedCall) => String(c.params.text ?? '');
const sentTo = (chatId: number, pred: (t: string) => boolean = () => true) =>
  standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.response?.ok === true && pred(text(c)));

async function makeBot(s: Store) {
  const log = createLogger({ level: (process.env.TEST_LOG as 'info') ?? 'silent', secrets: [], write: (l) => process.stderr.write(l) });
  return createBot(
    { token: standin.token, apiRoot: standin.url },
    {
      engine,
      render,
      log,
      settings: await storeSettings(s, log),
      limits: new OutboundLimits({ perUserMs: 0, groupPerMinute: 1000, privateBurst: 1000 }),
      now: Date.now,
      sleep: async () => {},
      announce: { store: s, queue, adminIds: new Set([OPERATOR]), zone: 'Asia/Shanghai' },
    },
  );
}

beforeAll(async () => {
  standin = await startStandin({ maxPollMs: 300 });
  store = new Store(path.join(dir, 'bot.sqlite'));
  queue = new DeliveryQueue({ store, telegram: new Telegram(standin.token, { apiRoot: `${standin.url}/` }), log: createLogger({ level: 'silent', secrets: [] }), perSecond: 30, reportHtml: broadcastReportHtml });
  queue.start();
  const { bot, inFlight } = await makeBot(store);
  const running = bot.launch({ dropPendingUpdates: false });
  stop = async () => {
    bot.stop('done');
    await running;
    await inFlight.idle();
    await queue.stop();
  };
});

afterAll(async () => {
  await stop();
  await standin.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('in a group', () => {
  it('refuses /announce and /subscribe from a non-admin, with a short reply to the command', async () => {
    const group = freshGroup();
    const user = fresh();
    standin.setChatMember(group, user, 'member');
    const command = standin.groupText('/announce', { chatId: group, userId: user, languageCode: 'en' });
    const refusal = await sentTo(group);
    expect(text(refusal)).toMatch(/Only group admins/);
    expect(text(refusal).length).toBeLessThan(200);
    expect(refusal.params.reply_parameters).toMatchObject({ message_id: command.message!.message_id });
    standin.groupText('/subscribe daily 09:00', { chatId: group, userId: user, languageCode: 'en' });
    await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === group && standin.callsTo('sendMessage').filter((x) => x.params.chat_id === group).length === 2);
    expect(await store.subscription(group)).toBeUndefined();
  });

  it('posts the digest for an admin: key facts with quotes and attribution, valid HTML, in one message', async () => {
    const group = freshGroup();
    const admin = fresh();
    standin.setChatMember(group, admin, 'administrator');
    standin.groupText('/announce', { chatId: group, userId: admin, languageCode: 'zh-hans' });
    const digest = text(await sentTo(group));
    expect(digest).toContain('广州日报');
    for (const fact of ['430', '128', '10个工作日', '琶洲']) expect(digest).toContain(fact);
  });

  it('an anonymous admin (a message sent as the group itself) may /announce', async () => {
    const group = freshGroup();
    const chat = { id: group, type: 'supergroup' as const, title: 'Anonymous admins' };
    standin.pushUpdate({
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat,
        sender_chat: chat,
        from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
        text: '/announce',
        entities: [{ type: 'bot_command', offset: 0, length: 9 }],
      },
    } as never);
    expect(text(await sentTo(group))).toContain('广州日报');
    expect(standin.callsTo('getChatMember').filter((c) => c.params.chat_id === group)).toHaveLength(0);
  });

  it('/announce pin pins, or says clearly that it may not', async () => {
    const group = freshGroup();
    const admin = fresh();
    standin.setChatMember(group, admin, 'creator');
    standin.groupText('/announce pin', { chatId: group, userId: admin, languageCode: 'en' });
    const pinned = await standin.waitFor((c) => c.method === 'pinChatMessage' && c.params.chat_id === group);
    expect(pinned.response?.ok).toBe(true);

    const other = freshGroup();
    standin.setChatMember(other, admin, 'creator');
    standin.setCanPin(false, other);
    standin.groupText('/announce pin', { chatId: other, userId: admin, languageCode: 'en' });
    expect(text(await sentTo(other, (t) => t.includes('pin')))).toMatch(/may not pin/);
  });

  it('/announce <keyword> posts that fact', async () => {
    const group = freshGroup();
    const admin = fresh();
    standin.setChatMember(group, admin, 'administrator');
    standin.groupText('/announce 南沙落户', { chatId: group, userId: admin, languageCode: 'zh-hans' });
    expect(text(await sentTo(group))).toContain('只需10个工作日');
  });

  it('/subscribe, /subscription, /unsubscribe for an admin; the next post time is in ANNOUNCE_TZ', async () => {
    const group = freshGroup();
    const admin = fresh();
    standin.setChatMember(group, admin, 'administrator');
    standin.groupText('/subscribe weekly mon 09:30', { chatId: group, userId: admin, languageCode: 'en' });
    expect(text(await sentTo(group))).toMatch(/Subscribed\. Next post: \d{4}-\d{2}-\d{2} 09:30 \(Asia\/Shanghai\)/);
    expect(await store.subscription(group)).toMatchObject({ cadence: 'weekly', weekday: 1, time: '09:30' });
    standin.groupText('/subscription', { chatId: group, userId: fresh(), languageCode: 'en' });
    expect(text(await sentTo(group, (t) => t.startsWith('Subscription')))).toContain('weekly Mon 09:30');
    // In Chinese, no English words: 每周一.
    standin.groupText('/subscription', { chatId: group, userId: fresh(), languageCode: 'zh-hans' });
    const zh = text(await sentTo(group, (t) => t.startsWith('订阅')));
    expect(zh).toContain('每周一 09:30');
    expect(zh).not.toMatch(/[A-Za-z]{3,}(?![^(]*\))/);
    standin.groupText('/unsubscribe', { chatId: group, userId: admin, languageCode: 'en' });
    await sentTo(group, (t) => t === 'Unsubscribed.');
    expect(await store.subscription(group)).toBeUndefined();
  });
});

describe('in a private chat and for operators', () => {
  it('anyone subscribes themselves', async () => {
    const user = fresh();
    standin.privateText('/subscribe daily 08:00', { userId: user, languageCode: 'zh-hans' });
    expect(text(await sentTo(user))).toContain('已订阅');
    expect((await store.subscription(user))?.cadence).toBe('daily');
  });

  it('/broadcast longer than a Telegram message (a forged update): nothing queued, nothing sent', async () => {
    const before = (await store.unfinished()).length;
    standin.clearCalls();
    standin.privateText(`/broadcast ${'系统维护通知'.repeat(700)}`, { userId: OPERATOR, languageCode: 'en' });
    // A question after it is answered: the forged update was dropped, not left pending.
    standin.privateText('/help', { userId: OPERATOR, languageCode: 'en' });
    await sentTo(OPERATOR);
    expect((await store.unfinished()).length).toBe(before);
    expect(standin.callsTo('sendMessage')).toHaveLength(1);
  });

  it('/broadcast: refused to others; an operator gets every subscribed chat served and a report', async () => {
    const user = fresh();
    standin.privateText('/broadcast 你好', { userId: user, languageCode: 'en' });
    expect(text(await sentTo(user))).toMatch(/Only operators/);

    const subscribed = (await store.subscriptions()).map((s) => s.chatId);
    standin.privateText('/broadcast 系统将于今晚维护 <注意>', { userId: OPERATOR, languageCode: 'en' });
    const report = await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === OPERATOR && text(c).startsWith('Broadcast done'), 15_000);
    expect(text(report)).toBe(`Broadcast done: sent ${subscribed.length}, failed 0, removed 0`);
    expect(subscribed.length).toBeGreaterThan(0);
    // Sent as HTML with the operator's text escaped.
    for (const chatId of subscribed) await sentTo(chatId, (t) => t.includes('系统将于今晚维护 &lt;注意&gt;'));
  }, 30_000);

  it('/lang is kept in the database: a new bot on the same file answers in the chosen language', async () => {
    const user = fresh();
    standin.privateText('/lang en', { userId: user });
    await sentTo(user, (t) => t.startsWith('OK'));
    const reopened = new Store(path.join(dir, 'bot.sqlite'));
    const settings = await storeSettings(reopened, createLogger({ level: 'silent', secrets: [] }));
    settings.stop();
    expect(settings.lang(user)).toBe('en');
    await reopened.close();
  });
});

describe('scheduled posts', () => {
  it('a due subscription gets its fact through the queue, and the rotation moves on', async () => {
    const group = freshGroup();
    const now = Date.now();
    await store.subscribe({ chatId: group, chatType: 'supergroup', cadence: 'daily', weekday: null, time: '09:00', nextAt: now - 60_000 });
    const facts = rotation(engine);
    const schedule = { store, queue, log: createLogger({ level: 'silent', secrets: [] }), zone: 'Asia/Shanghai', factCount: () => facts.length, factHtml: (i: number) => factHtml(engine, render, facts[i]!, 'zh-Hans'), now: () => now };
    expect(await runDue(schedule)).toBe(1);
    expect(await runDue(schedule)).toBe(0);
    expect(text(await sentTo(group))).toContain('广州日报');
    expect((await store.subscription(group))?.nextFact).toBe(1);
    expect((await store.subscription(group))!.nextAt).toBeGreaterThan(now);
  });
});
