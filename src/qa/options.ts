/** The engine's options, each documented where it is declared, and their defaults in one object. */

export interface EngineOptions {
  /**
   * Share of the question's weight the best unit must match to count as an answer (0–1).
   * Lower answers more and declines less. Default 0.6.
   */
  threshold?: number;
  /**
   * Weight of content words (not question words) the best unit must match: a question made only of
   * 多少/how many, or of one very common word, is not answered. Default 1.0.
   */
  minEvidence?: number;
  /** Suggested questions when there is no answer. Default 3. */
  maxSuggestions?: number;
  /**
   * Weight of a word the knowledge does not know at all (天气, bitcoin). The rarest word the article
   * uses weighs 3, a question word 0.35. Default 2.5.
   */
  unknownWeight?: number;
  /**
   * Weight of a place or number the knowledge does not cover (北京, 2020年): high enough that one
   * such word declines the question. Default 8.
   */
  elsewhereWeight?: number;
  /**
   * Answers kept for questions asked again, word for word (popular questions, inline mode's
   * repeated queries). 0 turns the cache off. Default 2,000.
   */
  cacheSize?: number;
}

export const DEFAULT_OPTIONS: Required<EngineOptions> = {
  threshold: 0.6,
  minEvidence: 1.0,
  maxSuggestions: 3,
  unknownWeight: 2.5,
  elsewhereWeight: 8,
  cacheSize: 2_000,
};

export const resolveOptions = (options: EngineOptions = {}): Required<EngineOptions> => {
  const out = { ...DEFAULT_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as Record<string, number>)[k] = v;
  return out;
};
