/**
 * Buttons under the bot's messages (see callbacks.ts): a suggestion or example answers its question,
 * a "did you mean" choice answers with its sentence;
 * "context" shows the quoted sentence's whole paragraph (in a group and in an inline message it
 * replaces the answer, in a private chat it follows it); 👍/👎 record a vote and leave. Every press
 * is acknowledged; a button this bot cannot serve any more (unknown data, an article or answer gone)
 * gets a short "expired" notice.
 */
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { renderContext } from '../../qa/render.js';
import { articleKey, onMessage, type Callback } from '../callbacks.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import { isGroup, sendHtml, sendResult } from '../reply.js';
import { TEXTS } from '../texts.js';

/**
 * What a press asks for: undefined for data this bot never made (a missing or wrong tag included),
 * and for a context or vote button pressed on a message that does not carry it — a forged press must
 * not rewrite that message (a pinned digest, another user's answer). An inline message is not sent
 * back with the press: its tag alone vouches for it.
 */
function pressed(ctx: BotContext): Callback | undefined {
  const query = ctx.callbackQuery!;
  const data = 'data' in query ? query.data : undefined;
  const callback = ctx.callbacks.parse(data);
  if (callback && callback.kind !== 'fact' && callback.kind !== 'choice' && query.message && !onMessage(query.message, data!)) return undefined;
  return callback;
}

export function buttonsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  // Article key → article id, for the context button (built once; knowledge does not change while running).
  const articleIds = new Map(deps.engine.articles().map((a) => [articleKey(a.source.articleId), a.source.articleId]));

  feature.on('callback_query', async (ctx) => {
    const query = ctx.callbackQuery;
    const callback = pressed(ctx);
    const lang = callback?.kind === 'context' || callback?.kind === 'choice' || callback?.kind === 'pick' ? callback.lang : replyLang(ctx, deps);
    const stale = () => ctx.answerCbQuery(TEXTS[lang].staleButton);

    if (callback?.kind === 'fact') {
      const result = deps.engine.answerFact(callback.factId, lang);
      if (!result || !ctx.chat) return stale();
      await ctx.answerCbQuery();
      const replyTo = isGroup(ctx) ? query.message?.message_id : undefined;
      return sendResult(ctx, result, lang, deps.render, { replyTo });
    }

    if (callback?.kind === 'choice' || callback?.kind === 'pick') {
      const articleId = articleIds.get(callback.articleKey);
      const result = articleId && deps.engine.answerSentence(articleId, callback.sentenceId, lang);
      if (!result || !ctx.chat) return stale();
      await ctx.answerCbQuery();
      // The answer does not wait for the log, nor fail with it: the pick is recorded beside it.
      if (callback.kind === 'pick' && deps.questionLog) {
        deps.questionLog.pick(callback.answerId, articleId, callback.sentenceId).then(
          (recorded) => recorded && ctx.log.info({}, 'choice picked'),
          (err: unknown) => ctx.log.warn({ err }, 'pick not saved'),
        );
      }
      const replyTo = isGroup(ctx) ? query.message?.message_id : undefined;
      return sendResult(ctx, result, lang, deps.render, { replyTo });
    }

    if (callback?.kind === 'context') {
      const articleId = articleIds.get(callback.articleKey);
      const paragraph = articleId && deps.engine.paragraphOf(articleId, callback.sentenceId);
      if (!paragraph) return stale();
      await ctx.answerCbQuery();
      const html = renderContext(paragraph, 'html', lang);
      // An inline message, or an answer in a group: the answer becomes its context (no new message).
      if (query.inline_message_id || isGroup(ctx)) return void (await ctx.editMessageText(html, { parse_mode: 'HTML' }));
      return sendHtml(ctx, html, [], { replyTo: query.message?.message_id });
    }

    if (callback?.kind === 'vote' && deps.questionLog) {
      let recorded: boolean;
      try {
        recorded = await deps.questionLog.vote(callback.answerId, callback.up);
      } catch (err) {
        ctx.log.warn({ err }, 'vote not saved');
        return void (await ctx.answerCbQuery(TEXTS[lang].storageDown));
      }
      if (!recorded) return stale();
      ctx.log.info({ vote: callback.up ? 'up' : 'down' }, 'answer voted');
      await ctx.answerCbQuery(TEXTS[lang].voteThanks);
      // The vote buttons leave the message; the context button stays.
      const rows = (query.message && 'reply_markup' in query.message ? (query.message.reply_markup?.inline_keyboard ?? []) : [])
        .map((row) => row.filter((b) => !('callback_data' in b && b.callback_data.startsWith('v:'))))
        .filter((row) => row.length > 0) as InlineKeyboardButton[][];
      return void (await ctx.editMessageReplyMarkup({ inline_keyboard: rows }));
    }

    return stale();
  });
  return feature;
}
