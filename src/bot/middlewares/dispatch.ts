/**
 * Updates are handled concurrently and fairly, so one chat never holds up another: telegraf hands
 * over a whole batch of updates and waits for all of them before fetching more, and a webhook
 * request waits for its update. This middleware, first in line, decides at once what becomes of an
 * update and returns: the rest of the chain runs in the background.
 *
 * - Order: the updates of one chat (without a chat, of one user) run one after another, in order.
 * - Slots: at most `maxInFlight` run at a time. Only an update that can run takes a slot; one waiting
 *   behind its own chat does not. A chat whose update finished goes to the back of the line for the
 *   next slot, behind the chats already waiting (round robin).
 * - Floods: a sender (a private chat, a user within a group, a user's presses on inline messages)
 *   has at most `maxPerSender` updates accepted and not done, and a token bucket (flood.ts); a group
 *   at most `maxPerChat`. A user's inline queries: one answered and the newest waiting (newestQuery). What is over is shed here, before anything is done for
 *   it (no question log, no engine, no Bot API call); `onShed` may hand back one small job to run in
 *   the chat's turn (the "slow down" note). Updates about the chat itself (the bot added or removed,
 *   a group upgraded) are never shed.
 * - Memory: beyond `maxPending` accepted and not done over all chats, accepting waits, which slows
 *   polling down (and the webhook's acknowledgements) rather than piling up updates.
 *
 * The cost: an update is acknowledged to Telegram once accepted, so one in flight when the process
 * is killed is not redelivered (a graceful stop waits for them).
 */
import type { MiddlewareFn } from 'telegraf';
import type { BotContext } from '../deps.js';
import { updateShed } from '../../metrics.js';
import { FloodGate } from './flood.js';

export interface InFlight {
  /** Updates accepted and not done: running, or waiting behind their chat or for a slot. */
  count: number;
  /** Updates shed so far. */
  shed: number;
  /** Resolves when no update is being handled (or at once if none is). */
  idle(): Promise<void>;
}

export interface DispatchOptions {
  maxInFlight: number;
  /** Default 5: one running and four waiting, as many as a private chat's burst of replies. */
  maxPerSender?: number;
  /** Default 50: a busy group's members together. */
  maxPerChat?: number;
  /** Default 16 × maxInFlight. */
  maxPending?: number;
  /** Default: a FloodGate with its defaults, on the real clock. */
  flood?: FloodGate;
  /** Where an update's failure goes (the handlers run after telegraf's own error boundary returned). */
  onError: (err: unknown, ctx: BotContext) => Promise<void> | void;
  /** An update was shed; what it returns runs in the chat's turn, like an accepted update. */
  onShed?: (ctx: BotContext) => (() => Promise<void>) | undefined;
}

/** Which updates must keep their order: those of one chat (or, without a chat, of one user). */
function orderKey(ctx: BotContext): string {
  if (ctx.chat) return `c${ctx.chat.id}`;
  if (ctx.from) return `u${ctx.from.id}`;
  return `x${ctx.update.update_id}`;
}

/** Service messages about the chat itself: what follows depends on them. */
const ABOUT_THE_CHAT = ['new_chat_members', 'left_chat_member', 'migrate_to_chat_id', 'migrate_from_chat_id', 'group_chat_created', 'supergroup_chat_created'];

/** Whose flood an update counts toward; undefined: never shed (inline queries: see newestQuery). */
function senderKey(ctx: BotContext): string | undefined {
  const type = ctx.updateType;
  if (type === 'message' && ABOUT_THE_CHAT.some((k) => k in ctx.message!)) return undefined;
  if (!['message', 'edited_message', 'callback_query', 'chosen_inline_result', 'channel_post', 'edited_channel_post'].includes(type)) return undefined;
  const chat = ctx.chat;
  if (chat?.type === 'private' || (chat && !ctx.from)) return `c${chat.id}`;
  if (chat) return `c${chat.id}:u${ctx.from!.id}`;
  return ctx.from ? `u${ctx.from.id}` : undefined;
}

interface Job {
  run: () => Promise<void>;
  ctx: BotContext;
  sender: string | undefined;
}

/** One chat's updates not done; `next` links the chats waiting for a slot. */
interface Chain {
  key: string;
  jobs: Job[];
  running: boolean;
  /** Jobs accepted and not done (the running one included). */
  pending: number;
  next: Chain | undefined;
}

