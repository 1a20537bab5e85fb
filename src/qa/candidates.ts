/**
 * The second stage: what a question asks → the units that could answer it, ranked. The question's
 * terms (with their expansions: synonyms, CC-CEDICT, typo readings), the units each matches, each
 * term's weight (its rarity, per article), the places that scope it to some articles, and the
 * ranker's scores.
 */
import type { Knowledge } from '../knowledge/load.js';
import { fold } from '../text/normalize.js';
import type { Term } from '../text/terms.js';
import { HAS_HAN, MAX_TERMS, type Parts } from './parts.js';
import type { Ranking, Weigh } from './ranker.js';
import type { Asking } from './reading.js';
import type { Matches } from './unit-index.js';
import { termWeight, weighingIn } from './weights.js';

/**
 * Weight of the knowledge's words in a clause that does not ask (我是学生,在写关于“放管服”的论文。…动力来自哪里?):
 * they say what the question is about, less than the question itself does.
 */
const CONTEXT_FACTOR = 0.5;

/** A question's candidates: its terms, what each matches, and the units ranked. */
export interface Candidates {
  terms: Term[];
  matched: Matches[];
  /** Each term's weight over all articles. */
  weights: number[];
  /** Each term's weight for the best unit's article: what it was scored with (and what --explain shows). */
  own: number[];
  ranking: Ranking;
  /** The articles a place in the question scopes it to, or undefined for all. */
  allowed: Uint8Array | undefined;
}

export class CandidateFinder {
  /** Words that name a place (see placesOf): a question naming one is about the articles that name it. */
  private readonly placeWords: Set<string>;

  constructor(private readonly parts: Parts) {
    this.placeWords = placesOf(parts.knowledge);
  }

  /** The terms of what is asked (context clauses keep only the knowledge's words), ranked. */
  find(asking: Asking): Candidates {
    const { analyzer, index, intents, weightContext } = this.parts;
    const { text, context, clauseOf } = asking;
    // Small-talk topics (天气, tomorrow) match nothing: a question about them is declined.
    const offTopic = intents.offTopicSpans(text);
    const analyzed = analyzer
      .analyze(text)
      .map((t): Term => (offTopic.some((s) => t.at < s.end && t.end > s.at) ? { ...t, kind: 'unknown', zh: [], en: [] } : t))
      .map((t) => ({ t, m: index.matches(t) }))
      .filter(({ t, m }) => !context[clauseOf(t.at)] || (t.kind === 'content' && m.units.length > 0 && !/^\d+$/.test(t.text)))
      .slice(0, MAX_TERMS);
    const terms = analyzed.map((a) => a.t);
    const matched = analyzed.map((a) => a.m);
    const factor = terms.map((t) => (context[clauseOf(t.at)] ? CONTEXT_FACTOR : 1));
    const weights = terms.map((t, i) => termWeight(t, matched[i]!, weightContext) * factor[i]!);
    // Units whose sentence holds the asker's own spelling (not a fact's phrasing: how people ask).
    const literal = terms.map((t) => (t.kind === 'content' && t.zh.length > 1 && t.zh.includes(t.text) ? index.matches({ ...t, zh: [t.text], en: [] }) : undefined));
    const allowed = this.placeScope(terms, matched);
    const ranking = this.parts.ranker.rank(terms, matched, weights, this.weighFor(terms, matched, factor), literal, allowed);
    const own = ranking.best >= 0 ? terms.map((_, i) => this.parts.ranker.weightOf(i, index.articleOf[ranking.best]!)) : weights;
    return { terms, matched, weights, own, ranking, allowed };
  }

  /**
   * The article a few words point to (the rest of 哪个报纸登的 after what it asks): the one their best
   * unit is from, when it matches an answer's share of them; -1 for none.
   */
  pointedTo(terms: Term[]): number {
    const { index, ranker, options, weightContext } = this.parts;
    // A single character (登 of 哪个报纸登的) says how it was asked, not which article.
    const pointers = terms.filter((t) => t.kind !== 'question' && (!HAS_HAN.test(t.text) || [...t.text].length > 1));
    if (!pointers.length) return -1;
    const matched = pointers.map((t) => index.matches(t));
    const weights = pointers.map((t, i) => termWeight(t, matched[i]!, weightContext));
    const ranking = ranker.rank(pointers, matched, weights, this.weighFor(pointers, matched), [], this.placeScope(pointers, matched));
    return ranking.best >= 0 && ranker.matchedWeight(ranking.best) >= options.threshold * ranking.total ? index.articleOf[ranking.best]! : -1;
  }

