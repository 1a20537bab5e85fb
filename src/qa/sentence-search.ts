/**
 * A plain lexical search over every article's sentences, needing nothing written by hand: Okapi
 * BM25 (k1 1.2, b 0.75; Robertson & Zaragoza, "The Probabilistic Relevance Framework", 2009) over
 * Han character bigrams, the single characters at a lower weight (办完 and 办结 share 办), and Latin
 * words and numbers. The engine asks it for "did you mean" choices when its own ranking finds no
 * answer: a relaxed second opinion, never a quote on its own.
 *
 * Written here rather than taken from a package: the query is weighted per term (an English word's
 * CC-CEDICT spellings share one word's weight), and the engine needs each hit's coverage (the share
 * of the query's weight it matches) as well as its score. MiniSearch, the evaluation's independent
 * baseline (bench/articles.ts), offers neither.
 *
 * ```ts
 * const search = new SentenceSearch([{ text: '南沙区落户只需5个工作日', article: 0, unit: 0 }]);
 * search.search(search.query('南沙落户多久'), 3); // [{ unit: 0, article: 0, score: 2.1, coverage: 0.8 }]
 * ```
 */

const K1 = 1.2;
const B = 0.75;
/** A single character's weight beside a bigram's (1): it helps paraphrases, it must not lead. */
export const CHARACTER_WEIGHT = 0.3;
/** Characters a query reads at most (the engine cuts questions shorter already). */
const MAX_QUERY_CHARS = 600;
const GRAMS = /\p{Script=Han}+|[a-z0-9]+/gu;
const HAN = /\p{Script=Han}/u;

export interface Searchable {
  /** Folded Simplified text (fold()): what the sentence says. */
  text: string;
  article: number;
  /** The engine's unit for the sentence. */
  unit: number;
}

export interface Hit {
  unit: number;
  article: number;
  score: number;
  /** Share of the query's weight (term weight × idf) the sentence holds, 0–1. */
  coverage: number;
}

/** Weighted query terms: a bigram, `~` and a character, or a Latin word. */
export type Query = Map<string, number>;

/** Adds the grams of folded text to a query at `weight` (a gram keeps its highest weight). */
export function addGrams(query: Query, folded: string, weight: number): void {
  const add = (g: string, w: number) => {
    if ((query.get(g) ?? 0) < w) query.set(g, w);
  };
  for (const [run] of folded.slice(0, MAX_QUERY_CHARS).matchAll(GRAMS)) {
    if (!HAN.test(run)) add(run, weight);
    else if (run.length === 1) add(run, weight);
    else {
      for (let i = 0; i + 1 < run.length; i++) add(run.slice(i, i + 2), weight);
      for (const ch of run) add(`~${ch}`, weight * CHARACTER_WEIGHT);
    }
  }
}

/** The grams of a sentence, with their counts. */
function gramsOf(folded: string): Map<string, number> {
  const out = new Map<string, number>();
  const bump = (g: string) => out.set(g, (out.get(g) ?? 0) + 1);
  for (const [run] of folded.matchAll(GRAMS)) {
    if (!HAN.test(run) || run.length === 1) bump(run);
    else {
      for (let i = 0; i + 1 < run.length; i++) bump(run.slice(i, i + 2));
      for (const ch of run) bump(`~${ch}`);
    }
  }
  return out;
}

interface Postings {
  docs: Int32Array;
  /** Each doc's BM25 term-frequency factor, computed once. */
  factors: Float32Array;
}

export class SentenceSearch {
  private readonly postings = new Map<string, Postings>();
  private readonly units: Int32Array;
  private readonly articles: Int32Array;
  private readonly count: number;

  constructor(sentences: readonly Searchable[]) {
    this.count = sentences.length;
    this.units = Int32Array.from(sentences, (s) => s.unit);
    this.articles = Int32Array.from(sentences, (s) => s.article);
    const grams = sentences.map((s) => gramsOf(s.text));
    const lengths = grams.map((g) => [...g.values()].reduce((a, n) => a + n, 0));
    const average = lengths.reduce((a, n) => a + n, 0) / Math.max(1, lengths.length);
    const lists = new Map<string, { docs: number[]; factors: number[] }>();
    grams.forEach((g, d) => {
      const norm = K1 * (1 - B + (B * lengths[d]!) / (average || 1));
      for (const [gram, tf] of g) {
        let list = lists.get(gram);
        if (!list) lists.set(gram, (list = { docs: [], factors: [] }));
        list.docs.push(d);
        list.factors.push((tf * (K1 + 1)) / (tf + norm));
      }
    });
    for (const [gram, list] of lists) this.postings.set(gram, { docs: Int32Array.from(list.docs), factors: Float32Array.from(list.factors) });
  }

  /** Inverse document frequency (BM25's, kept positive). */
  private idf(gram: string): number {
    const df = this.postings.get(gram)?.docs.length ?? 0;
    return Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
  }

  /** A query from folded text, every gram at weight 1 (bigrams), characters lower. */
  query(folded: string): Query {
    const q: Query = new Map();
    addGrams(q, folded, 1);
    return q;
  }

  /**
   * The best `limit` sentences, best first, optionally only from the allowed articles. Linear in the
   * postings of the query's grams; the query holds at most a few hundred grams.
   */
  search(query: Query, limit: number, allowed?: Uint8Array): Hit[] {
    const scores = new Map<number, number>();
    const covered = new Map<number, number>();
    let total = 0;
    for (const [gram, weight] of query) {
      const idf = this.idf(gram);
      total += weight * idf;
      const p = this.postings.get(gram);
      if (!p) continue;
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i]!;
        if (allowed && !allowed[this.articles[d]!]) continue;
        scores.set(d, (scores.get(d) ?? 0) + weight * idf * p.factors[i]!);
        covered.set(d, (covered.get(d) ?? 0) + weight * idf);
      }
    }
    const top: Hit[] = [];
    for (const [d, score] of scores) {
      if (top.length === limit && top[limit - 1]!.score >= score) continue;
      const hit = { unit: this.units[d]!, article: this.articles[d]!, score, coverage: total > 0 ? covered.get(d)! / total : 0 };
      let at = top.length;
      while (at > 0 && top[at - 1]!.score < score) at--;
      top.splice(at, 0, hit);
      if (top.length > limit) top.pop();
    }
    return top;
  }
}
