/**
 * The question-answering engine: a small facade over the unit index (unit-index.ts), the term
 * weights (weights.ts), the ranker (ranker.ts) and the result builders (results.ts). It knows nothing
 * about Telegram: every door (bot, inline mode, terminal chat, `ask --jsonl`, announcements) calls
 * `answer(question)` and renders the result with render.ts.
 *
 * A question is cut into terms (text/terms.ts); each term weighs by how rare it is in the knowledge
 * (words the knowledge does not know weigh a lot, question words little). A unit's score is the
 * share of the question's weight it matches, so a question about something the article never
 * mentions cannot reach the threshold however many common words it shares: that is what makes
 * declines honest.
 */
import type { Knowledge } from '../knowledge/load.js';
import type { Fact, Lang } from '../knowledge/schema.js';
import { detectLang, fold } from '../text/normalize.js';
import { Analyzer, type Term } from '../text/terms.js';
import { Lru } from './lru.js';
import { resolveOptions, type EngineOptions } from './options.js';
import { Ranker, type Ranking } from './ranker.js';
import { metaAnswer, quotedOf, sourceOf, suggestionOf, suggestionsFrom } from './results.js';
import type { Declined, DeclineReason, Found, NotFound, Result, SourceRef, Suggestion } from './types.js';
import { UnitIndex, type Matches } from './unit-index.js';
import { isForeign, termWeight, type WeightContext } from './weights.js';

export type * from './types.js';
export type { EngineOptions } from './options.js';

/** Terms beyond this many are ignored (a question is a sentence, not an essay); must stay below 64. */
const MAX_TERMS = 48;
/** Longer questions are not cached (they are rarely asked twice, and would hold memory). */
const MAX_CACHED_QUESTION = 200;

