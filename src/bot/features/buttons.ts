/** Suggestion and example buttons: pressing one answers its question; a stale one says so. */
import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { isGroup, sendResult } from '../reply.js';
import { TEXTS } from '../texts.js';

export function buttonsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('callback_query', async (ctx) => {
    const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : undefined;
    const lang = replyLang(ctx, deps);
    const result = data?.startsWith('f:') ? deps.engine.answerFact(data.slice(2), lang) : undefined;
    if (!result || !ctx.chat) {
      await ctx.answerCbQuery(TEXTS[lang].staleButton);
      return;
    }
    await ctx.answerCbQuery();
    const replyTo = isGroup(ctx) ? ctx.callbackQuery.message?.message_id : undefined;
    await sendResult(ctx, result, lang, deps.render, { replyTo });
  });
  return feature;
}
