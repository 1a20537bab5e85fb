/**
 * The question-answering engine: a facade over a pipeline of stages, each a module that takes the
 * previous one's typed output and never calls back up (docs/engine.md):
 *
 *   question ─ reading.ts ──────── Read (language, clauses) ─┬─ intents (greeting, help) → declined
 *                                                            ├─ source-questions.ts → a field of an article
 *            ─ reading.ts ──────── Asking (what is looked up: clauses that ask, context, claims)
 *            ─ candidates.ts ───── Candidates (terms, expansions, weights, the units ranked)
 *            ─ judgement.ts ────── an outcome (answer kinds, thresholds, runners-up, choices)
 *            ─ outcomes.ts ─────── Result (quote and source, partial reply, or decline)
 *
 * It knows nothing about Telegram: every door (bot, inline mode, terminal chat, `ask --jsonl`,
 * announcements) calls `answer(question)` and renders the result with render.ts.
 */
import type { Knowledge } from '../knowledge/load.js';
import { LANGS, type Fact, type Lang } from '../knowledge/schema.js';
import { CandidateFinder } from './candidates.js';
import { Judgement } from './judgement.js';
import { Lru } from './lru.js';
import type { EngineOptions } from './options.js';
import { Outcomes } from './outcomes.js';
import { buildParts, round, type Parts, type Query } from './parts.js';
import { MAX_CACHED_QUESTION, Reader, type Read, type Reading } from './reading.js';
import { suggestionOf } from './results.js';
import { SourceQuestions } from './source-questions.js';
import { questionKey, withLearned, type LearnedPhrasing, type LearnedSet, type StaleLearned } from './learned.js';
import type { Choice, Found, NotFound, ParagraphContext, PerLang, Result, SentenceAnswer, SourceRef, Suggestion } from './types.js';

export type * from './types.js';
export type { EngineOptions } from './options.js';
export type { Reading } from './reading.js';

/** The pipeline's stages, built together from the knowledge and the learned phrasings. */
interface Stages {
  parts: Parts;
  reader: Reader;
  candidates: CandidateFinder;
  judgement: Judgement;
  outcomes: Outcomes;
  sourceQuestions: SourceQuestions;
  learned: LearnedSet;
  /** Folded learned question → the sentence unit it was taught to get, or null for a learned decline. */
  taught: Map<string, number | null>;
}

/** Everything taught: the knowledge's learned.json files first, then the store's (which win for one question). */
const allLearned = (knowledge: Knowledge, learned: readonly LearnedPhrasing[]): LearnedPhrasing[] => [
  ...knowledge.articles.flatMap((k) => k.learned),
  ...knowledge.learned,
  ...learned,
];

/** The taught questions' exact matches, resolved to the units of `parts`. */
function taughtUnits(parts: Parts, set: LearnedSet): Map<string, number | null> {
  const unitOf = new Map(parts.index.units.flatMap((unit, u) => (unit.fact ? [] : [[`${unit.article}:${unit.sentence.id}`, u] as const])));
  return new Map([...set.exact].map(([key, to]) => [key, to ? unitOf.get(`${to.article}:${to.sentence}`)! : null]));
}

function buildStages(knowledge: Knowledge, options: EngineOptions, learned: readonly LearnedPhrasing[]): Stages {
  const taught = withLearned(knowledge, allLearned(knowledge, learned));
  const parts = buildParts(taught.knowledge, options, taught.set.factIds);
  const candidates = new CandidateFinder(parts);
  const outcomes = new Outcomes(parts);
  return {
    parts,
    reader: new Reader(parts),
    candidates,
    judgement: new Judgement(parts, candidates, outcomes),
    outcomes,
    sourceQuestions: new SourceQuestions(parts, candidates),
    learned: taught.set,
    taught: taughtUnits(parts, taught.set),
  };
}

/**
 * Sentences up to which learn() rebuilds the stages (about 0.15 s for the first article's 40, 13 s
 * for a thousand articles, on this project's 2-core machine): a longer rebuild would hold up every
 * answer of the process while it runs. Past it, learn() applies teachings to their exact questions
 * only, at once, and the index takes them in at the next start (from learned.json, or the store).
 */
