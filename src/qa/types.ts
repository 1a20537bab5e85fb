/**
 * What the engine answers. Three outcomes: an answer (`found: true`: a quoted sentence, or a field
 * of an article's metadata), a partial reply (the article speaks of the subject but does not give
 * what was asked: the closest sentence, with what is missing), or a decline (with suggestions).
 * `kind` tells them apart; each kind carries only the fields it has, none of them nullable by kind.
 */
import type { Lang, MetaField } from '../knowledge/schema.js';

/** An article, as replies cite it. */
export interface SourceRef {
  articleId: string;
  title: string;
  publication: string;
  author: string;
  date: string;
  editors: string[];
  /** English metadata, when the article is translated. */
  en: { title: string; publication: string; author: string; editors: string[] } | null;
}

/** One text in each reply language. */
export interface PerLang {
  'zh-Hans': string;
  'zh-Hant': string;
  en: string;
}

/** A sentence of an article, where it stands, and its English translation when there is one. */
export interface Quoted {
  /** The source sentence verbatim. */
  quote: string;
  /** Stable id, e.g. `p2s5`. */
  sentenceId: string;
  /** 1-based paragraph and sentence-in-paragraph numbers. */
  paragraph: number;
  sentence: number;
  translation: string | null;
  source: SourceRef;
}

/** A quoted sentence's whole paragraph (the context button): its sentences in order, one of them quoted. */
export interface ParagraphContext {
  source: SourceRef;
  /** 1-based paragraph number. */
  paragraph: number;
  sentences: { id: string; text: string; translation: string | null; quoted: boolean }[];
}

interface Outcome {
  /** How well the question matched, 0–1 (share of its weight); 0 when nothing was looked up. */
  score: number;
  /** The asker's language and script (Chinese without Traditional-only characters is zh-Hans). */
  lang: Lang;
}

/** An answer quoting the sentence it rests on. */
export interface SentenceAnswer extends Outcome, Quoted {
  found: true;
  kind: 'sentence';
  /** The fact whose phrasing matched, when one did. */
  factId: string | null;
  /** A short answer written for the fact, shown before the quote. */
  shortAnswer: PerLang | null;
  /** Other articles that also cover the question. */
  alsoIn: SourceRef[];
  /** Set when a learned phrasing (learned.ts) gave this answer. */
  learned?: true;
}

/** An answer about an article itself (who wrote it, where and when it ran): a metadata field. */
export interface MetaAnswer extends Outcome {
  found: true;
  kind: 'meta';
  field: MetaField;
  /** The field's value in each reply language. */
  shortAnswer: PerLang;
  source: SourceRef;
  alsoIn: SourceRef[];
}

export type Found = SentenceAnswer | MetaAnswer;

/**
 * A "did you mean" choice: a sentence that may answer a question the engine could not answer with
 * confidence (a relaxed search found it). One tap answers with its quote (Engine.answerSentence).
 */
export interface Choice {
  source: SourceRef;
  /** Stable sentence id, e.g. `p2s5`. */
  sentenceId: string;
  /** A short label in the asker's language: the fact's short answer, else the sentence's clause closest to the question. */
  label: string;
}

export interface Suggestion {
  factId: string;
  /** The fact's first question in each language. */
  question: PerLang;
}

/**
 * The article speaks of the subject but does not give what was asked (the names behind a count,
 * a date it never states): what is missing, and the closest sentence.
 */
export interface PartialAnswer extends Outcome {
  found: false;
  kind: 'partial';
  /** Name of the kind of detail asked for (`list`, `date`, …; lexicon.json `answerTypes`). */
  missing: string;
  /** What the partial reply says is missing, in each language. */
  missingText: PerLang;
  /** The subject as the article names it (Simplified and Traditional) and as the asker did (English). */
  subject: PerLang;
  related: Quoted;
  suggestions: Suggestion[];
  /** Other sentences that may answer instead ("did you mean"), best first; empty when none. */
  choices: Choice[];
}

export type DeclineReason =
  /** Nothing to read: empty, only punctuation or emoji. */
  | 'empty'
  /** Hello. */
  | 'greeting'
  /** Thanks (with or without hello or goodbye). */
  | 'thanks'
  /** Goodbye. */
  | 'farewell'
  /** Not a question about the articles: a command, a request for help, small talk, the time or the weather, the bot itself. */
  | 'help'
  /** A question the articles do not cover. */
  | 'out-of-scope';

export interface Declined extends Outcome {
  found: false;
  kind: 'declined';
  reason: DeclineReason;
  suggestions: Suggestion[];
  /** Sentences that may answer ("did you mean"), best first: only for `out-of-scope`; empty when none. */
  choices: Choice[];
  /** Set when an operator taught that the articles do not answer this question. */
  learned?: true;
}

export type NotFound = PartialAnswer | Declined;
export type Result = Found | NotFound;
