/**
 * The dispatcher and its flood gate on a fake clock, with real telegraf contexts: a sender over its
 * budget is shed at once, a chat's queue takes no slot, another chat goes first even when one has
 * hundreds queued, a chat's order is kept, memory stays bounded.
 */
import { Context, Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/bot/deps.js';
import { dispatcher, type DispatchOptions } from '../../src/bot/middlewares/dispatch.js';
import { FloodGate } from '../../src/bot/middlewares/flood.js';
import { metricsText } from '../../src/metrics.js';

const telegram = new Telegram('123456:AAHtest-token-0123456789abcdefghijk');
const botInfo = { id: 123456, is_bot: true as const, first_name: 'Bot', username: 'reform_qa_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: true };
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const user = (id: number) => ({ id, is_bot: false, first_name: 'U' });
const privateText = (userId: number, text = 'hi') => ({ message: { message_id: 1, date: 0, chat: { id: userId, type: 'private', first_name: 'U' }, from: user(userId), text } });
const groupText = (chatId: number, userId: number, text = 'hi') => ({ message: { message_id: 1, date: 0, chat: { id: chatId, type: 'supergroup', title: 'G' }, from: user(userId), text } });
const inlineQuery = (userId: number, query = 'q') => ({ inline_query: { id: `${userId}-${query}`, from: user(userId), query, offset: '' } });
const botRemoved = (chatId: number, userId: number) => ({
  my_chat_member: {
    chat: { id: chatId, type: 'supergroup', title: 'G' },
    from: user(userId),
    date: 0,
    old_chat_member: { status: 'member', user: botInfo },
    new_chat_member: { status: 'left', user: botInfo },
  },
});

/**
 * A dispatcher whose handlers record when they start and run until released (`hold`) or finish at
 * once. Sheds are recorded; the flood gate runs on `clock`.
 */
function harness(options: Partial<DispatchOptions> & { burst?: number; perSecond?: number; maxKeys?: number } = {}) {
  const clock = { t: 1_000_000 };
  const { burst, perSecond, maxKeys, ...rest } = options;
  const flood = new FloodGate({ ...(burst ? { burst } : {}), ...(perSecond ? { perSecond } : {}), ...(maxKeys ? { maxKeys } : {}) }, () => clock.t);
  const shed: number[] = [];
  const started: number[] = [];
  const release = new Map<number, () => void>();
  const d = dispatcher({
    maxInFlight: 64,
    flood,
    onError: () => undefined,
    onShed: (ctx) => {
      shed.push(ctx.update.update_id);
      return undefined;
    },
    ...rest,
  });
  let nextId = 0;
  const send = (update: object, hold = true) => {
    const u = { ...update, update_id: ++nextId } as unknown as Update;
    const ctx = new Context(u, telegram, botInfo) as unknown as BotContext;
    const accepted = d.middleware(ctx, () => {
      started.push(u.update_id);
      return hold ? new Promise<void>((resolve) => release.set(u.update_id, resolve)) : Promise.resolve();
    }) as Promise<void>;
    return { id: u.update_id, accepted };
  };
  const finish = async (id: number) => {
    release.get(id)!();
    await turn();
  };
  return { clock, flood, shed, started, send, finish, inFlight: d.inFlight };
}

describe('dispatcher', () => {
  it('a sender over its token bucket is shed at once (nothing runs for it); it may go on as tokens come back', async () => {
    const h = harness({ burst: 10, perSecond: 2, maxPerSender: 1_000 });
    const sent = Array.from({ length: 30 }, () => h.send(privateText(1), false));
    await Promise.all(sent.map((s) => s.accepted));
    await turn();
    expect(h.started).toEqual(sent.slice(0, 10).map((s) => s.id));
    expect(h.shed).toEqual(sent.slice(10).map((s) => s.id));
    expect(h.inFlight.shed).toBe(20);
    // Another sender has a bucket of its own.
    const other = h.send(privateText(2), false);
    await turn();
    expect(h.started).toContain(other.id);
    // Two a second come back.
    h.clock.t += 1_000;
    const later = Array.from({ length: 3 }, () => h.send(privateText(1), false));
    await turn();
    expect(later.map((s) => h.started.includes(s.id))).toEqual([true, true, false]);
  });

  it('a sender has at most 5 updates accepted and not done: one running, four waiting; the rest shed without a token', async () => {
    const h = harness();
    const sent = Array.from({ length: 8 }, () => h.send(privateText(1)));
    await turn();
    expect(h.started).toEqual([sent[0]!.id]);
    expect(h.shed).toEqual(sent.slice(5).map((s) => s.id));
    expect(h.inFlight.count).toBe(5);
    await h.finish(sent[0]!.id);
    expect(h.started).toEqual([sent[0]!.id, sent[1]!.id]);
    // A place came free: the next one is accepted.
    const next = h.send(privateText(1));
    await turn();
    expect(h.shed).not.toContain(next.id);
  });

  it('in a group each member is a sender: one member’s flood leaves room for the others', async () => {
    const h = harness();
    const flood = Array.from({ length: 20 }, () => h.send(groupText(-100, 7)));
    const others = [8, 9, 10].map((u) => h.send(groupText(-100, u)));
    await turn();
    expect(h.shed).toEqual(flood.slice(5).map((s) => s.id));
    expect(others.every((s) => !h.shed.includes(s.id))).toBe(true);
  });

  it('inline queries: one answered and the newest waiting, however many come; the last one typed is answered', async () => {
    const h = harness();
    const typed = Array.from({ length: 300 }, (_, i) => h.send(inlineQuery(7, `q${i}`)));
    await Promise.all(typed.map((s) => s.accepted));
    await turn();
    expect(h.started).toEqual([typed[0]!.id]);
    expect(h.inFlight.count).toBe(2);
    expect(h.inFlight.shed).toBe(298);
    expect((await metricsText()).body).toMatch(/reformbot_updates_shed_total\{type="inline_query"\} 298/);
    await h.finish(typed[0]!.id);
    expect(h.started).toEqual([typed[0]!.id, typed[299]!.id]);
    // Another user's query is not held up by the first user's.
    const other = h.send(inlineQuery(8));
    await turn();
    expect(h.started).toContain(other.id);
  });

  it('updates about the chat itself are never shed', async () => {
    const h = harness({ burst: 1 });
    h.send(groupText(-100, 7));
    h.send(groupText(-100, 7));
    const removed = h.send(botRemoved(-100, 7));
    await turn();
    expect(h.shed).toHaveLength(1);
    expect(h.shed).not.toContain(removed.id);
  });

  it('a chat with hundreds queued holds one slot: another chat’s update starts at once, and each chat keeps its order', async () => {
    const h = harness({ maxInFlight: 2, maxPerSender: 1_000, maxPerChat: 1_000, maxPending: 10_000, burst: 1_000 });
    const busy = Array.from({ length: 300 }, () => h.send(privateText(1)));
    const accepted = await Promise.race([Promise.all(busy.map((s) => s.accepted)).then(() => true), turn().then(() => false)]);
    expect(accepted).toBe(true);
    const other = h.send(privateText(2));
    await turn();
    expect(h.started).toEqual([busy[0]!.id, other.id]);
    // Both slots are taken now: a third chat waits, and goes before the busy chat's next update.
    const third = h.send(inlineQuery(3));
    await turn();
    expect(h.started).not.toContain(third.id);
    await h.finish(busy[0]!.id);
    expect(h.started.at(-1)).toBe(third.id);
    await h.finish(other.id);
    expect(h.started.at(-1)).toBe(busy[1]!.id);
    for (let i = 1; i < busy.length; i++) await h.finish(busy[i]!.id);
    await h.finish(third.id);
    expect(h.started.filter((id) => busy.some((s) => s.id === id))).toEqual(busy.map((s) => s.id));
    await h.inFlight.idle();
    expect(h.inFlight.count).toBe(0);
  });

  it('beyond maxPending, accepting waits (polling slows down) while a flood is still shed at once', async () => {
    const h = harness({ maxInFlight: 1, maxPending: 2, burst: 1 });
    const a = h.send(privateText(1));
    h.send(privateText(2));
    const c = h.send(privateText(3));
    let cAccepted = false;
    void c.accepted.then(() => (cAccepted = true));
    await turn();
    expect(cAccepted).toBe(false);
    await h.finish(a.id);
    expect(cAccepted).toBe(true);
    // Full again: a flooder's first update waits for room like any other, its second is shed at once.
    h.send(privateText(4));
    const shed = h.send(privateText(4));
    await shed.accepted;
    expect(h.shed).toEqual([shed.id]);
  });

  it('idle() waits for the updates queued behind their chat, not only the running ones', async () => {
    const h = harness();
    const first = h.send(privateText(1));
    const second = h.send(privateText(1));
    await turn();
    let idle = false;
    void h.inFlight.idle().then(() => (idle = true));
    await h.finish(first.id);
    expect(idle).toBe(false);
    await h.finish(second.id);
    expect(idle).toBe(true);
  });
});

describe('flood gate', () => {
  it('memory stays bounded: idle senders are forgotten, and at most maxKeys are kept', () => {
    const clock = { t: 0 };
    const gate = new FloodGate({ burst: 10, perSecond: 2, maxKeys: 100 }, () => clock.t);
    for (let i = 0; i < 10_000; i++) gate.take(`u${i}`);
    expect(gate.size).toBe(100);
    // Five seconds later every bucket is full again: the same as none, forgotten as others come.
    clock.t += 5_000;
    gate.take('fresh');
    expect(gate.size).toBe(1);
  });

  it('a sender whose bucket is still filling up is not forgotten as idle', () => {
    const clock = { t: 0 };
    const gate = new FloodGate({ burst: 3, perSecond: 1, maxKeys: 100 }, () => clock.t);
    expect([1, 2, 3, 4].map(() => gate.take('a'))).toEqual([true, true, true, false]);
    clock.t += 1_000;
    gate.take('b');
    expect(gate.take('a')).toBe(true);
    expect(gate.take('a')).toBe(false);
  });
});