export const REBUILD_MAX_SENTENCES = 1_000;

export class Engine {
  readonly knowledge: Knowledge;
  readonly sources: SourceRef[];
  private readonly options: EngineOptions;
  private stages: Stages;
  private answers: Lru<string, Result>;

  constructor(knowledge: Knowledge, options: EngineOptions = {}, learned: readonly LearnedPhrasing[] = []) {
    this.knowledge = knowledge;
    this.options = options;
    this.stages = buildStages(knowledge, options, learned);
    this.sources = this.stages.parts.sources;
    this.answers = new Lru(this.stages.parts.options.cacheSize);
  }

  private get parts(): Parts {
    return this.stages.parts;
  }
  private get reader(): Reader {
    return this.stages.reader;
  }
  private get candidates(): CandidateFinder {
    return this.stages.candidates;
  }
  private get judgement(): Judgement {
    return this.stages.judgement;
  }
  private get outcomes(): Outcomes {
    return this.stages.outcomes;
  }
  private get sourceQuestions(): SourceQuestions {
    return this.stages.sourceQuestions;
  }

  /**
   * Applies the learned phrasings (learned.ts) on top of the knowledge's learned.json files,
   * replacing those applied before (on a knowledge too large to rebuild quickly, to their exact
   * questions only: REBUILD_MAX_SENTENCES): the stages are
   * rebuilt with them and swapped in at once, so a question is answered wholly before or wholly
   * after. Returns how many apply and those that are stale (their sentence gone or changed).
   */
  learn(learned: readonly LearnedPhrasing[]): { applied: number; stale: StaleLearned[] } {
    if (this.stages.parts.index.sentenceCount <= REBUILD_MAX_SENTENCES) {
      this.stages = buildStages(this.knowledge, this.options, learned);
    } else {
      // Too large to rebuild while answering: the exact questions now, the index at the next start.
      const { set } = withLearned(this.knowledge, allLearned(this.knowledge, learned));
      this.stages = { ...this.stages, learned: set, taught: taughtUnits(this.stages.parts, set) };
    }
    this.answers = new Lru(this.stages.parts.options.cacheSize);
    return { applied: this.stages.learned.applied, stale: this.stages.learned.stale };
  }

  /** How many learned phrasings apply, and those that are stale. */
  get learned(): { applied: number; stale: StaleLearned[] } {
    return { applied: this.stages.learned.applied, stale: this.stages.learned.stale };
  }

  /**
   * The answer to one question: a quoted sentence or a metadata field (`found: true`), a partial
   * reply, or a decline with suggestions. Never throws, whatever the text.
   *
   * ```ts
   * const result = engine.answer('天河落户要多久');
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
   * engine.search('天河', 5).map((r) => r.kind === 'sentence' ? r.sentenceId : r.field);
   * ```
   */
  search(question: string, limit: number): Found[] {
    const { result: first, ranking } = this.query(question);
    if (!first.found || !ranking) return [];
    const { units } = this.parts.index;
    // One result per fact, and a bare sentence only when none of its facts is shown.
    const keys = (u: number): string[] => {
      const unit = units[u]!;
      const sentence = `s:${unit.article}:${unit.sentence.id}`;
      return unit.fact ? [`f:${unit.article}:${unit.fact.id}`, sentence] : [sentence];
    };
    const seen = new Set<string>();
    const out: Found[] = [];
    const take = (u: number, result: Found) => {
      const [own] = keys(u);
      if (seen.has(own!)) return;
      for (const k of keys(u)) seen.add(k);
      out.push(result);
    };
    // A taught question's answer is its taught sentence, whatever the ranking put first.
    const taught = this.stages.taught.get(questionKey(question));
    take(typeof taught === 'number' ? taught : ranking.best, first);
    // A few more than `limit`: some are the same fact or sentence as one taken.
    for (const { u, score } of this.candidates.bestPassing(ranking, limit * 4)) {
      if (out.length >= limit) break;
      take(u, this.outcomes.found(u, round(score), first.lang, []));
    }
    return out;
  }

