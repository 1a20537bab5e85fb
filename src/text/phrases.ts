/**
 * Phrase lists to find in folded text (see normalize.fold): Chinese phrases anywhere, English ones
 * as whole words only ("hi" is not in "this"). At each place the longest phrase wins (现在几点 over
 * 几点), and matches do not overlap.
 *
 * Phrases sit in a character trie, not in one regular expression: a few hundred alternatives with
 * word-boundary look-arounds take tens of milliseconds to compile and to run.
 *
 * ```ts
 * const help = new Phrases(['help', '怎么用']);
 * help.test(fold('Can you help me?')); // true
 * help.remove(fold('help 天河落户')); // '  天河落户' (a space where the phrase was)
 * ```
 */
import { foldMany } from './normalize.js';
import { Trie } from './trie.js';

/** A Latin letter or a digit (folded text is lowercase): an English phrase may not touch one. */
function isWordChar(text: string, at: number): boolean {
  if (at < 0 || at >= text.length) return false;
  const c = text.charCodeAt(at);
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

export interface Span {
  at: number;
  end: number;
  /** Matched by a pattern that may hold the thing asked about (三个零距离服务是什么), not by fixed words. */
  pattern?: boolean;
}

export class Phrases {
  private readonly trie = new Trie();
  readonly size: number;
  private lastText: string | undefined;
  private lastFound: Span[] = [];

  /** @param normalize applied to each folded phrase, as it is to the text (e.g. Analyzer.mandarin) */
  constructor(phrases: Iterable<string>, normalize: (folded: string) => string = (f) => f) {
    // One script conversion for the whole list.
    const folded = new Set(foldMany([...phrases]).map(normalize).filter(Boolean));
    this.size = folded.size;
    for (const p of folded) this.trie.add(p);
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
      const longest = this.longestAt(folded, i);
      if (longest) {
        out.push({ at: i, end: i + longest });
        i += longest;
      } else i++;
    }
    this.lastText = folded;
    this.lastFound = out;
    return out;
  }

  /** The length of the longest phrase standing as a word at `at` (an English one must start and end where a word does), or 0. */
  private longestAt(text: string, at: number): number {
    const latin = isWordChar(text, at);
    if (latin && isWordChar(text, at - 1)) return 0;
    let longest = 0;
    let node = this.trie.start;
    for (let i = at; i < text.length; i++) {
      const n = this.trie.next(node, text.charCodeAt(i));
      if (!n) break;
      node = n;
      if (n.end && (!latin || !isWordChar(text, i + 1))) longest = i - at + 1;
    }
    return longest;
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
  /** Each phrase with the lists it belongs to. */
  private readonly trie = new Trie<number[]>();
  private readonly count: number;

  constructor(lists: Iterable<string>[], normalize: (folded: string) => string = (f) => f) {
    const all = [...lists].map((l) => [...l]);
    this.count = all.length;
    const owners = new Map<string, number[]>();
    // One script conversion for every list.
    const folded = foldMany(all.flat()).map(normalize);
    let at = 0;
    all.forEach((list, li) => {
      for (const p of new Set(folded.slice(at, (at += list.length)).filter(Boolean))) owners.set(p, [...(owners.get(p) ?? []), li]);
    });
    for (const [p, lists] of owners) this.trie.add(p, lists);
  }

  /** Each list's first match in the text. */
  first(folded: string): (Span | undefined)[] {
    const out: (Span | undefined)[] = new Array(this.count).fill(undefined);
    let left = this.count;
    for (let i = 0; i < folded.length && left > 0; i++) {
      const latin = isWordChar(folded, i);
      if (latin && isWordChar(folded, i - 1)) continue;
      // Shortest first: a longer phrase of the same list at the same place replaces it.
      let node = this.trie.start;
      for (let j = i; j < folded.length; j++) {
        const n = this.trie.next(node, folded.charCodeAt(j));
        if (!n) break;
        node = n;
        if (!n.end || (latin && isWordChar(folded, j + 1))) continue;
        for (const li of n.value!) {
          const taken = out[li];
          if (taken && taken.at < i) continue;
          if (!taken) left--;
          out[li] = { at: i, end: j + 1 };
        }
      }
    }
    return out;
  }
}
