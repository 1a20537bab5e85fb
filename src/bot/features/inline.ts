/**
 * Inline mode: `@botname <question>` in any chat offers up to five answers, each a formatted quote
 * with attribution, as the question is typed (南沙落 already offers 南沙落户); an empty query offers
 * the key facts.
 */
import { createHash } from 'node:crypto';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton, InlineQueryResultArticle } from 'telegraf/types';
import type { Lang } from '../../knowledge/schema.js';
import type { Found, PartialAnswer, Result } from '../../qa/engine.js';
import { partialNotice, render } from '../../qa/render.js';
import { asYouType, MAX_RESULTS } from '../../qa/typing.js';
import { answered } from '../../metrics.js';
import { simplify, detectLang } from '../../text/normalize.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';
import type { Callbacks } from '../callbacks.js';
import { contextRow } from '../reply.js';

const TITLE_CHARS = 64;
const DESCRIPTION_CHARS = 160;

const clip = (text: string, max: number): string => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`);

function article(result: Found, lang: Lang, deps: BotDeps, callbacks: Callbacks, index: number): InlineQueryResultArticle {
  const quote = result.kind === 'sentence' ? result.quote : result.shortAnswer[lang];
  const shown = lang === 'zh-Hans' ? simplify(quote) : quote;
  const title = result.shortAnswer?.[lang] ?? shown;
  const key = `${result.source.articleId}:${result.kind === 'sentence' ? (result.factId ?? result.sentenceId) : result.field}:${lang}`;
  const translation = result.kind === 'sentence' ? result.translation : null;
  return {
    type: 'article',
    id: `${index}-${createHash('sha1').update(key).digest('hex').slice(0, 20)}`,
    title: clip(title, TITLE_CHARS),
    description: clip(lang === 'en' && translation ? translation : shown, DESCRIPTION_CHARS),
    input_message_content: {
      message_text: render(result, 'html', deps.render, lang),
      parse_mode: 'HTML',
    },
    ...contextMarkup(callbacks, result, lang),
  };
}

/** The context button on the message an inline result posts (pressed, it shows the paragraph in place). */
function contextMarkup(callbacks: Callbacks, result: Result, lang: Lang): { reply_markup?: { inline_keyboard: InlineKeyboardButton[][] } } {
  const row = contextRow(callbacks, result, lang);
  return row.length ? { reply_markup: { inline_keyboard: [row] } } : {};
}

/** A partial reply as the one result: what the article does not give as the title, the closest sentence below it. */
function partialArticle(result: PartialAnswer, lang: Lang, deps: BotDeps, callbacks: Callbacks): InlineQueryResultArticle {
  const quote = lang === 'zh-Hans' ? simplify(result.related.quote) : result.related.quote;
  const key = `${result.related.source.articleId}:${result.related.sentenceId}:${result.missing}:${lang}`;
  return {
    type: 'article',
    id: `p-${createHash('sha1').update(key).digest('hex').slice(0, 20)}`,
    title: clip(partialNotice(result, lang), TITLE_CHARS),
    description: clip(lang === 'en' && result.related.translation ? result.related.translation : quote, DESCRIPTION_CHARS),
    input_message_content: {
      message_text: render(result, 'html', deps.render, lang, { suggestionsAsText: false }),
      parse_mode: 'HTML',
    },
    ...contextMarkup(callbacks, result, lang),
  };
}

export function inlineFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('inline_query', async (ctx) => {
    const query = ctx.inlineQuery.query.trim();
    const detected = query ? detectLang(query) : 'other';
    const lang = detected === 'other' ? replyLang(ctx, deps) : detected;
    const started = performance.now();
    const { found, partial } = query
      ? asYouType(deps.engine, query, lang)
      : {
          found: deps.engine
            .keyFacts()
            .slice(0, MAX_RESULTS)
            .map((f) => deps.engine.answerFact(f.id, lang))
            .filter((r) => r !== undefined),
          partial: undefined,
        };
    const offered = partial ? [partialArticle(partial, lang, deps, ctx.callbacks)] : found.map((r, i) => article(r, lang, deps, ctx.callbacks, i));
    if (query) answered(partial ?? found[0] ?? { outcome: 'declined', lang }, performance.now() - started, 'inline');
    ctx.log.info({ results: offered.length, partial: partial !== undefined }, 'inline query');
    await ctx.answerInlineQuery(offered, { cache_time: 300, is_personal: false });
  });
  // Inline queries arrive as the question is typed: the log keeps the one a card was picked for
  // (Telegram sends it when inline feedback is on: @BotFather, /setinlinefeedback).
  feature.on('chosen_inline_result', (ctx) => {
    const query = ctx.chosenInlineResult.query.trim();
    if (!query || !deps.questionLog) return;
    const started = performance.now();
    const result = deps.engine.answer(query);
    deps.questionLog.record({ door: 'inline', question: query, result, latencyMs: performance.now() - started });
  });
  return feature;
}