  /**
   * Besides the best, the `keep` best-scoring units that pass, facts first among equals, kept in
   * order as they come (at a thousand articles thousands of units are touched: no sort of them all).
   */
  bestPassing(ranking: Ranking, keep: number): { u: number; score: number }[] {
    const { isFact } = this.parts.index;
    const before = (x: { u: number; score: number }, y: { u: number; score: number }) => x.score > y.score || (x.score === y.score && isFact[x.u]! > isFact[y.u]!);
    const out: { u: number; score: number }[] = [];
    ranking.touched.forEach((u, i) => {
      const c = { u, score: ranking.scores[i]! };
      if (u === ranking.best || c.score < 0) return;
      if (out.length === keep && !before(c, out[keep - 1]!)) return;
      if (!this.passes(u)) return;
      let at = out.length;
      while (at > 0 && before(c, out[at - 1]!)) at--;
      out.splice(at, 0, c);
      if (out.length > keep) out.pop();
    });
    return out;
  }

  /** Whether a text names nothing the knowledge knows (the rest of 是广州日报的吗 after the paper). */
  namesNothing(text: string): boolean {
    return !this.parts.analyzer.analyze(text).some((t) => t.kind === 'content' && this.parts.index.matches(t).units.length > 0);
  }

  /** Whether a unit, as of the last rank(), matches enough of the question to answer it. */
  passes(u: number): boolean {
    const { index, ranker, options } = this.parts;
    const total = ranker.totalOf(index.articleOf[u]!);
    return total > 0 && ranker.matchedWeight(u) >= options.threshold * total && ranker.evidence(u) >= options.minEvidence;
  }

  /** A term's weight for one article's units: rarity within that article, as if it were alone. */
  private weighFor(terms: Term[], matched: Matches[], factor?: number[]): Weigh {
    const { index, knowledge, articleContext } = this.parts;
    // Per term, once: its weighing and its counts per article; then each article is a lookup.
    // A term of some articles' reading only (Term.articles) weighs nothing for the others.
    const perTerm = terms.map((t, i) => ({
      weigh: weighingIn(t),
      by: index.perArticle(matched[i]!),
      factor: factor?.[i] ?? 1,
      reads: t.articles && readers(t.articles, knowledge.articles.length),
    }));
    return (ti, a) => {
      const { weigh, by, factor: f, reads } = perTerm[ti]!;
      if (reads && !reads[a]) return 0;
      return weigh(by.sentences[a]!, by.facts[a]!, articleContext[a]!) * f;
    };
  }

  /**
   * The articles a question is about when it names a place that some articles name and others do
   * not (成都: the Chengdu article, not Guangzhou's 10个工作日 for 成都落户要几天): undefined when it
   * names none, or with a single article.
   */
  private placeScope(terms: Term[], matched: Matches[]): Uint8Array | undefined {
    const n = this.parts.knowledge.articles.length;
    if (n < 2) return undefined;
    let allowed: Uint8Array | undefined;
    terms.forEach((t, i) => {
      if (t.kind !== 'elsewhere' && !t.zh.some((z) => this.placeWords.has(z))) return;
      // Named by an article's own sentences (a fact's phrasings are how people ask, not what it says).
      const naming = this.parts.index.perArticle(matched[i]!).sentences.map((c) => (c > 0 ? 1 : 0));
      if (naming.every(Boolean) || !naming.some(Boolean)) return;
      allowed ??= new Uint8Array(n);
      naming.forEach((v, a) => {
        if (v) allowed![a] = 1;
      });
    });
    return allowed;
  }
}

/** A dictionary sense that is a name (Guangzhou, Chengdu), and one that says it names a place. */
const NAME_SENSE = /^[A-Z][a-zü]+$/;
const PLACE_SENSE = /\b(?:city|district|province|county|prefecture|island|town|region|area)\b|^see \S*[市区县省]/i;

/**
 * Words that name a place: the lexicon's places, and the articles' CC-CEDICT words that are names
 * of places (a romanised name among their senses, and a sense that says city, district… or points
 * to one: 广州 "see 廣州市|广州市", 琶洲 "Pazhou district in Guangzhou").
 */
function placesOf(knowledge: Knowledge): Set<string> {
  const out = new Set(knowledge.lexicon.places.filter((p) => HAS_HAN.test(p)).map(fold));
  for (const k of knowledge.articles) {
    for (const [word, senses] of Object.entries(k.dictionary?.entries ?? {})) {
      // The first sense names (公安 is "Public Security" first, a county only further down).
      if (/^(?:[A-Z]|see )/.test(senses[0] ?? '') && senses.some((s) => NAME_SENSE.test(s)) && senses.some((s) => PLACE_SENSE.test(s))) out.add(word);
    }
  }
  return out;
}

/** A flag per article: 1 for those listed. */
function readers(articles: readonly number[], count: number): Uint8Array {
  const flags = new Uint8Array(count);
  for (const a of articles) flags[a] = 1;
  return flags;
}
