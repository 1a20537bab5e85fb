/**
 * Answers while a question is still being typed (inline mode): the engine's answers merged with the
 * facts whose phrasings the text is the start of or close to (fuse.js, see phrasings.ts).
 */
import type { Lang } from '../knowledge/schema.js';
import type { Engine, Found, PartialAnswer } from './engine.js';

/** Cards Telegram shows for an inline query, at most (we offer). */
export const MAX_RESULTS = 5;
/** How close (fuse.js score) a fact's phrasing must be to what is typed to be offered. */
const TYPING_MAX_SCORE = 0.25;
/** A phrasing this close (fuse.js score) is what is being typed: offered before the engine's answers. */
const AS_TYPED_SCORE = 0.05;
/** What is read of a query: Telegram's inline queries are at most 256 characters. */
export const MAX_TYPED_CHARS = 256;

/**
 * What to offer for a query as it is typed: the facts whose phrasings the query is the start of
 * nearly to the letter (fuse.js: 南沙落, how long does sett); otherwise the engine's answers, then the
 * facts whose phrasings are close, or, with none of these, its "did you mean" choices. One card per
 * fact (or bare sentence). A complete question the article speaks of without answering
 * (三个零距离服务是哪三个) gets its partial reply alone.
 */
export function asYouType(engine: Engine, text: string, lang: Lang, limit = MAX_RESULTS): { found: Found[]; partial?: PartialAnswer } {
  const query = text.length > MAX_TYPED_CHARS ? text.slice(0, MAX_TYPED_CHARS) : text;
  const typed = engine.closestFacts(query, limit, TYPING_MAX_SCORE);
  const nearlyTyped = typed.length > 0 && typed[0]!.score <= AS_TYPED_SCORE;
  // Typed nearly to the letter (the start of a phrasing): its facts are what is being asked, and the
  // engine's reading of half a question adds nothing (measured: the same hit rate, a third of the time).
  const answers = nearlyTyped ? [] : engine.search(query, limit);
  if (answers.length === 0 && !nearlyTyped) {
    const r = engine.answer(query);
    if (r.kind === 'partial') return { found: [], partial: r };
    // No confident answer: the "did you mean" choices, each a card that posts its quote.
    if (r.kind === 'declined') {
      for (const c of r.choices) {
        const tapped = engine.answerSentence(c.source.articleId, c.sentenceId, lang);
        if (tapped) answers.push(tapped);
      }
    }
  }
  const found: Found[] = [];
  const seen = new Set<string>();
  const add = (r: Found) => {
    const key = r.kind === 'meta' ? `m:${r.source.articleId}:${r.field}` : r.factId ? `f:${r.factId}` : `s:${r.source.articleId}:${r.sentenceId}`;
    if (found.length >= limit || seen.has(key)) return;
    seen.add(key);
    found.push(r);
  };
  for (const r of answers) add(r);
  for (const { fact } of typed) {
    const r = engine.answerFact(fact.id, lang);
    if (r) add(r);
  }
  return { found };
}

