/**
 * How much each term of a question counts: one pure function and its constants. A unit's score is
 * the share of the question's total weight it matches, so these numbers decide what is answered
 * and what is declined.
 *
 * Rarity is measured over the articles' sentences (what the knowledge says). A unit is scored with
 * the weights of its own article (weighingIn: rarity within that article, as if it were alone), so
 * adding an article never changes how another article's sentences score: each article answers or
 * declines a question on its own terms, and the best of them answers. The collection-wide weight
 * (termWeight) only orders the terms for the ranker.
 */
import type { Term } from '../text/terms.js';
import type { Matches } from './unit-index.js';

/** A question word (多久, how many): it shapes the question, and a missing one barely hurts. */
export const QUESTION_WEIGHT = 0.35;
/** A word found only in fact phrasings, not in any sentence: how people ask, not what the article says. */
export const PHRASING_WEIGHT = 1;
/** A single Han character carries less meaning than a word (事, 办): its weight is scaled by this. */
export const SINGLE_CHAR_FACTOR = 0.4;
/** The heaviest and lightest weight of a word the sentences use (rarest, most common). */
export const MAX_CONTENT_WEIGHT = 3;
export const MIN_CONTENT_WEIGHT = 0.6;

export interface WeightContext {
  /** Sentence units in the knowledge, and articles: the rarity scale. */
  sentenceCount: number;
  articleCount: number;
  /** A word the knowledge does not know at all (EngineOptions.unknownWeight). */
  unknownWeight: number;
  /** A place or number the knowledge does not cover (EngineOptions.elsewhereWeight). */
  elsewhereWeight: number;
}

/** A place the knowledge does not cover, or a number it never mentions (2020年, 50项), so nothing matches. */
export function isForeign(term: Term, matched: Matches): boolean {
  return (term.kind === 'elsewhere' || (term.kind === 'content' && /^\d+$/.test(term.text))) && matched.units.length === 0;
}

const isSingleHan = (term: Term): boolean => term.zh.length > 0 && [...term.text].length === 1 && /\p{Script=Han}/u.test(term.text);

/** The weight of one term over the whole collection, given the units it matched. */
export function termWeight(term: Term, matched: Matches, ctx: WeightContext): number {
  return weighing(term)(matched.sentences, matched.units.length - matched.sentences, ctx);
}

/**
 * The weight of one term for the units of one article, given the sentences and fact units of that
 * article it matched, and the article's own rarity scale: NaN when the article cannot answer the
 * question at all (a place or a number it never mentions, that another article does). Per-term work
 * is done once: the ranker calls the result for every article.
 */
export function weighingIn(term: Term): (sentences: number, facts: number, ctx: WeightContext) => number {
  const weigh = weighing(term);
  const mustBeNamed = term.kind === 'elsewhere' || (term.kind === 'content' && /^\d+$/.test(term.text));
  // Articles of the same size that match a term as often weigh it alike: computed once (two logs).
  const seen = new Map<number, number>();
  return (sentences, facts, ctx) => {
    if (mustBeNamed && sentences + facts === 0) return NaN;
    const key = (sentences * 2 + (facts > 0 ? 1 : 0)) * 1_048_576 + ctx.sentenceCount;
    let w = seen.get(key);
    if (w === undefined) {
      w = weigh(sentences, facts, ctx);
      seen.set(key, w);
    }
    return w;
  };
}

function weighing(term: Term): (df: number, facts: number, ctx: WeightContext) => number {
  const scale = isSingleHan(term) ? SINGLE_CHAR_FACTOR : 1;
  switch (term.kind) {
    case 'question':
      return () => QUESTION_WEIGHT;
    case 'elsewhere':
      // A place the lexicon lists as not covered, yet an article names (佛山 in an ingested article): weighed as a word it uses.
      return (df, facts, ctx) => (df > 0 ? contentWeight(df, facts > 0, scale, ctx) : ctx.elsewhereWeight);
    case 'unknown':
      return (_df, _facts, ctx) => ctx.unknownWeight * scale;
    case 'content':
      if (/^\d+$/.test(term.text)) return (df, facts, ctx) => (df + facts === 0 ? ctx.elsewhereWeight : contentWeight(df, facts > 0, scale, ctx));
      return (df, facts, ctx) => contentWeight(df, facts > 0, scale, ctx);
  }
}

/** A word the knowledge uses, found in `df` sentences (or only in fact phrasings). */
function contentWeight(df: number, inFacts: boolean, scale: number, ctx: WeightContext): number {
  if (df === 0) return (inFacts ? PHRASING_WEIGHT : ctx.unknownWeight) * scale;
  const n = ctx.sentenceCount;
  const idf = Math.log(1 + n / df) / Math.log(1 + n / ctx.articleCount);
  return Math.min(MAX_CONTENT_WEIGHT, Math.max(MIN_CONTENT_WEIGHT, MAX_CONTENT_WEIGHT * idf)) * scale;
}
