/**
 * Every update's context: a child logger (update id, chat type, latency), this process's outbound
 * limits, the "slow down" note in the chat's language, and retries for the update's outgoing calls.
 */
import type { MiddlewareFn } from 'telegraf';
import type { Callbacks } from '../callbacks.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { withRetries } from '../telegram-retry.js';
import { TEXTS } from '../texts.js';

export function contextMiddleware(deps: BotDeps, callbacks: Callbacks): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const started = deps.now();
    ctx.log = deps.log.child({ update_id: ctx.update.update_id, update_type: ctx.updateType, chat_type: ctx.chat?.type ?? null });
    ctx.limiter = deps.limits;
    ctx.callbacks = callbacks;
    ctx.slowDownText = () => TEXTS[replyLang(ctx, deps)].slowDown;
    // Logged in the background for the limits every process shares: a reply never waits for it.
    ctx.sent = (chatId) => deps.sends?.record(chatId);
    withRetries(ctx.telegram, { log: ctx.log, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
    try {
      await next();
    } finally {
      ctx.log.info({ latency_ms: deps.now() - started }, 'update done');
    }
  };
}
