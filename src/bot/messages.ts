/**
 * The bot's command replies as text or HTML, shared by the Telegram features and `npm run chat`, so
 * that /start, /help, /facts, /source and /lang read the same in both.
 */
import type { Lang } from '../knowledge/schema.js';
import type { Engine } from '../qa/engine.js';
import { citation, covers, markup, render, topicOf, type Format, type RenderContext } from '../qa/render.js';
import { TEXTS } from './texts.js';

/** Example questions shown by /start and /help. */
export const EXAMPLES = 4;

const bold = (text: string, format: Format) => markup([{ text, style: 'b' }], format);
const italic = (text: string, format: Format) => markup([{ text, style: 'i' }], format);
const plain = (text: string, format: Format) => markup([{ text }], format);

/** /start and /help: what the bot knows and how to ask; the examples follow as buttons (HTML) or a list (text). */
export function helpMessage(engine: Engine, ctx: RenderContext, lang: Lang, format: Format): string {
  const t = TEXTS[lang];
  const head = `${plain(t.help(covers(ctx.sources, lang), topicOf(ctx, lang)), format)}\n\n${plain(t.examples, format)}`;
  if (format === 'html') return head;
  return `${head}\n${engine
    .examples(EXAMPLES)
    .map((s) => `• ${s.question[lang]}`)
    .join('\n')}`;
}

/** /facts: the key facts, each a short answer with its quote and attribution. */
export function factsMessage(engine: Engine, ctx: RenderContext, lang: Lang, format: Format): string {
  const blocks = engine
    .keyFacts()
    .map((f) => engine.answerFact(f.id, lang))
    .filter((r) => r !== undefined)
    .map((r) => render(r, format, ctx, lang));
  return [bold(TEXTS[lang].facts, format), ...blocks].join('\n\n');
}

/** /source: every article with its attribution, editors and summary. */
export function sourceMessage(engine: Engine, ctx: RenderContext, lang: Lang, format: Format): string {
  return engine
    .articles()
    .map(({ source, summary: summaries }) => {
      const editors = lang === 'en' ? (source.en?.editors ?? source.editors).join(', ') : source.editors.join('、');
      const summary = summaries?.[lang];
      return [
        bold(citation(source, lang), format),
        plain(TEXTS[lang].editors(editors), format),
        summary ? italic(summary, format) : '',
      ]
        .filter(Boolean)
        .join('\n');
    })
    .join('\n\n');
}

const LANG_CHOICES: Record<string, Lang> = {
  'zh-hans': 'zh-Hans',
  'zh-cn': 'zh-Hans',
  简体: 'zh-Hans',
  'zh-hant': 'zh-Hant',
  'zh-tw': 'zh-Hant',
  'zh-hk': 'zh-Hant',
  繁體: 'zh-Hant',
  繁体: 'zh-Hant',
  en: 'en',
  english: 'en',
};

/** The argument of /lang: a language, 'auto' (follow each question), or undefined when it is neither. */
export function langChoice(arg: string): Lang | 'auto' | undefined {
  const key = arg.trim().toLowerCase().replace(/_/g, '-');
  return key === 'auto' ? 'auto' : LANG_CHOICES[key];
}
