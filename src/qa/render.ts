/**
 * One renderer for every door: an engine result → the message a person reads, in the asker's
 * language and script, as plain text or Telegram HTML. Short answer first, then the quote, then the
 * attribution (author, title, publication, date, paragraph).
 */
import { EN } from '../i18n/en.js';
import { ZH_HANS } from '../i18n/zh-hans.js';
import { ZH_HANT } from '../i18n/zh-hant.js';
import type { Bot, Lang } from '../knowledge/schema.js';
import { simplify } from '../text/normalize.js';
import type { Choice, DeclineReason, Found, ParagraphContext, PartialAnswer, Quoted, Result, SourceRef, Suggestion } from './engine.js';

/** Telegram's limit for one message's text. */
export const TELEGRAM_MAX_CHARS = 4096;

export type Format = 'text' | 'html';

export interface Labels {
  /** Before a quote that has no translation into the reply's language (English replies only). */
  untranslated: string;
  /** What the bot answers about without a knowledge/bot.json: its articles. */
  articles: string;
  answer: string;
  original: string;
  paragraph: (n: number) => string;
  alsoIn: string;
  tryAsking: string;
  /** A question without a confident answer, before its "did you mean" choices. */
  didYouMean: string;
  /** A partial reply's "did you mean" choices. */
  orDidYouMean: string;
  /** The article names the subject but not what was asked: “文章提到了…，但没有…”. */
  partial: (subject: string, missing: string) => string;
  /** Before the closest sentence of a partial reply. */
  closest: string;
  /** The context view's heading: the paragraph around a quote. */
  context: (paragraph: string) => string;
  /** Before a follow-up's answer: the subject it was read with. */
  followUp: (subject: string) => string;
  /** One text for each reason a question is declined. */
  greeting: (covers: string, topic: string) => string;
  thanks: (covers: string, topic: string) => string;
  farewell: (covers: string, topic: string) => string;
  help: (covers: string, topic: string) => string;
  'out-of-scope': (covers: string) => string;
  empty: (covers: string) => string;
}

/** A paragraph shown by the context button, at most (characters; the article's are far shorter). */
const PARAGRAPH_MAX_CHARS = 1500;

const LABELS: Record<Lang, Labels> = {
  'zh-Hans': ZH_HANS.labels,
  'zh-Hant': ZH_HANT.labels,
  en: EN.labels,
};

