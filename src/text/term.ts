/** What a question is read into: terms, each one thing the asker said with every spelling that matches it. */

export type TermKind =
  /** A word the knowledge uses (or a synonym of one). */
  | 'content'
  /** Shapes the question (多久, how many): weighs little. */
  | 'question'
  /** Not in the knowledge at all. */
  | 'unknown'
  /** A place the knowledge does not cover (北京, Tokyo): weighs a lot. */
  | 'elsewhere';

export interface Term {
  /** The words as the asker wrote them (folded), after typo correction. */
  text: string;
  kind: TermKind;
  /** Simplified Chinese strings (and digits): a unit matches when its Chinese text contains one. */
  zh: string[];
  /** English stems: a unit matches when its English words include one. */
  en: string[];
  /**
   * When the Chinese spellings come from CC-CEDICT (an English word mapped through the articles'
   * dictionaries): the articles whose dictionaries gave them. Only those articles' units match the
   * Chinese: one article's dictionary must not give another article's text new matches.
   */
  zhArticles?: number[];
  /**
   * The articles that read the question with this term, as each would alone: a word only their own
   * vocabulary knows (上门, small business), or the pieces the other articles cut it into (门). Absent:
   * every article reads it. Terms of different readings may overlap.
   */
  articles?: number[];
  /** Where the term stands in the analyzed text: [at, end) in UTF-16 units. */
  at: number;
  end: number;
}

/** A term before it is placed in the text. */
export type Unplaced = Omit<Term, 'at' | 'end'>;
/** A Latin word of the question and where it starts. */
export interface Word {
  text: string;
  at: number;
}