/** Everything one question went through: what answer(), search() and explain() each read from. */
interface Query {
  result: Result;
  terms: Term[];
  matched: Matches[];
  weights: number[];
  /** Undefined when the question never reached the ranking (empty, a greeting). */
  ranking: Ranking | undefined;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export class Engine {
  readonly knowledge: Knowledge;
  readonly sources: SourceRef[];
  private readonly options: Required<EngineOptions>;
  private readonly index: UnitIndex;
  private readonly analyzer: Analyzer;
  private readonly ranker: Ranker;
  private readonly weightContext: WeightContext;
  private readonly keyFactList: Fact[];
  private readonly answers: Lru<string, Result>;

  constructor(knowledge: Knowledge, options: EngineOptions = {}) {
    this.knowledge = knowledge;
    this.options = resolveOptions(options);
    this.sources = knowledge.articles.map(sourceOf);
    this.keyFactList = knowledge.articles.flatMap((k) => k.facts.filter((f) => f.key));
    this.index = new UnitIndex(knowledge);
    this.analyzer = new Analyzer({
      ...knowledge,
      chineseTexts: this.index.chineseTexts(),
      englishWords: this.index.englishWords,
      englishStems: this.index.englishStems(),
    });
    this.ranker = new Ranker(this.index, this.options.threshold, this.options.maxSuggestions);
    this.weightContext = {
      sentenceCount: this.index.sentenceCount,
      articleCount: knowledge.articles.length,
      unknownWeight: this.options.unknownWeight,
      elsewhereWeight: this.options.elsewhereWeight,
    };
    this.answers = new Lru(this.options.cacheSize);
  }

  /**
   * The answer to one question: a quoted sentence or a metadata field (`found: true`), a partial
   * reply, or a decline with suggestions. Never throws, whatever the text.
   *
   * ```ts
   * const result = engine.answer('南沙落户要多久');
   * if (result.found && result.kind === 'sentence') console.log(result.quote, result.source.publication);
   * ```
   */
  answer(question: string): Result {
    const cached = this.answers.get(question);
    if (cached) return cached;
    const { result } = this.query(question);
    if (question.length <= MAX_CACHED_QUESTION) this.answers.set(question, result);
    return result;
  }

  /**
   * Up to `limit` different answers for a question, best first (inline mode shows several): every
   * unit over the threshold, one per sentence. A question without an answer gets none.
   *
   * ```ts
   * engine.search('南沙', 5).map((r) => r.kind === 'sentence' ? r.sentenceId : r.field);
   * ```
   */
  search(question: string, limit: number): Found[] {
    const { result: first, ranking } = this.query(question);
    if (!first.found || !ranking) return [];
    const { units } = this.index;
    // One result per fact, and a bare sentence only when none of its facts is shown.
    const keys = (u: number): string[] => {
      const unit = units[u]!;
      const sentence = unit.sentence ? `s:${unit.article}:${unit.sentence.id}` : '';
      return unit.fact ? [`f:${unit.article}:${unit.fact.id}`, sentence] : [sentence];
    };
    const seen = new Set<string>();
    const out: Found[] = [];
    const take = (u: number, result: Found) => {
      const [own] = keys(u);
      if (seen.has(own!)) return;
      for (const k of keys(u)) if (k) seen.add(k);
      out.push(result);
    };
    take(ranking.best, first);
    const needed = this.options.threshold * ranking.total;
    const candidates = ranking.touched
      .map((u, i) => ({ u, score: ranking.scores[i]! }))
      .filter(({ u }) => u !== ranking.best && this.ranker.matchedWeight(u) >= needed && this.ranker.evidence(u) >= this.options.minEvidence)
      .sort((x, y) => y.score - x.score || this.index.isFact[y.u]! - this.index.isFact[x.u]!);
    for (const { u, score } of candidates) {
      if (out.length >= limit) break;
      take(u, this.found(u, round(score), first.lang, []));
    }
    return out;
  }

  /** For maintainers (`ask --explain`): the question's terms with their weights, and the best units. */
  explain(question: string): { terms: { text: string; kind: string; weight: number; alts: string[] }[]; top: { unit: string; score: number }[] } {
    const { terms, weights, ranking } = this.query(question);
    const described = terms.map((t, i) => ({ text: t.text, kind: t.kind, weight: round(weights[i]!), alts: [...t.zh, ...t.en].slice(0, 8) }));
    if (!ranking) return { terms: described, top: [] };
    const top = ranking.touched
      .map((u, i) => ({ u, score: ranking.scores[i]! }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 5)
      .map(({ u, score }) => {
        const unit = this.index.units[u]!;
        return { unit: unit.fact ? `fact ${unit.fact.id}` : `sentence ${unit.sentence?.id}`, score: round(score) };
      });
    return { terms: described, top };
  }

  /** The one query path: fold, recognise, analyze, weigh, rank, decide. */
  private query(question: string): Query {
    const folded = fold(question);
    const detected = detectLang(question, folded);
    const lang: Lang = detected === 'other' ? 'zh-Hans' : detected;
    const none = { terms: [], matched: [], weights: [], ranking: undefined };
    if (!folded) return { ...none, result: this.declined('empty', [], 0, lang) };
    if (this.analyzer.isGreeting(folded)) return { ...none, result: this.declined('greeting', [], 0, lang) };

    const terms = this.analyzer.analyze(folded).slice(0, MAX_TERMS);
    const matched = terms.map((t) => this.index.matches(t));
    const weights = terms.map((t, i) => termWeight(t, matched[i]!, this.weightContext));
    const ranking = this.ranker.rank(terms, matched, weights);
    const base = { terms, matched, weights, ranking };
    const { best, total, bestScore } = ranking;
    const decline = (score: number): Query => ({
      ...base,
      result: this.declined('out-of-scope', ranking.partialFacts.map((u) => this.index.units[u]!.fact!), score, lang),
    });
    if (best < 0 || total === 0) return decline(0);
    // A place or a number the knowledge never mentions (北京, 2020年) means the question is about
    // something else, however well the rest of it matches.
    if (terms.some((t, i) => isForeign(t, matched[i]!))) return decline(bestScore);
    const coverage = this.ranker.matchedWeight(best) / total;
    if (coverage < this.options.threshold || ranking.evidence < this.options.minEvidence) return decline(bestScore);
    // A question asking for a kind of detail (a fee, a phone number, a date) is answered only by a
    // sentence that gives one: the station's sentence does not tell its phone number.
    const sentence = this.index.sentenceOf(best);
    if (sentence && this.analyzer.askedFor(folded).some((needs) => !needs.test(sentence.zh))) return decline(bestScore);
    const alsoIn = ranking.otherArticles.map((a) => this.sources[a]!);
    return { ...base, result: this.found(best, round(bestScore), lang, alsoIn) };
  }

  private declined(reason: DeclineReason, partial: Fact[], score: number, lang: Lang): Declined {
    return { found: false, kind: 'declined', reason, suggestions: this.suggestions(partial), score: round(score), lang };
  }

  private found(u: number, score: number, lang: Lang, alsoIn: SourceRef[]): Found {
    const unit = this.index.units[u]!;
    const k = this.knowledge.articles[unit.article]!;
    const source = this.sources[unit.article]!;
    const fact = unit.fact;
    if (fact?.meta) {
      return { found: true, kind: 'meta', field: fact.meta, shortAnswer: metaAnswer(k.article.meta, fact.meta, source), source, alsoIn, score, lang };
    }
    return { found: true, kind: 'sentence', ...quotedOf(unit, k, source), factId: fact?.id ?? null, shortAnswer: fact?.answer ?? null, alsoIn, score, lang };
  }

  private suggestions(partial: Fact[]): Suggestion[] {
    return suggestionsFrom(partial, this.keyFactList, this.options.maxSuggestions);
  }

  /** The first `count` key facts as example questions (/start, /help). */
  examples(count: number): Suggestion[] {
    return this.keyFactList.slice(0, count).map(suggestionOf);
  }

  /** Facts marked key, across articles, in knowledge order: /facts, digests, empty inline queries. */
  keyFacts(): Fact[] {
    return this.keyFactList;
  }

  /**
   * The answer a fact gives (a suggestion button, an inline result), or undefined for an unknown id.
   *
   * ```ts
   * engine.answerFact('nansha-settle-days', 'en')?.shortAnswer?.en; // 'Only 10 working days …'
   * ```
   */
  answerFact(factId: string, lang: Lang): Found | undefined {
    const u = this.index.factUnit.get(factId);
    return u === undefined ? undefined : this.found(u, 1, lang, []);
  }

  /** Builds lazily built indexes now (long-running processes: the bot, the bench). */
  warmUp(): this {
    this.analyzer.warmUp();
    return this;
  }

  get unitCount(): number {
    return this.index.units.length;
  }
}

export type { NotFound };

export function createEngine(knowledge: Knowledge, options?: EngineOptions): Engine {
  return new Engine(knowledge, options);
}
