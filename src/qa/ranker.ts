/**
 * Scores the units a question's terms touch and picks the best. It owns scratch arrays sized to the
 * index and reused by every query (Node runs one at a time): no allocation per unit per query, so
 * the cost follows the number of matching units, not the size of the knowledge.
 */
import { stem, type Term } from '../text/terms.js';
import type { Matches, UnitIndex } from './unit-index.js';

/** Weight matched through a fact's own phrasings (how people ask) counts this much extra. */
const OWN_BONUS = 0.1;
/**
 * Weight matched through the article's own sentence counts this much extra: when a fact matches a
 * question only through its phrasings and a sentence says the question's words itself, the
 * sentence (and its facts) wins.
 */
const SENTENCE_BONUS = 0.1;
/**
 * Weight matched with the asker's own spelling (新技术, not its synonym 技术) counts this much extra:
 * of two units matching equally through synonyms, the one using the asker's word wins.
 */
const LITERAL_BONUS = 0.1;
/** A question the article asks itself (过去为什么…?) rarely answers anything: its score is scaled. */
const QUESTION_SENTENCE_FACTOR = 0.9;
/** Scores closer than this are a tie. */
const EPSILON = 1e-9;
/**
 * Another article is named as also answering only when its best unit scores nearly as well as the
 * answer (over the threshold on shared generic words is not enough: 办事, 证明 are in every article
 * on the subject).
 */
const ALSO_IN_RATIO = 0.9;
/** Other articles named in a reply at most. */
const MAX_ALSO_IN = 3;
/** From this many articles on, light terms are pruned (see rank): a few articles are scored exactly. */
const PRUNE_FROM_ARTICLES = 20;
/** Terms of a query at most (each gets its own stamp mark). */
const MAX_TERMS = 64;

/**
 * A term's weight for the units of one article (NaN: that article cannot answer the question). A
 * unit is scored with its own article's weights: adding an article never changes another's scores.
 */
export type Weigh = (term: number, article: number) => number;

export interface Ranking {
  /** The best unit, or -1 when no term matched anything. */
  best: number;
  bestScore: number;
  /** Sum of the question's term weights for the best unit's article (for the collection when none). */
  total: number;
  /** Weight of content terms the best unit matched. */
  evidence: number;
  /** Units touched, with their scores in the same order (valid until the next rank() call). */
  touched: number[];
  scores: Float64Array;
  /** Fact units that matched partly, best first: the suggestions when nothing answers. */
  partialFacts: number[];
  /** Their scores, in the same order. */
  partialScores: number[];
  /** Other articles with a unit over the threshold, best first. */
  otherArticles: number[];
}

export class Ranker {
  /** Weight each unit matched, through its own text or inherited; of content terms; through its own text. */
  private readonly all: Float64Array;
  private readonly evidenceOf: Float64Array;
  private readonly own: Float64Array;
  private readonly literal: Float64Array;
  /** Which term last credited a unit's literal weight (negative marks: a space apart from `stamp`). */
  private readonly litMark: Int32Array;
  /** Which query (and term) last credited each unit: stale values are reset on first touch. */
  private readonly stamp: Int32Array;
  private queryStamp = 0;
  private scoreBuffer = new Float64Array(256);
  /** Each article's best score over the threshold in this query (valid where articleStamp is current). */
  private readonly articleBest: Float64Array;
  private readonly articleStamp: Int32Array;
  private readonly articlesOver: number[] = [];
  private readonly touched: number[] = [];
  private readonly tied: number[] = [];
  /** Per term and article (term * articleCount + article): the weight, and the query it is of. */
  private readonly weightMemo: Float64Array;
  private readonly weightStamp: Int32Array;
  private readonly totalMemo: Float64Array;
  private readonly totalStamp: Int32Array;
  private weigh: Weigh = () => 0;
  private termCount = 0;

  constructor(
    private readonly index: UnitIndex,
    private readonly threshold: number,
    private readonly maxSuggestions: number,
  ) {
    const n = index.units.length;
    this.all = new Float64Array(n);
    this.evidenceOf = new Float64Array(n);
    this.own = new Float64Array(n);
    this.literal = new Float64Array(n);
    this.litMark = new Int32Array(n);
    this.stamp = new Int32Array(n);
    this.articleBest = new Float64Array(index.articleCount);
    this.articleStamp = new Int32Array(index.articleCount);
    this.weightMemo = new Float64Array(MAX_TERMS * index.articleCount);
    this.weightStamp = new Int32Array(MAX_TERMS * index.articleCount);
    this.totalMemo = new Float64Array(index.articleCount);
    this.totalStamp = new Int32Array(index.articleCount);
  }

