/** Building what the engine returns from units: citations, quotes, metadata answers, suggestions. */
import type { ArticleKnowledge } from '../knowledge/load.js';
import type { Fact } from '../knowledge/schema.js';
import { foldPunctuated, simplify } from '../text/normalize.js';
import type { Term } from '../text/terms.js';
import type { Lang } from '../knowledge/schema.js';
import type { PerLang, Quoted, SourceRef, Suggestion } from './types.js';
import type { Unit } from './unit-index.js';

export function sourceOf(k: ArticleKnowledge): SourceRef {
  const m = k.article.meta;
  const t = k.translations?.meta;
  return {
    articleId: k.article.id,
    title: m.title,
    publication: m.publication,
    author: m.author,
    date: m.date,
    editors: m.editors,
    en: t ? { title: t.title, publication: t.publication, author: t.author, editors: t.editors } : null,
  };
}

/** The sentence a unit quotes (a sentence unit, or the sentence its fact rests on), and after a lead the next. */
export function quotedOf(unit: Unit, k: ArticleKnowledge, source: SourceRef): Quoted {
  const sentence = unit.sentence;
  const next = unit.continued;
  const translations = [sentence, ...(next ? [next] : [])].map((s) => k.translations?.sentences[s.id]).filter((t) => t !== undefined);
  return {
    quote: next ? sentence.text + next.text : sentence.text,
    sentenceId: sentence.id,
    paragraph: unit.paragraph,
    sentence: unit.sentenceNo,
    translation: translations.length ? translations.join(' ') : null,
    source,
  };
}

/** A fact as a suggested question: its first phrasing in each language. */
export function suggestionOf(f: Fact): Suggestion {
  const q = f.questions;
  return { factId: f.id, question: { 'zh-Hans': q['zh-Hans'][0]!, 'zh-Hant': q['zh-Hant'][0]!, en: q.en[0]! } };
}

/** Up to `max` suggestions: facts that partly matched first, then key facts. */
export function suggestionsFrom(partial: Fact[], keyFacts: Fact[], max: number): Suggestion[] {
  const out = new Map<string, Suggestion>();
  for (const f of [...partial, ...keyFacts.slice(0, max)]) {
    if (out.size >= max) break;
    if (!out.has(f.id)) out.set(f.id, suggestionOf(f));
  }
  return [...out.values()];
}

/** A number (and measure word) right before the subject (三个零距离服务, 9|个城市): part of how the article names it. */
const COUNT_BEFORE = /(?:\d+|[一二两三四五六七八九十百千]+)[个项种家条]?$/u;

/**
 * What a partial reply says the article mentions (`said`: the sentence as foldPunctuated() gives it): the words of the sentence that name what was
 * asked about (the focus, with its count: 三个零距离服务), else the longest run of the question's
 * words in the sentence (天河落户), in the sentence's own script; in English, the asker's words.
 */
export function subjectOf(quote: string, said: string, focus: Term | undefined, terms: Term[], lang: Lang): PerLang {
  // `said` is the sentence folded (foldPunctuated): remember where each of its characters came from.
  // NFKC may lengthen a character (…→...); the script conversion keeps lengths.
  const from: number[] = [];
  for (let i = 0; i < quote.length; i++) {
    const c = quote[i]!.normalize('NFKC');
    for (let k = 0; k < c.length; k++) from.push(i);
  }
  let text = said;
  if (text.length !== from.length) {
    // A conversion changed a length: fold character by character instead.
    from.length = 0;
    text = '';
    for (let i = 0; i < quote.length; i++) {
      const c = foldPunctuated(quote[i]!);
      text += c;
      for (let k = 0; k < c.length; k++) from.push(i);
    }
  }
  const spans: [number, number][] = [];
  const wanted = focus && focus.zh.some((z) => text.includes(z)) ? [focus] : terms.filter((t) => t.kind === 'content');
  for (const t of wanted) {
    // The longest spelling the sentence uses (三个零距离服务 rather than 零距离).
    let span: [number, number] | undefined;
    for (const z of t.zh) {
      const at = z ? text.indexOf(z) : -1;
      if (at >= 0 && (!span || z.length > span[1] - span[0])) span = [at, at + z.length];
    }
    if (span) spans.push(span);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const runs: [number, number][] = [];
  for (const s of spans) {
    const last = runs[runs.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else runs.push([...s]);
  }
  let best = runs.reduce<[number, number] | undefined>((a, r) => (!a || r[1] - r[0] > a[1] - a[0] ? r : a), undefined);
  const english = (focus ? [focus] : terms.filter((t) => t.kind === 'content')).map((t) => t.text).join(' ');
  if (!best) return { 'zh-Hans': english, 'zh-Hant': english, en: english };
  const count = COUNT_BEFORE.exec(text.slice(Math.max(0, best[0] - 4), best[0]));
  if (focus && count) best = [best[0] - count[0].length, best[1]];
  const hans = text.slice(best[0], best[1]);
  const hant = quote.slice(from[best[0]]!, from[best[1] - 1]! + 1);
  return { 'zh-Hans': hans, 'zh-Hant': hant, en: lang === 'en' ? english : hans };
}

/** Where a sentence's clauses end (the mark stays with its clause). */
const CLAUSE_END = /(?<=[，,；;：:])/u;

/**
 * A short answer from the sentence itself, for an article nobody wrote facts or translations for:
 * the clause holding most of the question's words, one with a number first among equals (612项证明
 * 被取消 for 取消了多少证明). Null for a sentence of one clause, or when no clause holds any.
 */
export function clauseAnswer(quote: string, terms: Term[]): PerLang | null {
  const clauses = quote
    .split(CLAUSE_END)
    .map((c) => c.replace(/[，,；;：:。！？!?…]+$/u, '').trim())
    .filter((c) => c.length > 0);
  if (clauses.length < 2) return null;
  const words = [...new Set(terms.filter((t) => t.kind !== 'question').flatMap((t) => t.zh.filter((z) => z.length > 1)))];
  let best: string | undefined;
  let bestScore = 0;
  for (const clause of clauses) {
    const folded = simplify(clause);
    const score = words.filter((w) => folded.includes(w)).length + (/\d/.test(clause) ? 0.5 : 0);
    if (score > bestScore) {
      best = clause;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore >= 1 ? { 'zh-Hans': simplify(best), 'zh-Hant': best, en: best } : null;
}