/** A piece of a message: text, and how it is set off. Every message's markup is made from these, here. */
export interface Part {
  text: string;
  style?: 'b' | 'i' | 'blockquote' | 'expandable';
  /** An expandable blockquote's contents (its `text` is unused), set off in turn. */
  inner?: Part[];
  /** Parts with a higher number are dropped first when the message is too long. */
  optional?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

const simplified = new Map<string, string>();
/** The text in the reply's script. Replies quote the same few sentences over and over: memoised. */
function inScript(text: string, lang: Lang): string {
  if (lang !== 'zh-Hans') return text;
  let out = simplified.get(text);
  if (out === undefined) {
    out = simplify(text);
    if (simplified.size < 10_000) simplified.set(text, out);
  }
  return out;
}

/** "毛梓铭《title》，广州日报，2019-07-16" in the reply's language. */
export function citation(source: SourceRef, lang: Lang): string {
  if (lang === 'en') {
    const en = source.en;
    const title = en ? `“${en.title}” (${source.title})` : source.title;
    const publication = en ? `${en.publication} (${source.publication})` : source.publication;
    return `${en?.author ?? source.author}, ${title}, ${publication}, ${source.date}`;
  }
  const comma = '，';
  return inScript(`${source.author}《${source.title}》${comma}${source.publication}${comma}${source.date}`, lang);
}

/** The quoted sentence (English: the translation, then the original) and its citation. */
function quoteParts(q: Quoted, lang: Lang): Part[] {
  const l = LABELS[lang];
  const parts: Part[] =
    lang === 'en' && q.translation
      ? [{ text: `“${q.translation}”`, style: 'blockquote', optional: 1 }, { text: l.original }, { text: q.quote, style: 'i' }, { text: '\n' }]
      : [
          ...(lang === 'en' && l.untranslated ? [{ text: `${l.untranslated}\n`, style: 'i' as const, optional: 1 }] : []),
          { text: inScript(q.quote, lang), style: 'blockquote' as const },
        ];
  parts.push({ text: `— ${citation(q.source, lang)}${lang === 'en' ? ', ' : '，'}${l.paragraph(q.paragraph)}`, style: 'i' });
  return parts;
}

function foundParts(r: Found, lang: Lang): Part[] {
  const l = LABELS[lang];
  const parts: Part[] = [];
  if (r.shortAnswer) parts.push({ text: l.answer }, { text: r.shortAnswer[lang], style: 'b' }, { text: '\n' });
  if (r.kind === 'sentence') parts.push(...quoteParts(r, lang));
  else parts.push({ text: `— ${citation(r.source, lang)}`, style: 'i' });
  if (r.alsoIn.length) {
    parts.push({ text: `\n${l.alsoIn}${r.alsoIn.map((s) => citation(s, lang)).join('; ')}`, optional: 2 });
  }
  return parts;
}

function suggestionParts(suggestions: Suggestion[], lang: Lang): Part[] {
  if (!suggestions.length) return [];
  return [{ text: `\n${LABELS[lang].tryAsking}`, optional: 1 }, ...suggestions.map((s): Part => ({ text: `\n• ${s.question[lang]}`, optional: 1 }))];
}

/** The "did you mean" choices as text lines (doors without buttons): label and publication. */
function choiceParts(choices: Choice[], lang: Lang, asText: boolean): Part[] {
  if (!asText) return [];
  return choices.map((c, i): Part => ({ text: `\n${i + 1}. ${c.label}（${inScript(c.source.publication, lang)}）` }));
}

/** What a partial reply says first: the article names the subject but not what was asked. */
export function partialNotice(r: PartialAnswer, lang: Lang = r.lang): string {
  return LABELS[lang].partial(r.subject[lang], r.missingText[lang]);
}

/** What the article does not say, then the closest sentence it does say. */
function partialParts(r: PartialAnswer, suggestions: Suggestion[], lang: Lang, choicesAsText: boolean): Part[] {
  const l = LABELS[lang];
  const choices = r.choices.length ? [{ text: `\n${l.orDidYouMean}` }, ...choiceParts(r.choices, lang, choicesAsText)] : suggestionParts(suggestions, lang);
  return [{ text: partialNotice(r, lang), style: 'b' }, { text: l.closest }, { text: '\n' }, ...quoteParts(r.related, lang), ...choices];
}

/** A decline; with "did you mean" choices, an uncertain reply offering them instead (no suggestions then). */
function declinedParts(reason: DeclineReason, suggestions: Suggestion[], choices: Choice[], lang: Lang, covers: string, topic: string, choicesAsText: boolean): Part[] {
  const l = LABELS[lang];
  if (choices.length) return [{ text: l.didYouMean }, ...choiceParts(choices, lang, choicesAsText)];
  const text = reason === 'out-of-scope' || reason === 'empty' ? l[reason](covers) : l[reason](covers, topic);
  return [{ text }, ...suggestionParts(suggestions, lang)];
}

/** Parts as Telegram HTML (escaped, user text never read as markup) or as plain text. */
export function markup(parts: Part[], format: Format): string {
  return parts
    .map((p) => {
      if (p.style === 'expandable') {
        const inner = markup(p.inner ?? [], format);
        return format === 'text' ? `${inner}\n` : `<blockquote expandable>${inner}</blockquote>`;
      }
      if (format === 'text') return p.style === 'blockquote' ? `${p.text}\n` : p.text;
      const body = escapeHtml(p.text);
      return p.style ? `<${p.style}>${body}</${p.style}>` : body;
    })
    .join('');
}

/**
 * A quoted sentence's whole paragraph (the context button): in an expandable blockquote with the
 * quoted sentence in bold, then the source and paragraph. English: the translated paragraph (when
 * the article has a translation), then the original.
 */
export function renderContext(c: ParagraphContext, format: Format, lang: Lang): string {
  const l = LABELS[lang];
  // Each paragraph at most PARAGRAPH_MAX_CHARS (two fit in a message with room to spare).
  const paragraph = (text: (s: ParagraphContext['sentences'][number]) => string): Part => {
    let room = PARAGRAPH_MAX_CHARS;
    const inner: Part[] = [];
    for (const s of c.sentences) {
      if (room <= 0) break;
      const t = [...text(s)];
      inner.push({ text: t.length > room ? `${t.slice(0, room - 1).join('')}…` : t.join(''), ...(s.quoted ? { style: 'b' as const } : {}) });
      room -= t.length;
    }
    return { text: '', style: 'expandable', inner };
  };
  const translated = lang === 'en' && c.sentences.every((s) => s.translation);
  const parts: Part[] = [
    { text: l.context(l.paragraph(c.paragraph)), style: 'b' },
    { text: '\n' },
    ...(translated ? [paragraph((s) => `${s.translation!} `), { text: l.original }] : []),
    paragraph((s) => inScript(s.text, lang)),
    { text: `— ${citation(c.source, lang)}${lang === 'en' ? ', ' : '，'}${l.paragraph(c.paragraph)}`, style: 'i' },
  ];
  return fit(parts, format);
}

/** Composes, dropping optional parts (highest first) and then cutting text until it fits Telegram. */
function fit(parts: Part[], format: Format): string {
  let kept = parts;
  let out = markup(kept, format);
  const levels = [...new Set(parts.map((p) => p.optional ?? 0))].filter((n) => n > 0).sort((a, b) => b - a);
  for (const level of levels) {
    if (out.length <= TELEGRAM_MAX_CHARS) break;
    kept = kept.filter((p) => (p.optional ?? 0) !== level);
    out = markup(kept, format);
  }
  while (out.length > TELEGRAM_MAX_CHARS) {
    const longest = kept.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    // Nothing left to cut (what is long is inside a part set off as a whole): stop, never loop.
    if (longest.text.length <= 1) break;
    const excess = out.length - TELEGRAM_MAX_CHARS;
    const cut = Math.max(0, longest.text.length - excess - 1);
    kept = kept.map((p) => (p === longest ? { ...p, text: `${[...p.text].slice(0, cut).join('')}…` } : p));
    out = markup(kept, format);
  }
  return out;
}

export interface RenderContext {
  /** The articles the engine knows, for "what I can answer" in refusals and greetings. */
  sources: SourceRef[];
  /** What the collection is about (knowledge/bot.json), for greetings and help. */
  topic?: Bot;
}

/** What the bot says it answers questions about, in a reply language. */
export function topicOf(ctx: RenderContext, lang: Lang): string {
  return ctx.topic?.topic[lang] ?? LABELS[lang].articles;
}

/** What the bot knows, in a few words: "毛梓铭《title》（广州日报，2019-07-16）". */
export function covers(sources: SourceRef[], lang: Lang): string {
  return sources.map((s) => citation(s, lang)).join(lang === 'en' ? '; ' : '；');
}

export interface RenderOptions {
  /** List the suggested questions and "did you mean" choices in the text (doors with buttons show them as buttons). Default true. */
  suggestionsAsText?: boolean;
  /** A follow-up's subject (conversation.ts): said first, （接着问：琶洲驿站）. */
  readWith?: string;
}

/** The message for a result, in the result's language unless `lang` overrides it (/lang). */
export function render(result: Result, format: Format, ctx: RenderContext, lang: Lang = result.lang, options: RenderOptions = {}): string {
  const suggestions = result.found || options.suggestionsAsText === false ? [] : result.suggestions;
  const asText = options.suggestionsAsText !== false;
  const parts = result.found
    ? foundParts(result, lang)
    : result.kind === 'partial'
      ? partialParts(result, suggestions, lang, asText)
      : declinedParts(result.reason, suggestions, result.choices, lang, covers(ctx.sources, lang), topicOf(ctx, lang), asText);
  if (options.readWith) parts.unshift({ text: LABELS[lang].followUp(options.readWith), style: 'i' }, { text: '\n' });
  return fit(parts, format);
}
