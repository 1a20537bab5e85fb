/**
 * Updates are handled concurrently, so one slow update (a user's 429 retries, an admin command
 * waiting on Telegram) never holds up another chat: telegraf hands over a whole batch of updates
 * and waits for all of them before fetching more, and a webhook request waits for its update.
 * This middleware, first in line, starts the rest of the chain in the background and returns at once.
 * Updates of one chat still run one after another, in order; at most `maxInFlight` run at a time
 * (beyond that, accepting the next update waits, which slows polling down rather than piling up
 * memory). The cost: an update is acknowledged to Telegram once accepted, so one in flight when the
 * process is killed is not redelivered (a graceful stop waits for them).
 */
import type { MiddlewareFn } from 'telegraf';
import type { BotContext } from '../deps.js';

export interface InFlight {
  count: number;
  /** Resolves when no update is being handled (or at once if none is). */
  idle(): Promise<void>;
}

export interface DispatchOptions {
  maxInFlight: number;
  /** Where an update's failure goes (the handlers run after telegraf's own error boundary returned). */
  onError: (err: unknown, ctx: BotContext) => Promise<void> | void;
}

/** Which updates must keep their order: those of one chat (or, without a chat, of one user). */
function orderKey(ctx: BotContext): string {
  if (ctx.chat) return `c${ctx.chat.id}`;
  if (ctx.from) return `u${ctx.from.id}`;
  return `x${ctx.update.update_id}`;
}

export function dispatcher(o: DispatchOptions): { middleware: MiddlewareFn<BotContext>; inFlight: InFlight } {
  const chains = new Map<string, Promise<void>>();
  let idleWaiters: (() => void)[] = [];
  let slotWaiters: (() => void)[] = [];
  const inFlight: InFlight = {
    count: 0,
    idle: () => (inFlight.count === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
  const leave = () => {
    inFlight.count--;
    slotWaiters.shift()?.();
    if (inFlight.count === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };
  const middleware: MiddlewareFn<BotContext> = async (ctx, next) => {
    while (inFlight.count >= o.maxInFlight) await new Promise<void>((resolve) => slotWaiters.push(resolve));
    inFlight.count++;
    const key = orderKey(ctx);
    const job = (chains.get(key) ?? Promise.resolve())
      .then(() => next())
      .catch((err: unknown) => o.onError(err, ctx))
      .catch(() => undefined)
      .finally(() => {
        if (chains.get(key) === job) chains.delete(key);
        leave();
      });
    chains.set(key, job);
  };
  return { middleware, inFlight };
}
