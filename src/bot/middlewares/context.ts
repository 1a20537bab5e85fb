/**
 * First in line for every update: a child logger (update id, chat type, latency), the group limiter,
 * retries for the update's outgoing calls, and the count of updates in flight for a graceful stop.
 */
import type { MiddlewareFn } from 'telegraf';
import type { BotContext, BotDeps } from '../deps.js';
import type { RateLimiter } from '../rate-limit.js';
import { withRetries } from '../telegram-retry.js';

export interface InFlight {
  count: number;
  /** Resolves when no update is being handled (or at once if none is). */
  idle(): Promise<void>;
}

export function inFlightCounter(): InFlight & { enter(): void; leave(): void } {
  let waiters: (() => void)[] = [];
  const state = {
    count: 0,
    enter() {
      state.count++;
    },
    leave() {
      state.count--;
      if (state.count === 0) {
        for (const w of waiters) w();
        waiters = [];
      }
    },
    idle() {
      return state.count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
  return state;
}

export function contextMiddleware(deps: BotDeps, limiter: RateLimiter, inFlight: ReturnType<typeof inFlightCounter>): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const started = deps.now();
    inFlight.enter();
    ctx.log = deps.log.child({ update_id: ctx.update.update_id, update_type: ctx.updateType, chat_type: ctx.chat?.type ?? null });
    ctx.limiter = limiter;
    withRetries(ctx.telegram, { log: ctx.log, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
    try {
      await next();
    } finally {
      inFlight.leave();
      ctx.log.info({ latency_ms: deps.now() - started }, 'update done');
    }
  };
}
