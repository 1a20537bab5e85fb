/**
 * The last stage: a judged unit (or none) as the result the doors render. A sentence answer with its
 * source and short answer, a partial reply with what is missing, a decline with suggestions.
 */
import type { Fact, Lang } from '../knowledge/schema.js';
import type { Term } from '../text/terms.js';
import type { Asked, Evidence } from './answer-types.js';
import { round, type Parts } from './parts.js';
import type { Ranking } from './ranker.js';
import { clauseAnswer, quotedOf, subjectOf, suggestionsFrom } from './results.js';
import type { Choice, Declined, DeclineReason, ParagraphContext, PartialAnswer, SentenceAnswer, SourceRef, Suggestion } from './types.js';

/** How much of a declined question a fact must match (its score) to be suggested. */
const RELATED_MIN_SCORE = 0.35;
/** How close (fuse.js score) a fact's phrasing must be to a declined question to be suggested. */
const RELATED_MAX_SCORE = 0.3;
/**
 * Declined questions this short (folded) are compared with the phrasings, against this many of
 * them: fuzzy matching is for short strings, and a long question's close facts are the ranking's.
 */
const RELATED_MAX_CHARS = 24;
const RELATED_CANDIDATES = 16;

export class Outcomes {
  constructor(private readonly parts: Parts) {}

  /**
   * A sentence answer. Without a fact's short answer, a sentence of an article nobody translated
   * gets the clause that holds what the question asks about (when the question's terms are given).
   */
  found(u: number, score: number, lang: Lang, alsoIn: SourceRef[], terms?: Term[]): SentenceAnswer {
    const { index, knowledge, sources } = this.parts;
    const unit = index.units[u]!;
    const k = knowledge.articles[unit.article]!;
    const quoted = quotedOf(unit, k, sources[unit.article]!);
    // A learned phrasing's unit is shown as its bare sentence.
    const learned = unit.fact !== null && this.parts.learnedFacts.has(unit.fact.id);
    const fact = learned ? null : unit.fact;
    const shortAnswer = fact?.answer ?? (terms && !k.translations ? clauseAnswer(quoted.quote, terms) : null);
    return { found: true, kind: 'sentence', ...quoted, factId: fact?.id ?? null, shortAnswer, alsoIn, score, lang, ...(learned ? { learned: true as const } : {}) };
  }

  partial(u: number, missing: Asked, terms: Term[], score: number, lang: Lang, ranking: Ranking, question: string): PartialAnswer {
    const { index, knowledge, sources } = this.parts;
    const unit = index.units[u]!;
    const related = quotedOf(unit, knowledge.articles[unit.article]!, sources[unit.article]!);
    const subject = subjectOf(related.quote, index.units[unit.sentenceUnit]!.said, missing.focus, terms, lang);
    return {
      found: false,
      kind: 'partial',
      missing: missing.name,
      missingText: missing.missing,
      subject,
      related,
      suggestions: this.suggestions(this.partialFacts(ranking), question),
      choices: [],
      score,
      lang,
    };
  }

  declined(reason: DeclineReason, partial: Fact[], score: number, lang: Lang, question?: string, choices: Choice[] = []): Declined {
    return { found: false, kind: 'declined', reason, suggestions: this.suggestions(partial, question), choices, score: round(score), lang };
  }

  /** The facts the ranking matched in part, close enough to suggest (RELATED_MIN_SCORE). */
  partialFacts(ranking: Ranking): Fact[] {
    return ranking.partialFacts
      .filter((_, i) => ranking.partialScores[i]! >= RELATED_MIN_SCORE)
      .map((u) => this.parts.index.units[u]!.fact!)
      .filter((f) => !this.parts.learnedFacts.has(f.id));
  }

  /**
   * What to suggest instead of an answer: for a question, the facts asked in the closest words
   * (fuse.js over the phrasings, tight cut-off: 北京落户要多久 → 南沙落户要多久), then the facts the
   * ranking matched in part; the key facts only when nothing is close.
   */
  suggestions(partial: Fact[], question?: string): Suggestion[] {
    const max = this.parts.options.maxSuggestions;
    const close = question === undefined ? [] : this.parts.phrasings.closest(question, max, RELATED_MAX_SCORE, RELATED_MAX_CHARS, RELATED_CANDIDATES).map((m) => this.factById(m.factId));
    const related = [...close, ...partial];
    return suggestionsFrom(related, related.length ? [] : this.parts.keyFacts, max);
  }

  factById(id: string): Fact {
    const { index } = this.parts;
    return index.units[index.factUnit.get(id)!]!.fact!;
  }

  /**
   * The paragraph around a sentence (the context button), or undefined when the article or the
   * sentence is not (or no longer) in the knowledge.
   */
  paragraphOf(articleId: string, sentenceId: string): ParagraphContext | undefined {
    const { knowledge, sources } = this.parts;
    const a = knowledge.articles.findIndex((k) => k.article.id === articleId);
    const k = knowledge.articles[a];
    if (!k) return undefined;
    const at = k.article.paragraphs.findIndex((p) => p.sentences.some((s) => s.id === sentenceId));
    if (at < 0) return undefined;
    const sentences = k.article.paragraphs[at]!.sentences.map((s) => ({
      id: s.id,
      text: s.text,
      translation: k.translations?.sentences[s.id] ?? null,
      quoted: s.id === sentenceId,
    }));
    return { source: sources[a]!, paragraph: at + 1, sentences };
  }

  /** What a unit's answer says, for the answer-type checks: its sentence and, for a fact, its short answer. */
  evidence(u: number): Evidence {
    const unit = this.parts.index.units[u]!;
    return { zh: unit.said, parts: unit.saidParts };
  }
}
