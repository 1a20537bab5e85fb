/**
 * "Did you mean": when the engine cannot answer a question with confidence, up to three sentences
 * that may answer it, each with a short label in the asker's language, offered as one-tap choices
 * instead of a bare decline. Candidates come from the ranking's best sentence and from a relaxed
 * lexical search (sentence-search.ts), so that a question worded unlike the article (a paraphrase,
 * English on an article nobody translated) still reaches its sentence through a tap.
 */
import type { Knowledge } from '../knowledge/load.js';
import type { Lang } from '../knowledge/schema.js';
import { fold, simplify } from '../text/normalize.js';
import type { Term } from '../text/terms.js';
import { sourceOf } from './results.js';
import { addGrams, SentenceSearch, type Query } from './sentence-search.js';
import type { Choice, SourceRef } from './types.js';
import type { UnitIndex } from './unit-index.js';

export const MAX_CHOICES = 3;
/** The ranking's best sentence is a choice when it matched at least this share of the question. */
export const RANKED_MIN_SHARE = 0.6;
/**
 * A search hit is a choice when its BM25 score reaches this: chosen on the labelled questions of
 * every article (docs/evaluation.md) as the point where off-topic questions stop getting choices.
 */
export const CHOICE_MIN_SCORE = 10;
/** An English word's Chinese spellings looked up, at most (they share the word's weight). */
const MAX_SPELLINGS = 6;
/** Characters of a label, at most (Telegram shows about this many on a button). */
const LABEL_CHARS = 40;
const HAS_HAN = /\p{Script=Han}/u;
const CLAUSES = /[，,；;：:。！？!?…]+/u;
/** Reciprocal rank fusion's constant: the usual 60 flattens ten-item lists too much; 5 keeps the top ranks apart. */
const FUSION_K = 5;
/** A bare sentence the ranking chose is an answer when the search ranks it this high (see Engine). */
const CONFIRM_RANKS = 3;

/** The ranking's own candidate: a unit and the share of the question it matched. */
export interface Ranked {
  unit: number;
  share: number;
}

export class ChoiceFinder {
  private readonly search: SentenceSearch;
  private readonly sources: SourceRef[];

  constructor(
    private readonly knowledge: Knowledge,
    private readonly index: UnitIndex,
  ) {
    this.sources = knowledge.articles.map(sourceOf);
    this.search = new SentenceSearch(
      index.units.flatMap((unit, u) => (unit.fact ? [] : [{ text: fold(unit.sentence.text), article: unit.article, unit: u }])),
    );
  }

  /**
   * The choices for a question the engine read as `text` (folded, Mandarin) with `terms`: the
   * ranking's best sentence first when it matched at least `minShare` of the question, then the
   * search's best, one per sentence, without `except` (a partial reply's quoted sentence). Only the
   * `allowed` articles when the question names a place some articles cover.
   */
  find(text: string, terms: Term[], lang: Lang, ranked: Ranked | undefined, minShare: number, allowed?: Uint8Array, except?: number): Choice[] {
    const query = this.query(text, terms);
    if (!query.size) return [];
    const units: number[] = [];
    const take = (u: number) => {
      const s = this.index.units[u]!.sentenceUnit;
      if (s !== except && !units.includes(s)) units.push(s);
    };
    if (ranked && ranked.share >= minShare) take(ranked.unit);
    for (const h of this.search.search(query, MAX_CHOICES, allowed)) if (h.score >= CHOICE_MIN_SCORE) take(h.unit);
    return units.slice(0, MAX_CHOICES).map((u) => this.choice(u, query, lang));
  }

  /**
   * Up to `limit` sentences for an operator to choose from: the ranking's sentence units (`ranked`,
   * best first) and the search's hits, with no threshold, merged by reciprocal rank fusion (each
   * list's rank r counts 1 / (FUSION_K + r)).
   */
  relaxed(text: string, terms: Term[], lang: Lang, ranked: number[], limit: number): Choice[] {
    const query = this.query(text, terms);
    const fused = new Map<number, number>();
    const add = (u: number, rank: number) => fused.set(u, (fused.get(u) ?? 0) + 1 / (FUSION_K + rank));
    ranked.forEach(add);
    if (query.size) this.search.search(query, limit * 2).forEach((h, rank) => add(h.unit, rank));
    return [...fused]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([u]) => this.choice(u, query, lang));
  }

  /** Whether the search ranks a sentence unit among its first CONFIRM_RANKS for the question. */
  confirms(text: string, terms: Term[], sentenceUnit: number, allowed?: Uint8Array): boolean {
    const query = this.query(text, terms);
    return this.search.search(query, CONFIRM_RANKS, allowed).some((h) => h.unit === sentenceUnit);
  }

  /**
   * What to search for: the question's Chinese and numbers as bigrams and characters (question
   * words left out: 多少 is in no answer), each English word as its Chinese spellings, sharing the
   * word's weight.
   */
  private query(text: string, terms: Term[]): Query {
    let plain = text;
    for (const t of terms) if (t.kind === 'question' || !HAS_HAN.test(t.text)) plain = plain.slice(0, t.at) + ' '.repeat(t.end - t.at) + plain.slice(t.end);
    const query: Query = new Map();
    addGrams(query, plain.replace(/[a-z]+/g, ' '), 1);
    for (const t of terms) {
      if (t.kind === 'question' || HAS_HAN.test(t.text)) continue;
      const spellings = t.zh.filter((z) => HAS_HAN.test(z) || /^\d+$/.test(z)).slice(0, MAX_SPELLINGS);
      for (const z of spellings) addGrams(query, z, 1 / Math.sqrt(spellings.length));
    }
    return query;
  }

  private choice(u: number, query: Query, lang: Lang): Choice {
    const unit = this.index.units[u]!;
    const k = this.knowledge.articles[unit.article]!;
    return { source: this.sources[unit.article]!, sentenceId: unit.sentence.id, label: cut(this.label(unit.sentence.text, k.translations?.sentences[unit.sentence.id], query, lang)) };
  }

  /** The sentence's translation for an English asker, else its clause holding most of the query's weight. */
  private label(text: string, translation: string | undefined, query: Query, lang: Lang): string {
    if (lang === 'en' && translation) return translation;
    let best = text;
    let bestWeight = -1;
    for (const clause of text.split(CLAUSES)) {
      const c = clause.trim();
      if (!c) continue;
      const grams: Query = new Map();
      addGrams(grams, fold(c), 1);
      let weight = 0;
      for (const [g, w] of grams) if (query.has(g)) weight += Math.min(w, query.get(g)!);
      if (weight > bestWeight) {
        best = c;
        bestWeight = weight;
      }
    }
    return lang === 'zh-Hans' ? simplify(best) : best;
  }
}

function cut(text: string): string {
  const chars = [...text.trim()];
  return chars.length <= LABEL_CHARS ? chars.join('') : `${chars.slice(0, LABEL_CHARS - 1).join('')}…`;
}