export function dispatcher(o: DispatchOptions): { middleware: MiddlewareFn<BotContext>; inFlight: InFlight } {
  const maxPerSender = o.maxPerSender ?? 5;
  const maxPerChat = o.maxPerChat ?? 50;
  const maxPending = o.maxPending ?? 16 * o.maxInFlight;
  const flood = o.flood ?? new FloodGate();
  const chains = new Map<string, Chain>();
  const senders = new Map<string, number>();
  let running = 0;
  let readyHead: Chain | undefined;
  let readyTail: Chain | undefined;
  let idleWaiters: (() => void)[] = [];
  let roomWaiters: (() => void)[] = [];
  const inFlight: InFlight = {
    count: 0,
    shed: 0,
    idle: () => (inFlight.count === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };

  const ready = (chain: Chain) => {
    chain.next = undefined;
    if (readyTail) readyTail.next = chain;
    else readyHead = chain;
    readyTail = chain;
  };

  const finished = (chain: Chain, job: Job) => {
    running--;
    inFlight.count--;
    chain.pending--;
    chain.running = false;
    if (job.sender !== undefined) {
      const n = senders.get(job.sender)! - 1;
      if (n === 0) senders.delete(job.sender);
      else senders.set(job.sender, n);
    }
    if (chain.jobs.length) ready(chain);
    else chains.delete(chain.key);
    if (inFlight.count <= maxPending) {
      const waiting = roomWaiters;
      roomWaiters = [];
      for (const w of waiting) w();
    }
    if (inFlight.count === 0) {
      const waiting = idleWaiters;
      idleWaiters = [];
      for (const w of waiting) w();
    }
    pump();
  };

  const pump = () => {
    while (running < o.maxInFlight && readyHead) {
      const chain = readyHead;
      readyHead = chain.next;
      if (!readyHead) readyTail = undefined;
      chain.next = undefined;
      const job = chain.jobs.shift()!;
      chain.running = true;
      running++;
      void Promise.resolve()
        .then(job.run)
        .catch((err: unknown) => o.onError(err, job.ctx))
        .catch(() => undefined)
        .finally(() => finished(chain, job));
    }
  };

  const enqueue = (key: string, job: Job) => {
    let chain = chains.get(key);
    if (!chain) chains.set(key, (chain = { key, jobs: [], running: false, pending: 0, next: undefined }));
    chain.jobs.push(job);
    chain.pending++;
    inFlight.count++;
    if (job.sender !== undefined) senders.set(job.sender, (senders.get(job.sender) ?? 0) + 1);
    // A chain is in the line for a slot exactly when it has jobs and none of them runs.
    if (!chain.running && chain.jobs.length === 1) ready(chain);
    pump();
  };

  /**
   * Inline queries come one per keystroke, and only the newest of a user's matters: one waiting
   * behind the query being answered is replaced by the next (it costs nothing), so a user has at
   * most one answered and one waiting, however fast they type or flood — and the last query typed is
   * never the one shed.
   */
  const newestQuery = (key: string, job: Job): void => {
    const jobs = chains.get(key)?.jobs ?? [];
    const waiting = jobs.findIndex((j) => j.ctx.updateType === 'inline_query');
    if (waiting < 0) return enqueue(key, job);
    jobs[waiting] = job;
    inFlight.shed++;
    updateShed('inline_query');
  };

  const middleware: MiddlewareFn<BotContext> = async (ctx, next) => {
    const key = orderKey(ctx);
    if (ctx.updateType === 'inline_query') return newestQuery(key, { run: () => next(), ctx, sender: undefined });
    const sender = senderKey(ctx);
    if (sender !== undefined) {
      const full = (senders.get(sender) ?? 0) >= maxPerSender || (chains.get(key)?.pending ?? 0) >= maxPerChat;
      if (full || !flood.take(sender)) {
        inFlight.shed++;
        updateShed(ctx.updateType);
        const note = o.onShed?.(ctx);
        if (note) enqueue(key, { run: note, ctx, sender: undefined });
        return;
      }
    }
    enqueue(key, { run: () => next(), ctx, sender });
    while (inFlight.count > maxPending) await new Promise<void>((resolve) => roomWaiters.push(resolve));
  };
  return { middleware, inFlight };
}
