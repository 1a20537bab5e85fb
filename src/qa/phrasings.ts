/**
 * Fuzzy matching of short strings against the facts' question phrasings (how people ask), in all
 * three languages: what someone is still typing (南沙落, nansh, how long does sett) and questions
 * close to one the knowledge answers (北京落户要多久 → 南沙落户要多久). The engine ranks whole
 * questions against the articles' words; this finds the phrasing a fragment or a near miss is
 * closest to, which is what fuse.js (Bitap, typo-tolerant) is built for.
 */
import Fuse from 'fuse.js';
import { LANGS, type Fact } from '../knowledge/schema.js';
import { fold, foldMany } from '../text/normalize.js';

/** A phrasing close to the query: the fact it asks for, and fuse.js's score (0 exact … 1 unrelated). */
export interface PhrasingMatch {
  factId: string;
  score: number;
}

/** fuse.js's own cut-off: looser than any caller's, who then keep what is close enough for them. */
const FUSE_THRESHOLD = 0.45;
/** Queries longer than this are whole questions: the engine reads them, fuzzy matching adds nothing. */
const MAX_QUERY_CHARS = 64;

/** Phrasings handed to fuse.js per query, those sharing most with it. */
const MAX_CANDIDATES = 48;

const FUSE_OPTIONS = {
  keys: ['text'],
  includeScore: true,
  // A fragment may match anywhere in a phrasing (落户要多 in 南沙落户要多久).
  ignoreLocation: true,
  threshold: FUSE_THRESHOLD,
  // Words of a query are matched each on its own, anywhere (how long does sett: settle in nansha).
  useExtendedSearch: true,
  minMatchCharLength: 2,
};

/** What two texts sharing a word share: its Han characters, and its Latin words' trigrams (a short word whole). */
function features(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\p{Script=Han}|[a-z0-9]+/gu)) {
    const w = m[0];
    if (w.length <= 3) out.push(w);
    else for (let i = 0; i + 3 <= w.length; i++) out.push(w.slice(i, i + 3));
  }
  return out;
}

interface Doc {
  /** A phrasing, folded (Simplified, lowercase, no punctuation). */
  text: string;
  /** Every fact asked this way (articles may share a phrasing): the first is offered. */
  facts: string[];
}

export class Phrasings {
  private readonly docs: Doc[];
  /** Feature (a Han character, a Latin trigram) → the docs holding it: what narrows fuse.js's scan. */
  private readonly postings = new Map<string, number[]>();
  /** Per doc, the features it shares with the current query (reset through `touched`). */
  private readonly shared: Uint16Array;
  /** Distinct phrasings per fact. */
  private readonly phrasingCount = new Map<string, number>();
  readonly size: number;

  /** Built once per knowledge set: each distinct phrasing once, however many facts share it. */
  constructor(facts: readonly Fact[]) {
    const raw = facts.flatMap((f) => LANGS.flatMap((l) => f.questions[l].map((q) => ({ q, id: f.id }))));
    // Articles repeat phrasings (and a thousand copies repeat all of them): each text folded once.
    const distinct = [...new Set(raw.map((r) => r.q))];
    const foldedOf = new Map(foldMany(distinct).map((f, i) => [distinct[i]!, f]));
    const byText = new Map<string, Doc>();
    raw.forEach((r) => {
      const text = foldedOf.get(r.q)!;
      if (!text) return;
      const doc = byText.get(text);
      if (!doc) byText.set(text, { text, facts: [r.id] });
      // A fact's phrasings come together: a repeat within it is the last one listed.
      else if (doc.facts[doc.facts.length - 1] !== r.id) doc.facts.push(r.id);
    });
    const docs = [...byText.values()];
    for (const d of docs) for (const f of d.facts) this.phrasingCount.set(f, (this.phrasingCount.get(f) ?? 0) + 1);
    this.docs = docs;
    this.size = docs.length;
    docs.forEach((d, i) => {
      for (const f of features(d.text)) {
        const list = this.postings.get(f);
        if (!list) this.postings.set(f, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.shared = new Uint16Array(docs.length);
  }

  /**
   * The phrasings sharing the most characters (Han) or trigrams (Latin) with a query, at most
   * MAX_CANDIDATES: fuse.js scans every document it is given, so it is given these.
   */
  private candidates(text: string, max: number): Doc[] {
    const touched: number[] = [];
    const shared = this.shared;
    for (const f of new Set(features(text))) {
      for (const d of this.postings.get(f) ?? []) {
        if (shared[d] === 0) touched.push(d);
        shared[d]!++;
      }
    }
    touched.sort((a, b) => shared[b]! - shared[a]! || a - b);
    const out = touched.slice(0, max).map((d) => this.docs[d]!);
    for (const d of touched) shared[d] = 0;
    return out;
  }

  /**
   * The facts whose phrasings hold a word (琶洲, nansha), by the share of their phrasings that do,
   * highest first (the fact about it, not one that mentions it), then in knowledge order.
   */
  naming(word: string): { factId: string; share: number }[] {
    const w = fold(word);
    if (!w) return [];
    const count = new Map<string, number>();
    for (const doc of this.docs) {
      if (!doc.text.includes(w)) continue;
      for (const f of doc.facts) count.set(f, (count.get(f) ?? 0) + 1);
    }
    return [...count.entries()].map(([factId, n]) => ({ factId, share: n / this.phrasingCount.get(factId)! })).sort((a, b) => b.share - a.share);
  }

  /**
   * The facts whose phrasings are closest to a query, best first, one entry per fact, at most
   * `limit`, each with a score of at most `maxScore`; nothing for a query longer than `maxChars`.
   * fuse.js is given the `candidates` phrasings sharing most with the query.
   */
  closest(query: string, limit: number, maxScore: number, maxChars = MAX_QUERY_CHARS, candidates = MAX_CANDIDATES): PhrasingMatch[] {
    const text = fold(query);
    if ([...text].length < 2 || text.length > maxChars) return [];
    const out: PhrasingMatch[] = [];
    const seen = new Set<string>();
    const fuse = new Fuse(this.candidates(text, candidates), FUSE_OPTIONS);
    for (const hit of fuse.search(text, { limit: limit * 4 })) {
      const score = hit.score ?? 1;
      if (score > maxScore) break;
      const factId = hit.item.facts[0]!;
      if (seen.has(factId)) continue;
      seen.add(factId);
      out.push({ factId, score });
      if (out.length >= limit) break;
    }
    return out;
  }
}