  /** A term's weight for an article's units in the last rank() call. */
  weightOf(term: number, article: number): number {
    const k = term * this.index.articleCount + article;
    if (this.weightStamp[k] !== this.queryStamp) {
      this.weightStamp[k] = this.queryStamp;
      this.weightMemo[k] = this.weigh(term, article);
    }
    return this.weightMemo[k]!;
  }

  /** The sum of the terms' weights for an article in the last rank() call (NaN: it cannot answer). */
  totalOf(article: number): number {
    if (this.totalStamp[article] !== this.queryStamp) {
      let sum = 0;
      for (let t = 0; t < this.termCount; t++) sum += this.weightOf(t, article);
      this.totalStamp[article] = this.queryStamp;
      this.totalMemo[article] = sum;
    }
    return this.totalMemo[article]!;
  }

  /** Weight a unit matched, as of the last rank() call (only for units it touched). */
  matchedWeight(u: number): number {
    return this.all[u]!;
  }

  /** Weight of content terms a unit matched, as of the last rank() call. */
  evidence(u: number): number {
    return this.evidenceOf[u]!;
  }

  /**
   * One pass over the postings to credit weights, one pass over the touched units to find the best,
   * the best of each other article, and partly matching facts: no sort.
   * @param weights each term's weight over the collection: orders the terms and prunes the light ones
   * @param weigh each term's weight for one article's units: what units are scored with
   * @param literal for each term, the units holding the asker's own spelling, when the term has
   *   other spellings too (undefined otherwise)
   * @param allowed when given, only units of the articles it flags (1) can be the best, an "also
   *   in" article or a suggestion: the question names a place only those articles name
   */
  rank(terms: Term[], matched: Matches[], weights: number[], weigh: Weigh, literal: (Matches | undefined)[] = [], allowed?: Uint8Array): Ranking {
    if (this.queryStamp >= 30_000_000) {
      this.queryStamp = 0;
      this.stamp.fill(0);
      this.articleStamp.fill(0);
      this.weightStamp.fill(0);
      this.totalStamp.fill(0);
    }
    // Every term of a query gets its own mark (stampBase + term index), hence the 64-term limit.
    const stampBase = ++this.queryStamp * MAX_TERMS;
    this.weigh = weigh;
    this.termCount = Math.min(terms.length, MAX_TERMS);
    const total = weights.reduce((a, b) => a + b, 0);
    const A = this.index.articleCount;
    const { weightMemo, weightStamp } = this;
    const qs = this.queryStamp;

    // Pruning: the lightest terms whose weights add up to less than the threshold cannot lift a unit
    // to an answer by themselves, so they only add to units the heavier terms already touched. Common
    // words (广州, 服务) match thousands of units at scale; this keeps them from creating candidates.
    // It is exact with one article; with several it judges by the collection's weights, not each
    // article's, so it is used only where it pays: from PRUNE_FROM_ARTICLES articles on.
    const order = weights.map((_, i) => i).sort((x, y) => weights[y]! - weights[x]!);
    let light = 0;
    let firstLight = order.length;
    const prune = A === 1 || A >= PRUNE_FROM_ARTICLES;
    for (let k = order.length - 1; prune && k >= 0; k--) {
      if (light + weights[order[k]!]! >= this.threshold * total) break;
      light += weights[order[k]!]!;
      firstLight = k;
    }
    // Below PRUNE_FROM_ARTICLES, each article's light terms are found with its own weights, as if it
    // were alone (a unit's score can depend on which units were opened: its sentence's bonus).
    const opensIn = prune ? undefined : this.openingTerms(terms);

    // Reused by every query (valid until the next rank()): no new array per question.
    const touched = this.touched;
    touched.length = 0;
    const litMark = this.litMark;
    const { all, own, literal: lit, evidenceOf, stamp } = this;
    const { isFact, heirStart, heirs, articleOf } = this.index;
    // Per-article opening terms credit in two passes: first the terms that open candidates in a unit's
    // article, then the rest (only to units already opened), whatever the collection's order.
    const passes = opensIn ? 2 : 1;
    for (let k = 0; k < order.length * passes; k++) {
      const pass = k < order.length ? 0 : 1;
      const ti = order[k % order.length]!;
      const row = ti * A;
      const isContent = terms[ti]!.kind === 'content';
      const mark = stampBase + ti;
      // Question words (多少, how) never open a candidate: they cannot make an answer on their own.
      const opensHere = k < firstLight && terms[ti]!.kind !== 'question';
      // isOwn: through a fact's own phrasings; otherwise through a sentence's text (its own, or inherited).
      const credit = (u: number, isOwn: boolean) => {
        const key = row + articleOf[u]!;
        let opens = opensHere;
        if (opensIn) {
          opens = opensIn[key] === 1;
          if (opens !== (pass === 0)) return;
        }
        let w: number;
        if (weightStamp[key] === qs) w = weightMemo[key]!;
        else {
          w = weigh(ti, articleOf[u]!);
          weightMemo[key] = w;
          weightStamp[key] = qs;
        }
        const st = stamp[u]!;
        if (st < stampBase) {
          if (!opens) return;
          all[u] = 0;
          own[u] = 0;
          lit[u] = 0;
          evidenceOf[u] = 0;
          touched.push(u);
        }
        if (st !== mark) {
          all[u] = all[u]! + w;
          if (isContent) evidenceOf[u] = evidenceOf[u]! + w;
          stamp[u] = mark;
        }
        if (isOwn) own[u] = own[u]! + w;
      };
      const units = matched[ti]!.units;
      for (let j = 0; j < units.length; j++) {
        const u = units[j]!;
        if (isFact[u]) credit(u, true);
        else {
          credit(u, false);
          for (let h = heirStart[u]!; h < heirStart[u + 1]!; h++) credit(heirs[h]!, false);
        }
      }
    }

    // The asker's own spelling: only units this query touched, each term once per unit.
    literal.forEach((m, ti) => {
      if (!m) return;
      const mark = -(stampBase + ti);
      for (const u of m.units) {
        if (isFact[u]) continue;
        const touch = (v: number) => {
          if (stamp[v]! >= stampBase && litMark[v] !== mark) {
            litMark[v] = mark;
            lit[v] = lit[v]! + this.weightOf(ti, articleOf[v]!);
          }
        };
        touch(u);
        for (let h = heirStart[u]!; h < heirStart[u + 1]!; h++) touch(heirs[h]!);
      }
    });

    const { isQuestion, sentenceUnit } = this.index;
    if (this.scoreBuffer.length < touched.length) this.scoreBuffer = new Float64Array(Math.max(touched.length, 2 * this.scoreBuffer.length));
    // A view of a buffer reused by every query: valid until the next rank().
    const scores = this.scoreBuffer.subarray(0, touched.length);
    let bestScore = -1;
    const tied = this.tied;
    tied.length = 0;
    const { articleBest, articleStamp } = this;
    const articlesOver = this.articlesOver;
    articlesOver.length = 0;
    const partial: { u: number; score: number }[] = [];
    for (let i = 0; i < touched.length; i++) {
      const u = touched[i]!;
      const ownTotal = this.totalOf(articleOf[u]!);
      // A unit of an article the question cannot be about (a place or number it never mentions).
      if ((allowed && !allowed[articleOf[u]!]) || !(ownTotal > 0)) {
        scores[i] = -1;
        continue;
      }
      const needed = this.threshold * ownTotal;
      // Weight matched through the sentence: a sentence's all of it, a fact's its sentence's.
      const su = sentenceUnit[u]!;
      const sent = su === u ? all[u]! : stamp[su]! >= stampBase ? all[su]! : 0;
      let score = (all[u]! + OWN_BONUS * own[u]! + SENTENCE_BONUS * sent + LITERAL_BONUS * lit[u]!) / ownTotal;
      if (isQuestion[u]) score *= QUESTION_SENTENCE_FACTOR;
      scores[i] = score;
      if (score > bestScore + EPSILON) {
        bestScore = score;
        tied.length = 0;
        tied.push(u);
      } else if (score >= bestScore - EPSILON) tied.push(u);
      if (all[u]! >= needed) {
        const a = articleOf[u]!;
        if (articleStamp[a] !== this.queryStamp) {
          articleStamp[a] = this.queryStamp;
          articleBest[a] = score;
          articlesOver.push(a);
        } else if (score > articleBest[a]!) articleBest[a] = score;
      }
      if (isFact[u]) topK(partial, u, score, this.maxSuggestions + 1);
    }
    const best = this.breakTie(tied, terms);
    const bestArticle = best >= 0 ? articleOf[best]! : -1;
    const otherArticles: number[] = [];
    for (const a of articlesOver) if (a !== bestArticle && articleBest[a]! >= ALSO_IN_RATIO * bestScore) topArticles(otherArticles, a, articleBest, MAX_ALSO_IN);
    const partials = partial.filter((p) => p.u !== best).slice(0, this.maxSuggestions);
    const partialFacts = partials.map((p) => p.u);
    const partialScores = partials.map((p) => p.score);
    return { best, bestScore, total: bestArticle >= 0 ? this.totalOf(bestArticle) : total, evidence: best >= 0 ? evidenceOf[best]! : 0, touched, scores, partialFacts, partialScores, otherArticles };
  }

