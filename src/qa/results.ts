/** Building what the engine returns from units: citations, quotes, metadata answers, suggestions. */
import type { ArticleKnowledge } from '../knowledge/load.js';
import type { ArticleMeta, Fact, MetaField } from '../knowledge/schema.js';
import { simplify } from '../text/normalize.js';
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

/** A metadata field as a short answer in each script (English names the original too). */
export function metaAnswer(meta: ArticleMeta, field: MetaField, source: SourceRef): PerLang {
  const value = field === 'editors' ? meta.editors.join('、') : field === 'date' ? `${meta.date}${meta.time ? ` ${meta.time}` : ''}` : meta[field];
  const en = source.en;
  const english = !en
    ? value
    : field === 'author'
      ? `${en.author} (${meta.author})`
      : field === 'publication'
        ? `${en.publication} (${meta.publication})`
        : field === 'editors'
          ? `${en.editors.join(', ')} (${value})`
          : field === 'title' || field === 'originalTitle'
            ? `“${en.title}” (${meta[field]})`
            : value;
  return { 'zh-Hans': simplify(value), 'zh-Hant': value, en: english };
}

/** The sentence a unit quotes (a sentence unit, or the sentence its fact rests on). */
export function quotedOf(unit: Unit, k: ArticleKnowledge, source: SourceRef): Quoted {
  const sentence = unit.sentence!;
  return {
    quote: sentence.text,
    sentenceId: sentence.id,
    paragraph: unit.paragraph,
    sentence: unit.sentenceNo,
    translation: k.translations?.sentences[sentence.id] ?? null,
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
