/**
 * Inline mode: `@botname <question>` in any chat offers up to five answers, each a formatted quote
 * with attribution, as the question is typed (南沙落 already offers 南沙落户); an empty query offers
 * the key facts.
 */
import { createHash } from 'node:crypto';
import { Composer } from 'telegraf';
import type { InlineQueryResultArticle } from 'telegraf/types';
import type { Lang } from '../../knowledge/schema.js';
import type { Engine, Found, PartialAnswer } from '../../qa/engine.js';
import { partialNotice, render } from '../../qa/render.js';
import { simplify, detectLang } from '../../text/normalize.js';
import type { BotContext, BotDeps } from '../deps.js';
import { replyLang } from '../lang.js';

const MAX_RESULTS = 5;
/** How close (fuse.js score) a fact's phrasing must be to what is typed to be offered. */
const TYPING_MAX_SCORE = 0.25;
/** A phrasing this close (fuse.js score) is what is being typed: offered before the engine's answers. */
const AS_TYPED_SCORE = 0.05;
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

/** A partial reply as the one result: what the article does not give as the title, the closest sentence below it. */
function partialArticle(result: PartialAnswer, lang: Lang, deps: BotDeps): InlineQueryResultArticle {
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
  };
}

/**
 * What to offer for a query as it is typed: the engine's answers, and the facts whose phrasings the
 * query is the start of or close to (fuse.js: 南沙落, how long does sett), one card per fact (or bare
 * sentence); those typed nearly to the letter first. A complete question the article speaks of
 * without answering (三个零距离服务是哪三个) gets its partial reply alone.
 */
export function asYouType(engine: Engine, query: string, lang: Lang): { found: Found[]; partial?: PartialAnswer } {
  const typed = engine.closestFacts(query, MAX_RESULTS, TYPING_MAX_SCORE);
  const nearlyTyped = typed.length > 0 && typed[0]!.score <= AS_TYPED_SCORE;
  const answers = engine.search(query, MAX_RESULTS);
  if (answers.length === 0 && !nearlyTyped) {
    const r = engine.answer(query);
    if (r.kind === 'partial') return { found: [], partial: r };
  }
  const found: Found[] = [];
  const seen = new Set<string>();
  const add = (r: Found) => {
    const key = r.kind === 'meta' ? `m:${r.source.articleId}:${r.field}` : r.factId ? `f:${r.factId}` : `s:${r.source.articleId}:${r.sentenceId}`;
    if (found.length >= MAX_RESULTS || seen.has(key)) return;
    seen.add(key);
    found.push(r);
  };
  const facts = () => {
    for (const { fact } of typed) {
      const r = engine.answerFact(fact.id, lang);
      if (r) add(r);
    }
  };
  if (nearlyTyped) facts();
  for (const r of answers) add(r);
  if (!nearlyTyped) facts();
  return { found };
}

export function inlineFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('inline_query', async (ctx) => {
    const query = ctx.inlineQuery.query.trim();
    const detected = query ? detectLang(query) : 'other';
    const lang = detected === 'other' ? replyLang(ctx, deps) : detected;
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
    const offered = partial ? [partialArticle(partial, lang, deps)] : found.map((r, i) => article(r, lang, deps, i));
    ctx.log.info({ results: offered.length, partial: partial !== undefined }, 'inline query');
    await ctx.answerInlineQuery(offered, { cache_time: 300, is_personal: false });
  });
  return feature;
}
