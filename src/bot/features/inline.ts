/**
 * Inline mode: `@botname <question>` in any chat offers up to five answers, each a formatted quote
 * with attribution; an empty query offers the key facts.
 */
import { createHash } from 'node:crypto';
import { Composer } from 'telegraf';
import type { InlineQueryResultArticle } from 'telegraf/types';
import type { Lang } from '../../knowledge/schema.js';
import type { Found } from '../../qa/engine.js';
import { render } from '../../qa/render.js';
import { simplify, detectLang } from '../../text/normalize.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';

const MAX_RESULTS = 5;
const TITLE_CHARS = 64;
const DESCRIPTION_CHARS = 160;

const clip = (text: string, max: number): string => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`);

function article(result: Found, lang: Lang, deps: BotDeps, index: number): InlineQueryResultArticle {
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
  };
}

export function inlineFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('inline_query', async (ctx) => {
    const query = ctx.inlineQuery.query.trim();
    const detected = query ? detectLang(query) : 'other';
    const lang = detected === 'other' ? replyLang(ctx, deps) : detected;
    const results = query
      ? deps.engine.search(query, MAX_RESULTS)
      : deps.engine
          .keyFacts()
          .slice(0, MAX_RESULTS)
          .map((f) => deps.engine.answerFact(f.id, lang))
          .filter((r) => r !== undefined);
    ctx.log.info({ results: results.length }, 'inline query');
    await ctx.answerInlineQuery(
      results.map((r, i) => article(r, lang, deps, i)),
      { cache_time: 300, is_personal: false },
    );
  });
  return feature;
}