  /**
   * For each term and article (term * articleCount + article), 1 when the term opens candidates in
   * that article: not a question word, and not among the lightest terms whose weights for the article
   * add up to less than the threshold (as rank() prunes with one article).
   */
  private openingTerms(terms: Term[]): Uint8Array {
    const A = this.index.articleCount;
    const opens = new Uint8Array(this.termCount * A);
    const w = new Float64Array(this.termCount);
    for (let a = 0; a < A; a++) {
      const total = this.totalOf(a);
      if (!(total > 0)) continue;
      for (let t = 0; t < this.termCount; t++) w[t] = this.weightOf(t, a);
      const order = Array.from({ length: this.termCount }, (_, i) => i).sort((x, y) => w[y]! - w[x]!);
      let light = 0;
      let firstLight = order.length;
      for (let k = order.length - 1; k >= 0; k--) {
        if (light + w[order[k]!]! >= this.threshold * total) break;
        light += w[order[k]!]!;
        firstLight = k;
      }
      for (let k = 0; k < firstLight; k++) if (terms[order[k]!]!.kind !== 'question') opens[order[k]! * A + a] = 1;
    }
    return opens;
  }

  /**
   * Among equally scored units, the one that uses the asker's own words rather than their synonyms,
   * then the shorter one (a tighter match). At a thousand articles ties are common and this runs on
   * all of them, so it stays cheap: a few substring checks per unit.
   */
  private breakTie(tied: number[], terms: Term[]): number {
    if (tied.length <= 1) return tied[0] ?? -1;
    const { units, textId, zhLength } = this.index;
    const surface = terms.filter((t) => t.kind !== 'question').map((t) => ({ text: t.text, stem: stem(t.text) }));
    // Articles that repeat a text tie with every copy: each distinct text is looked at once.
    const hitsOf = new Map<number, number>();
    let best = -1;
    let bestHits = -1;
    for (let i = 0; i < tied.length; i++) {
      const u = tied[i]!;
      const text = textId[u]!;
      let hits = hitsOf.get(text);
      if (hits === undefined) {
        hits = 0;
        const unit = units[u]!;
        for (const w of surface) if (unit.zh.includes(w.text) || unit.en.has(w.stem)) hits++;
        hitsOf.set(text, hits);
      }
      if (hits > bestHits || (hits === bestHits && zhLength[u]! < zhLength[best]!)) {
        best = u;
        bestHits = hits;
      }
    }
    return best;
  }
}

/** Keeps the k best articles (by `best`) of a stream in `list`, best first, earlier first among equals. */
function topArticles(list: number[], a: number, best: Float64Array, k: number): void {
  const score = best[a]!;
  if (list.length === k && best[list[k - 1]!]! >= score) return;
  let i = list.length < k ? list.length : k - 1;
  while (i > 0 && best[list[i - 1]!]! < score) {
    list[i] = list[i - 1]!;
    i--;
  }
  list[i] = a;
}

/** Keeps the k best units of a stream in `list`, best first (k is tiny: a few suggestions). */
function topK(list: { u: number; score: number }[], u: number, score: number, k: number): void {
  if (k <= 0 || (list.length === k && list[k - 1]!.score >= score)) return;
  let i = list.length < k ? list.length : k - 1;
  while (i > 0 && list[i - 1]!.score < score) {
    list[i] = list[i - 1]!;
    i--;
  }
  list[i] = { u, score };
}
