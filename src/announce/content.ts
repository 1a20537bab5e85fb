/** What announcements say: the digest of key facts, one fact, the rotation of scheduled posts. */
import { EN } from '../i18n/en.js';
import { ZH_HANS } from '../i18n/zh-hans.js';
import { ZH_HANT } from '../i18n/zh-hant.js';
import type { Lang } from '../knowledge/schema.js';
import type { Engine, SentenceAnswer } from '../qa/engine.js';
import { citation, markup, render, TELEGRAM_MAX_CHARS, type Part, type RenderContext } from '../qa/render.js';
import { simplify } from '../text/normalize.js';

/** The digest's heading (the collection's short name, from knowledge/bot.json, with this) and paragraph labels. */
export interface DigestWords {
  digest: (short: string | undefined) => string;
  paragraph: (n: number) => string;
}

const HEADINGS: Record<Lang, DigestWords> = {
  'zh-Hans': ZH_HANS.digest,
  'zh-Hant': ZH_HANT.digest,
  en: EN.digest,
};

/** The key facts in one message: each short answer with its quote and paragraph, then the source. */
export function digestHtml(engine: Engine, ctx: RenderContext, lang: Lang): string {
  const h = HEADINGS[lang];
  const answers = engine
    .keyFacts()
    .map((f) => engine.answerFact(f.id, lang))
    .filter((r): r is SentenceAnswer => r?.kind === 'sentence');
  const blocks = answers.map((r): Part[] => [
    { text: r.shortAnswer?.[lang] ?? '', style: 'b' },
    { text: '\n' },
    { text: lang === 'zh-Hans' ? simplify(r.quote) : r.quote, style: 'blockquote' },
    { text: h.paragraph(r.paragraph), style: 'i' },
  ]);
  const sources = [...new Set(answers.map((r) => r.source))].map((s) => citation(s, lang));
  const compose = () =>
    markup(
      [
        { text: h.digest(ctx.topic?.short[lang]), style: 'b' },
        ...blocks.flatMap((b) => [{ text: '\n\n' }, ...b]),
        { text: '\n\n' },
        { text: `— ${sources.join('; ')}`, style: 'i' },
      ],
      'html',
    );
  let html = compose();
  // One message: facts are dropped from the end until it fits.
  while (html.length > TELEGRAM_MAX_CHARS && blocks.length > 1) {
    blocks.pop();
    html = compose();
  }
  return html;
}

/** The facts scheduled posts rotate through: every fact, in knowledge order. */
export function rotation(engine: Engine): string[] {
  return engine.factIds();
}

/** One fact as an announcement. */
export function factHtml(engine: Engine, ctx: RenderContext, factId: string, lang: Lang): string {
  const found = engine.answerFact(factId, lang);
  return found ? render(found, 'html', ctx, lang) : '';
}

/** What /broadcast and `npm run broadcast` post: a fact when a short text names one, otherwise the text itself (escaped). */
/**
 * The longest broadcast text: what one Telegram message holds (in UTF-16 code units, as Telegram
 * counts). `npm run broadcast` refuses a longer one rather than split it into a series of messages to
 * every subscriber; through the bot, /broadcast's text is shorter than a message by itself (a longer
 * update is not Telegram's and is dropped: bot/middlewares/bounds.ts).
 */
export const BROADCAST_MAX_CHARS = 4096;

export function broadcastHtml(engine: Engine, ctx: RenderContext, text: string, lang: Lang): string {
  const result = engine.answer(text);
  return result.found && result.kind === 'sentence' && text.length <= 40 ? render(result, 'html', ctx, lang) : markup([{ text }], 'html');
}
