/**
 * Learned phrasings: questions an operator has taught (`/review`, `npm run review`, a learned.json
 * in the knowledge). A learned phrasing points a question to a sentence; a learned decline says the
 * articles do not answer it. They are applied in two ways:
 *
 * - the very question (script, punctuation and spacing folded, as the report groups questions) gets
 *   the taught outcome at once;
 * - a learned phrasing also becomes a phrasing of its sentence in the ranking, as a fact's phrasing
 *   is (a unit of its own that inherits the sentence's words), so other questions worded like it
 *   reach the sentence too, scored like any fact and never above the article's own words for
 *   another question. Such a unit has no short answer and is shown as the bare sentence.
 *
 * A learned phrasing whose sentence no longer exists, or whose text changed since it was taught (a
 * re-ingest), is stale: reported and ignored.
 */
import { createHash } from 'node:crypto';
import type { Knowledge } from '../knowledge/load.js';
import type { Fact, Lang } from '../knowledge/schema.js';
import { fold } from '../text/normalize.js';

/** One teaching as the engine applies it. */
export interface LearnedPhrasing {
  /** The question as taught (as logged: personal data scrubbed). */
  question: string;
  lang: Lang;
  /** The sentence it points to; both null for a learned decline. */
  article: string | null;
  sentence: string | null;
  /** The sentence's text hash when taught (sentenceVersion); null for a decline. */
  version: string | null;
}

/** A learned phrasing that no longer applies, and why. */
export interface StaleLearned {
  learned: LearnedPhrasing;
  reason: 'article gone' | 'sentence gone' | 'sentence changed';
}

/** Learned phrasings as the engine holds them. */
export interface LearnedSet {
  /** Folded question → what it was taught to get (the latest teaching wins). */
  exact: Map<string, { article: number; sentence: string } | null>;
  /** Ids of the facts made from learned phrasings (see withLearned). */
  factIds: Set<string>;
  stale: StaleLearned[];
  /** Learned phrasings in effect (stale ones left out). */
  applied: number;
}

/** Characters of a question kept as a learned phrasing: as many as the question log keeps. */
export const LEARNED_QUESTION_CHARS = 300;

/**
 * The key two questions share when they are the same question: folded to Simplified, lowercase,
 * without punctuation and spaces (南沙落戶要多久？ and 南沙落户 要多久 share one). The report groups
 * questions by it, and the review shows each group once.
 */
export function questionKey(question: string): string {
  return fold(question).replace(/ /g, '') || question.trim();
}

/** A sentence's text as a short hash: a learned phrasing is stale when its sentence's changes. */
export function sentenceVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

const EMPTY: LearnedSet = { exact: new Map(), factIds: new Set(), stale: [], applied: 0 };

/**
 * The knowledge with learned phrasings added as facts of their sentences (one fact per sentence,
 * holding every phrasing taught for it), and what the engine needs to apply them.
 */
export function withLearned(knowledge: Knowledge, learned: readonly LearnedPhrasing[]): { knowledge: Knowledge; set: LearnedSet } {
  if (!learned.length) return { knowledge, set: EMPTY };
  const articleAt = new Map(knowledge.articles.map((k, a) => [k.article.id, a]));
  const textOf = knowledge.articles.map((k) => new Map(k.article.paragraphs.flatMap((p) => p.sentences.map((s) => [s.id, s.text] as const))));
  const set: LearnedSet = { exact: new Map(), factIds: new Set(), stale: [], applied: 0 };
  const bySentence = new Map<string, { article: number; sentence: string; questions: Record<Lang, string[]> }>();
  for (const l of learned) {
    const key = questionKey(l.question);
    if (l.article === null || l.sentence === null) {
      set.exact.set(key, null);
      set.applied++;
      continue;
    }
    const a = articleAt.get(l.article);
    const text = a === undefined ? undefined : textOf[a]!.get(l.sentence);
    const reason = a === undefined ? 'article gone' : text === undefined ? 'sentence gone' : l.version !== null && sentenceVersion(text) !== l.version ? 'sentence changed' : undefined;
    if (reason) {
      set.stale.push({ learned: l, reason });
      continue;
    }
    set.exact.set(key, { article: a!, sentence: l.sentence });
    set.applied++;
    const id = `${a}:${l.sentence}`;
    let entry = bySentence.get(id);
    if (!entry) bySentence.set(id, (entry = { article: a!, sentence: l.sentence, questions: { 'zh-Hans': [], 'zh-Hant': [], en: [] } }));
    entry.questions[l.lang].push(l.question);
  }
  const added = new Map<number, Fact[]>();
  for (const e of bySentence.values()) {
    const id = `learned-${e.article}-${e.sentence.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    set.factIds.add(id);
    const fact: Fact = { id, sentence: e.sentence, key: false, answer: { 'zh-Hans': '', 'zh-Hant': '', en: '' }, questions: e.questions };
    added.set(e.article, [...(added.get(e.article) ?? []), fact]);
  }
  return {
    knowledge: { ...knowledge, articles: knowledge.articles.map((k, a) => (added.has(a) ? { ...k, facts: [...k.facts, ...added.get(a)!] } : k)) },
    set,
  };
}