  /**
   * Sentences that may answer a question, best first, for an operator to choose from (/review): the
   * ranking's and the plain search's candidates with no threshold, merged by rank (reciprocal rank
   * fusion), one per sentence, each labelled in `lang`. Empty for a question with no words.
   */
  reviewCandidates(question: string, limit: number, lang: Lang): Choice[] {
    const { empty, clauses } = this.reader.read(question);
    if (empty) return [];
    const asking = this.reader.asking(clauses);
    const { terms, ranking } = this.candidates.find(asking);
    const { sentenceUnit } = this.parts.index;
    const order = ranking.touched
      .map((u, i) => ({ u: sentenceUnit[u]!, score: ranking.scores[i]! }))
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score);
    const ranked = [...new Set(order.map((c) => c.u))].slice(0, limit * 2);
    return this.parts.choiceFinder.relaxed(asking.text, terms, lang, ranked, limit);
  }

  /**
   * For maintainers (`ask --explain`): what the question was read as (folded, in Mandarin), its
   * terms with their weights, the kinds of detail it asks for, the best units, and the outcome.
   */
  explain(question: string): {
    text: string;
    terms: { text: string; kind: string; weight: number; alts: string[] }[];
    asks: string[];
    top: { unit: string; score: number }[];
    outcome: string;
  } {
    const { result } = this.query(question);
    const { terms, weights, ranking, text } = this.lookUp(this.reader.read(question).clauses, result.lang);
    const described = terms.map((t, i) => ({ text: t.text, kind: t.kind, weight: round(weights[i]!), alts: [...t.zh, ...t.en].slice(0, 8) }));
    const asks = this.parts.answerTypes.asked(text ?? '', terms).map((a) => (a.focus ? `${a.name} (${a.focus.text})` : a.name));
    const top = (ranking?.touched ?? [])
      .map((u, i) => ({ u, score: ranking!.scores[i]! }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 5)
      .map(({ u, score }) => {
        const unit = this.parts.index.units[u]!;
        return { unit: unit.fact ? `fact ${unit.fact.id}` : `sentence ${unit.sentence.id}`, score: round(score) };
      });
    const outcome = result.kind === 'declined' ? `declined: ${result.reason}` : result.kind === 'partial' ? `partial: ${result.missing}` : result.kind;
    return { text: text ?? '', terms: described, asks, top, outcome };
  }

  /**
   * What a question is about, for a conversation (see conversation.ts): its subject (the words the
   * knowledge knows, in the asker's spelling: 琶洲驿站), whether it names no subject of its own (a bare
   * attribute: 能办多少项, which district), and whether it points back (它, 天河呢, it, what about).
   */
  reading(question: string): Reading {
    return this.reader.reading(question);
  }

  /** The one query path, stage by stage. */
  private query(question: string): Query {
    const { lang, empty, clauses, text } = this.reader.read(question);
    const none = { terms: [], matched: [], weights: [], ranking: undefined };
    if (empty) return { ...none, result: this.outcomes.declined('empty', [], 0, lang) };
    const intent = this.parts.intents.classify(question, text);
    if (intent) return { ...none, result: this.outcomes.declined(intent, [], 0, lang) };
    const taught = this.stages.taught.get(questionKey(question));
    if (taught !== undefined) {
      const looked = this.lookUp(clauses, lang);
      if (taught === null) return { ...looked, result: { ...this.outcomes.declined('out-of-scope', [], 0, lang), learned: true } };
      return { ...looked, result: { ...this.outcomes.found(taught, 1, lang, [], looked.terms), learned: true } };
    }
    const aboutArticle = this.sourceQuestions.first(text, lang);
    if (aboutArticle) return aboutArticle;
    return this.sourceQuestions.instead(text, lang, this.judgement.keyword(text, this.lookUp(clauses, lang)));
  }

  /** A question about what the articles say: what it asks, its candidates, the judgement. */
  private lookUp(clauses: Read['clauses'], lang: Lang): Query {
    const asking = this.reader.asking(clauses);
    return this.judgement.decide(asking, this.candidates.find(asking), lang);
  }

  /**
   * The facts whose question phrasings (all three languages) are closest to a short text, best
   * first: what someone is still typing (南沙落, how long does sett), or a question close to one the
   * knowledge answers. `maxScore` is fuse.js's score (0 exact … 1 unrelated).
   */
  closestFacts(text: string, limit: number, maxScore: number): { fact: Fact; score: number }[] {
    return this.parts.phrasings.closest(text, limit, maxScore).map((m) => ({ fact: this.outcomes.factById(m.factId), score: m.score }));
  }

  /** The first `count` key facts as example questions (/start, /help). */
  examples(count: number): Suggestion[] {
    return this.parts.keyFacts.slice(0, count).map(suggestionOf);
  }

  /** Changes whenever any knowledge file changes: /healthz and the logs report it. */
  get version(): string {
    return this.knowledge.version;
  }

  /** The articles, in knowledge order: each one's source and two-line summary (/source). */
  articles(): { source: SourceRef; summary: PerLang | undefined }[] {
    return this.knowledge.articles.map((k, a) => ({ source: this.sources[a]!, summary: k.summary }));
  }

  /** Every fact's id, in knowledge order: what scheduled posts rotate through. */
  factIds(): string[] {
    return this.knowledge.articles.flatMap((k) => k.facts.map((f) => f.id));
  }

  /** A question the knowledge answers, for usage lines (/ask <example>): the first key fact's. */
  example(lang: Lang): string {
    return this.parts.keyFacts[0]?.questions[lang][0] ?? this.knowledge.articles[0]!.facts[0]?.questions[lang][0] ?? '?';
  }

  /**
   * The paragraph around a sentence (the context button), or undefined when the article or the
   * sentence is not (or no longer) in the knowledge.
   */
  paragraphOf(articleId: string, sentenceId: string): ParagraphContext | undefined {
    return this.outcomes.paragraphOf(articleId, sentenceId);
  }

  /** Facts marked key, across articles, in knowledge order: /facts, digests, empty inline queries. */
  keyFacts(): Fact[] {
    return this.parts.keyFacts;
  }

  /**
   * The answer a fact gives (a suggestion button, an inline result), or undefined for an unknown id.
   *
   * ```ts
   * engine.answerFact(engine.keyFacts()[0]!.id, 'en')?.shortAnswer?.en; // its short answer in English
   * ```
   */
  answerFact(factId: string, lang: Lang): SentenceAnswer | undefined {
    const u = this.parts.index.factUnit.get(factId);
    return u === undefined ? undefined : this.outcomes.found(u, 1, lang, []);
  }

  /**
   * The answer a "did you mean" choice gives when tapped: the sentence's quote with its source, or
   * undefined when the article or sentence is gone (a re-ingest).
   */
  answerSentence(articleId: string, sentenceId: string, lang: Lang): SentenceAnswer | undefined {
    const u = this.parts.index.units.findIndex((unit) => !unit.fact && unit.sentence.id === sentenceId && this.sources[unit.article]!.articleId === articleId);
    return u < 0 ? undefined : this.outcomes.found(u, 1, lang, []);
  }

  /** Builds lazily built indexes now (long-running processes: the bot, the bench). */
  warmUp(): this {
    this.parts.analyzer.warmUp();
    // One question in each language, from the knowledge itself, compiles the query path before the first user.
    const fact = this.knowledge.articles.flatMap((k) => k.facts)[0];
    if (fact) for (const lang of LANGS) this.query(fact.questions[lang][0]!);
    return this;
  }

  get unitCount(): number {
    return this.parts.index.units.length;
  }
}

export type { NotFound };

export function createEngine(knowledge: Knowledge, options?: EngineOptions): Engine {
  return new Engine(knowledge, options);
}
