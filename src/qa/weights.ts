/**
 * How much each term of a question counts: one pure function and its constants. A unit's score is
 * the share of the question's total weight it matches, so these numbers decide what is answered
 * and what is declined.
 *
 * Rarity is measured over the articles' sentences (what the knowledge says), scaled so that a word
 * found in one sentence of an average-sized article weighs the most (3) whatever the number of
 * articles: adding articles does not shift the weights, and so not the refusals.
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

/** The weight of one term, given the units it matched. */
export function termWeight(term: Term, matched: Matches, ctx: WeightContext): number {
  const df = matched.sentences;
  const inFacts = matched.units.length > df;
  const scale = isSingleHan(term) ? SINGLE_CHAR_FACTOR : 1;
  switch (term.kind) {
    case 'question':
      return QUESTION_WEIGHT;
    case 'elsewhere':
      // A place the lexicon lists as not covered, yet an article names (佛山 in an ingested article): weighed as a word it uses.
      if (df > 0) return contentWeight(df, inFacts, scale, ctx);
      return ctx.elsewhereWeight;
    case 'unknown':
      return ctx.unknownWeight * scale;
    case 'content':
      if (isForeign(term, matched)) return ctx.elsewhereWeight;
      return contentWeight(df, inFacts, scale, ctx);
  }
}

/** A word the knowledge uses, found in `df` sentences (or only in fact phrasings). */
function contentWeight(df: number, inFacts: boolean, scale: number, ctx: WeightContext): number {
  if (df === 0) return (inFacts ? PHRASING_WEIGHT : ctx.unknownWeight) * scale;
  const n = ctx.sentenceCount;
  const idf = Math.log(1 + n / df) / Math.log(1 + n / ctx.articleCount);
  return Math.min(MAX_CONTENT_WEIGHT, Math.max(MIN_CONTENT_WEIGHT, MAX_CONTENT_WEIGHT * idf)) * scale;
}
