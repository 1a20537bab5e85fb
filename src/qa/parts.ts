/**
 * What the engine's stages share, built once from the knowledge: the unit index, the analyzer, the
 * ranker, the intent and answer-kind lexicons, the sources. Each stage (reading.ts, candidates.ts,
 * judgement.ts, source-questions.ts) takes the parts it needs from here; none calls back up.
 */
import type { Knowledge } from '../knowledge/load.js';
import type { Fact } from '../knowledge/schema.js';
import { Analyzer, type Term } from '../text/terms.js';
import { AnswerTypes } from './answer-types.js';
import { ChoiceFinder } from './choices.js';
import { Intents } from './intents.js';
import { resolveOptions, type EngineOptions } from './options.js';
import { Phrasings } from './phrasings.js';
import { Ranker, type Ranking } from './ranker.js';
import { sourceOf } from './results.js';
import { ArticleNames } from './source-answers.js';
import type { Result, SourceRef } from './types.js';
import { UnitIndex, type Matches } from './unit-index.js';
import type { WeightContext } from './weights.js';

export interface Parts {
  knowledge: Knowledge;
  options: Required<EngineOptions>;
  sources: SourceRef[];
  index: UnitIndex;
  analyzer: Analyzer;
  ranker: Ranker;
  /** Rarity over all articles, and each article's own (see weighingIn). */
  weightContext: WeightContext;
  articleContext: WeightContext[];
  intents: Intents;
  answerTypes: AnswerTypes;
  /** Every fact's question phrasings, for fuzzy matching of short texts (suggestions, inline typing). */
  phrasings: Phrasings;
  keyFacts: Fact[];
  keyFactIds: ReadonlySet<string>;
  /** "Did you mean" choices for questions without a confident answer. */
  choiceFinder: ChoiceFinder;
  /** Papers, their cities and bylines' people: what points a question to one article. */
  articleNames: ArticleNames;
  /** Facts made from learned phrasings (learned.ts): no short answer, never suggested. */
  learnedFacts: ReadonlySet<string>;
}

export function buildParts(knowledge: Knowledge, engineOptions: EngineOptions, learnedFacts: ReadonlySet<string> = new Set()): Parts {
  const options = resolveOptions(engineOptions);
  const sources = knowledge.articles.map(sourceOf);
  const keyFacts = knowledge.articles.flatMap((k) => k.facts.filter((f) => f.key));
  const index = new UnitIndex(knowledge);
  const analyzer = new Analyzer({
    ...knowledge,
    dictionaries: knowledge.articles.flatMap((k, article) => (k.dictionary ? [{ ...k.dictionary, article }] : [])),
    quotedNames: knowledge.articles.flatMap((k, article) =>
      k.article.paragraphs.flatMap((p) => p.sentences.flatMap((s) => [...s.text.matchAll(/[“「]([^”」]+)[”」]/gu)].map((m) => ({ text: m[1]!, article })))),
    ),
    chineseTexts: index.chineseTexts(),
    articleCount: knowledge.articles.length,
    englishWords: index.englishWords,
    englishStems: index.englishStems(),
  });
  const weightContext: WeightContext = {
    sentenceCount: index.sentenceCount,
    articleCount: knowledge.articles.length,
    unknownWeight: options.unknownWeight,
    elsewhereWeight: options.elsewhereWeight,
  };
  return {
    knowledge,
    options,
    sources,
    index,
    analyzer,
    ranker: new Ranker(index, options.threshold, options.maxSuggestions),
    weightContext,
    articleContext: Array.from(index.articleSentences, (n) => ({ ...weightContext, sentenceCount: n, articleCount: 1 })),
    intents: new Intents(knowledge.lexicon, analyzer),
    answerTypes: new AnswerTypes(knowledge.lexicon),
    phrasings: new Phrasings(knowledge.articles.flatMap((k) => k.facts.filter((f) => !learnedFacts.has(f.id)))),
    keyFacts,
    keyFactIds: new Set(keyFacts.map((f) => f.id)),
    choiceFinder: new ChoiceFinder(knowledge, index),
    articleNames: new ArticleNames(knowledge.articles.map((k, a) => ({ meta: k.article.meta, source: sources[a]! }))),
    learnedFacts,
  };
}

/** Everything one question went through: what answer(), search() and explain() each read from. */
export interface Query {
  result: Result;
  terms: Term[];
  matched: Matches[];
  weights: number[];
  /** Undefined when the question never reached the ranking (empty, a greeting). */
  ranking: Ranking | undefined;
  /** What was looked up: the question folded, in Mandarin, without context clauses and claimed numbers. */
  text?: string;
}

/** Terms beyond this many are ignored (a question is a sentence, not an essay); must stay below 64. */
export const MAX_TERMS = 48;
export const HAS_HAN = /\p{Script=Han}/u;
export const round = (x: number): number => Math.round(x * 1000) / 1000;
