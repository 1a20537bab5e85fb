/**
 * A list of phrases to find in folded text (see normalize.fold): Chinese ones anywhere, English ones
 * as whole words only ("hi" is not in "this"). At each place the longest phrase wins (现在几点 over
 * 几点), and matches do not overlap.
 *
 * Phrases are looked up by their first character, not compiled into one regular expression: a few
 * hundred alternatives with word-boundary look-arounds take tens of milliseconds to compile and run.
 *
 * ```ts
 * const help = new Phrases(['help', '怎么用']);
 * help.test(fold('Can you help me?')); // true
 * help.remove(fold('help 南沙落户')); // ' 南沙落户'
 * ```
 */
import { fold } from './normalize.js';

const IS_HAN = /^\p{Script=Han}/u;
/** A Latin letter or a digit (folded text is lowercase): an English phrase may not touch one. */
function isWordChar(text: string, at: number): boolean {
  if (at < 0 || at >= text.length) return false;
  const c = text.charCodeAt(at);
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

export interface Span {
  at: number;
  end: number;
  phrase: string;
  /** Matched by a pattern that may hold the thing asked about (三个零距离服务是什么), not by fixed words. */
  pattern?: boolean;
}

export class Phrases {
  /** First character's code → phrases starting with it, longest first. */
  private readonly byFirst = new Map<number, string[]>();
  private lastText: string | undefined;
  private lastFound: Span[] = [];
  readonly size: number;

  /** @param normalize applied to each folded phrase, as it is to the text (e.g. Analyzer.mandarin) */
  constructor(phrases: Iterable<string>, normalize: (folded: string) => string = (f) => f) {
    const folded = [...new Set([...phrases].map((p) => normalize(fold(p))).filter(Boolean))];
    this.size = folded.length;
    for (const p of folded) {
      const list = this.byFirst.get(p.charCodeAt(0)) ?? [];
      list.push(p);
      this.byFirst.set(p.charCodeAt(0), list);
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.length - a.length);
  }

  /** The longest phrase starting at `at`, or undefined. */
  private at(text: string, at: number): string | undefined {
    const list = this.byFirst.get(text.charCodeAt(at));
    if (!list) return undefined;
    for (const p of list) {
      if (!text.startsWith(p, at)) continue;
      if (!IS_HAN.test(p) && (isWordChar(text, at - 1) || isWordChar(text, at + p.length))) continue;
      return p;
    }
    return undefined;
  }

  test(folded: string): boolean {
    return this.find(folded).length > 0;
  }

  /** Every match, in order, not overlapping. */
  find(folded: string): Span[] {
    // A query often asks the same list about the same text twice (test, then remove): the last answer is kept.
    if (folded === this.lastText) return this.lastFound;
    const out: Span[] = [];
    for (let i = 0; i < folded.length; ) {
      const p = this.at(folded, i);
      if (p) {
        out.push({ at: i, end: i + p.length, phrase: p });
        i += p.length;
      } else i++;
    }
    this.lastText = folded;
    this.lastFound = out;
    return out;
  }

  /** The text with every match replaced by a space. */
  remove(folded: string): string {
    let out = '';
    let last = 0;
    for (const s of this.find(folded)) {
      out += `${folded.slice(last, s.at)} `;
      last = s.end;
    }
    return out + folded.slice(last);
  }
}

/**
 * Several phrase lists scanned in one pass: for each list, its first match (leftmost, then
 * longest), or undefined. The answer types and the metadata questions ask a dozen lists each.
 */
export class PhraseLists {
  /** First character's code → [phrase, list] pairs starting with it, longest first. */
  private readonly byFirst = new Map<number, [string, number][]>();
  private readonly count: number;

  constructor(lists: Iterable<string>[], normalize: (folded: string) => string = (f) => f) {
    const all = [...lists];
    this.count = all.length;
    all.forEach((list, li) => {
      for (const p of new Set([...list].map((x) => normalize(fold(x))).filter(Boolean))) {
        const entries = this.byFirst.get(p.charCodeAt(0)) ?? [];
        entries.push([p, li]);
        this.byFirst.set(p.charCodeAt(0), entries);
      }
    });
    for (const entries of this.byFirst.values()) entries.sort((a, b) => b[0].length - a[0].length);
  }

  /** Each list's first match in the text. */
  first(folded: string): (Span | undefined)[] {
    const out: (Span | undefined)[] = new Array(this.count).fill(undefined);
    let left = this.count;
    for (let i = 0; i < folded.length && left > 0; i++) {
      const entries = this.byFirst.get(folded.charCodeAt(i));
      if (!entries) continue;
      for (const [p, li] of entries) {
        if (out[li] || !folded.startsWith(p, i)) continue;
        if (!IS_HAN.test(p) && (isWordChar(folded, i - 1) || isWordChar(folded, i + p.length))) continue;
        out[li] = { at: i, end: i + p.length, phrase: p };
        left--;
      }
    }
    return out;
  }
}
