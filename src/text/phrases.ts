/**
 * A list of phrases to find in folded text (see normalize.fold): Chinese ones anywhere, English ones
 * as whole words only ("hi" is not in "this"). Longest first, so 现在几点 wins over 几点.
 *
 * ```ts
 * const help = new Phrases(['help', '怎么用']);
 * help.test(fold('Can you help me?')); // true
 * help.remove(fold('help 南沙落户')); // ' 南沙落户'
 * ```
 */
import { fold } from './normalize.js';

const IS_HAN = /^\p{Script=Han}/u;
const escape = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface Span {
  at: number;
  end: number;
  phrase: string;
  /** Matched by a pattern that may hold the thing asked about (三个零距离服务是什么), not by fixed words. */
  pattern?: boolean;
}

export class Phrases {
  private readonly pattern: RegExp;
  readonly size: number;

  /** @param normalize applied to each folded phrase, as it is to the text (e.g. Analyzer.mandarin) */
  constructor(phrases: Iterable<string>, normalize: (folded: string) => string = (f) => f) {
    const folded = [...new Set([...phrases].map((p) => normalize(fold(p))).filter(Boolean))].sort((a, b) => b.length - a.length);
    this.size = folded.length;
    // English phrases stand between anything but Latin letters and digits (spaces, the ends, Han characters).
    const alternatives = folded.map((p) => (IS_HAN.test(p) ? escape(p) : `(?<![\\p{Script=Latin}\\p{N}])${escape(p)}(?![\\p{Script=Latin}\\p{N}])`));
    this.pattern = new RegExp(alternatives.join('|') || '(?!)', 'gu');
  }

  test(folded: string): boolean {
    // A global pattern keeps where its last match ended: start from the beginning, and leave it there.
    this.pattern.lastIndex = 0;
    const found = this.pattern.test(folded);
    this.pattern.lastIndex = 0;
    return found;
  }

  /** Every match, in order, not overlapping. */
  find(folded: string): Span[] {
    // matchAll copies lastIndex from the pattern: it must be 0.
    this.pattern.lastIndex = 0;
    return [...folded.matchAll(this.pattern)].map((m) => ({ at: m.index, end: m.index + m[0].length, phrase: m[0] }));
  }

  /** The text with every match replaced by a space. */
  remove(folded: string): string {
    return folded.replace(this.pattern, ' ');
  }
}
