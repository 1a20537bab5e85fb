/**
 * The question-answering engine. It knows nothing about Telegram: every door (bot, inline mode,
 * terminal chat, `ask --jsonl`, announcements) calls `answer(question)`.
 *
 * Retrieval units are the article's sentences and its facts. A fact unit is its question phrasings
 * and short answer, and it also carries its sentence's words. A question is cut into terms
 * (see text/terms.ts); each term weighs by how rare it is in the knowledge (words the knowledge does
 * not know weigh a lot, question words little). A unit's score is the share of the question's
 * weight it matches, so a question about something the article never mentions cannot reach the
 * threshold however many common words it shares: that is what makes refusals honest.
 */
import type { ArticleKnowledge, Knowledge } from '../knowledge/load.js';
import type { ArticleMeta, Fact, Lang, Sentence } from '../knowledge/schema.js';
import { detectLang, fold, foldMany, simplify } from '../text/normalize.js';
import { Analyzer, stem, type Term } from '../text/terms.js';

export interface EngineOptions {
  /**
   * Share of the question's weight the best unit must match to count as an answer (0–1).
   * Lower answers more and refuses less. Default 0.6.
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
   * such word refuses the question. Default 8.
   */
  elsewhereWeight?: number;
  /**
   * Answers kept for questions asked again, word for word (popular questions, inline mode's
   * repeated queries). 0 turns the cache off. Default 2,000.
   */
  cacheSize?: number;
}

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

export interface Found {
  found: true;
  /** 'sentence': a quoted sentence; 'meta': a question about the article itself (author, date, …). */
  kind: 'sentence' | 'meta';
  /** The source sentence verbatim; null for metadata answers. */
  quote: string | null;
  sentenceId: string | null;
  /** 1-based paragraph and sentence-in-paragraph numbers; null for metadata answers. */
  paragraph: number | null;
  sentence: number | null;
  factId: string | null;
  shortAnswer: PerLang | null;
  translation: string | null;
  source: SourceRef;
  /** Other articles that also cover the question. */
  alsoIn: SourceRef[];
  score: number;
  lang: Lang;
}

export interface Suggestion {
  factId: string;
  /** The fact's first question in each language. */
  question: PerLang;
}

export interface NotFound {
  found: false;
  reason: 'empty' | 'greeting' | 'out-of-scope';
  suggestions: Suggestion[];
  score: number;
  lang: Lang;
}

export type Result = Found | NotFound;

interface Matches {
  units: Int32Array;
  /** How many of the units are sentences (the rest are facts). */
  sentences: number;
}

interface Ranking {
  /** The best unit, or -1 when no term matched anything. */
  best: number;
  bestScore: number;
  /** Sum of the question's term weights. */
  total: number;
  /** Weight of each term, in the question's order. */
  weights: number[];
  /** Weight of content terms the best unit matched. */
  evidence: number;
  touched: number[];
  /** Score of each touched unit, in the same order. */
  scores: Float64Array;
  /** Fact units that matched partly, best first: the suggestions when nothing answers. */
  partialFacts: number[];
  /** Other articles with a unit over the threshold, best first. */
  otherArticles: number[];
}

interface Unit {
  article: number;
  fact: Fact | null;
  sentence: Sentence | null;
  paragraph: number;
  sentenceNo: number;
  /** Index of the sentence unit a fact rests on, or -1. */
  sentenceUnit: number;
  /** Folded Simplified text; fact units join their phrasings with '|' so no match spans two. */
  zh: string;
  /** English stems. */
  en: Set<string>;
  /** Rhetorical questions in the article rarely answer anything. */
  isQuestion: boolean;
}

/** Terms beyond this many are ignored (a question is a sentence, not an essay); must stay below 64. */
const MAX_TERMS = 48;
/** Other articles named in a reply at most. */
const MAX_ALSO_IN = 3;
/** Longer questions are not cached (they are rarely asked twice, and would hold memory). */
const MAX_CACHED_QUESTION = 200;
/** Unit ids kept in the match cache, over all entries (4 bytes each). */
const MATCH_CACHE_BUDGET = 4_000_000;
const QUESTION_WEIGHT = 0.35;
const PHRASING_WEIGHT = 1;
const SINGLE_CHAR_FACTOR = 0.4;
const OWN_BONUS = 0.1;
/** Scores closer than this are a tie. */
const EPSILON = 1e-9;
const QUESTION_SENTENCE_FACTOR = 0.9;

const englishWords = (text: string): string[] => foldMany([text])[0]!.split(' ').filter((w) => /^[a-z0-9]/.test(w));
/** Folded Chinese without spaces, for substring matching; one OpenCC pass for all texts. */
const compactMany = (texts: string[]): string[] => foldMany(texts).map((t) => t.replace(/ /g, ''));

/** English stems of a text, and its adjacent stem pairs, so that phrases ("how long") match. */
function englishIndex(texts: string[]): Set<string> {
  const out = new Set<string>();
  for (const text of texts) {
    const stems = englishWords(text).map(stem);
    stems.forEach((s, i) => {
      out.add(s);
      if (i > 0) out.add(`${stems[i - 1]} ${s}`);
    });
  }
  return out;
}

function sourceOf(k: ArticleKnowledge): SourceRef {
  const m = k.article.meta;
  const t = k.translations?.meta;
  return {
    articleId: k.article.id,
    title: m.title,
    publication: m.publication,
    author: m.author,
    date: m.date,
    editors: m.editors,
    en: t ? { title: t.title, publication: t.publication, author: t.author, editors: t.editors } : null,
  };
}

/** A metadata field as a short answer in each script. */
function metaAnswer(meta: ArticleMeta, field: NonNullable<Fact['meta']>, source: SourceRef): PerLang {
  const value = field === 'editors' ? meta.editors.join('、') : field === 'date' ? `${meta.date}${meta.time ? ` ${meta.time}` : ''}` : meta[field];
  const en = source.en;
  const english =
    field === 'author' && en
      ? `${en.author} (${meta.author})`
      : field === 'publication' && en
        ? `${en.publication} (${meta.publication})`
        : field === 'editors' && en
          ? `${en.editors.join(', ')} (${value})`
          : field === 'title' && en
            ? `“${en.title}” (${meta.title})`
            : value;
  return { 'zh-Hans': simplify(value), 'zh-Hant': value, en: english };
}

export class Engine {
  readonly knowledge: Knowledge;
  private readonly analyzer: Analyzer;
  private readonly units: Unit[] = [];
  readonly sources: SourceRef[];
  private readonly zhPostings = new Map<string, number[]>();
  private readonly enPostings = new Map<string, number[]>();
  /** Flat copies of what the ranking loop reads for every matched unit. */
  private readonly isFact: Uint8Array;
  private readonly isQuestion: Uint8Array;
  private readonly articleOf: Int32Array;
  /**
   * Units that inherit sentence u's words: heirs[heirStart[u] .. heirStart[u + 1]). They are the facts
   * resting on u and, when u is a question the article asks itself (过去为什么会出现…?), the next
   * sentence of the paragraph, which answers it, with its facts.
   */
  private readonly heirStart: Int32Array;
  private readonly heirs: Int32Array;
  private readonly threshold: number;
  private readonly minEvidence: number;
  private readonly maxSuggestions: number;
  private readonly unknownWeight: number;
  private readonly elsewhereWeight: number;
  // Scratch space reused by every query (Node runs one at a time): no allocation per unit per query.
  private readonly all: Float64Array;
  private readonly own: Float64Array;
  /** Weight of content terms (not question words) each unit matched. */
  private readonly evidence: Float64Array;
  private readonly stamp: Int32Array;
  private queryStamp = 0;
  private readonly seen: Int32Array;
  private matchStamp = 0;
  private readonly matchCache = new Map<string, Matches>();
  private matchCacheSize = 0;
  private readonly sentenceCount: number;
  private readonly keyFactList: Fact[];
  private readonly cacheSize: number;
  private readonly answers = new Map<string, Result>();
  /** Fact id → its unit. */
  private readonly factUnit = new Map<string, number>();

  constructor(knowledge: Knowledge, options: EngineOptions = {}) {
    this.knowledge = knowledge;
    this.threshold = options.threshold ?? 0.6;
    this.minEvidence = options.minEvidence ?? 1.0;
    this.maxSuggestions = options.maxSuggestions ?? 3;
    this.unknownWeight = options.unknownWeight ?? 2.5;
    this.elsewhereWeight = options.elsewhereWeight ?? 8;
    this.cacheSize = options.cacheSize ?? 2_000;
    this.sources = knowledge.articles.map(sourceOf);
    this.keyFactList = knowledge.articles.flatMap((k) => k.facts.filter((f) => f.key));

    /** Fact units resting on each sentence unit (build time only: the heirs arrays keep it). */
    const factsOf = new Map<number, number[]>();
    knowledge.articles.forEach((k, a) => this.addArticle(k, a, factsOf));
    const englishStems = new Set(this.enPostings.keys());
    const chineseTexts = this.units.map((u) => u.zh.replace(/\|/g, ' '));
    const english = knowledge.articles.flatMap((k) => [
      ...Object.values(k.translations?.sentences ?? {}).flatMap(englishWords),
      ...k.facts.flatMap((f) => [...f.questions.en, f.answer?.en ?? ''].flatMap(englishWords)),
    ]);
    this.analyzer = new Analyzer({ ...knowledge, chineseTexts, englishWords: english, englishStems });
    this.sentenceCount = this.units.filter((u) => u.fact === null).length;
    this.all = new Float64Array(this.units.length);
    this.own = new Float64Array(this.units.length);
    this.evidence = new Float64Array(this.units.length);
    this.stamp = new Int32Array(this.units.length);
    this.seen = new Int32Array(this.units.length);
    this.isFact = Uint8Array.from(this.units, (u) => (u.fact ? 1 : 0));
    this.isQuestion = Uint8Array.from(this.units, (u) => (u.isQuestion ? 1 : 0));
    this.articleOf = Int32Array.from(this.units, (u) => u.article);
    this.heirStart = new Int32Array(this.units.length + 1);
    const list: number[] = [];
    this.units.forEach((unit, u) => {
      this.heirStart[u] = list.length;
      list.push(...(factsOf.get(u) ?? []));
      const next = this.units[u + 1];
      if (unit.isQuestion && next && next.fact === null && next.article === unit.article && next.paragraph === unit.paragraph) {
        list.push(u + 1, ...(factsOf.get(u + 1) ?? []));
      }
    });
    this.heirStart[this.units.length] = list.length;
    this.heirs = Int32Array.from(list);
  }

  private addArticle(k: ArticleKnowledge, a: number, factsOf: Map<number, number[]>): void {
    const sentenceUnit = new Map<string, number>();
    const folded = compactMany(k.article.paragraphs.flatMap((p) => p.sentences.map((s) => s.text)));
    let next = 0;
    k.article.paragraphs.forEach((p, pi) =>
      p.sentences.forEach((s, si) => {
        sentenceUnit.set(s.id, this.units.length);
        this.addUnit({
          article: a,
          fact: null,
          sentence: s,
          paragraph: pi + 1,
          sentenceNo: si + 1,
          sentenceUnit: -1,
          zh: folded[next++]!,
          en: englishIndex([k.translations?.sentences[s.id] ?? '']),
          isQuestion: /[?？]\s*$/u.test(s.text),
        });
      }),
    );
    const zhOf = (f: Fact) => [...f.questions['zh-Hans'], ...f.questions['zh-Hant'], f.answer?.['zh-Hans'] ?? '', f.answer?.['zh-Hant'] ?? ''];
    const factTexts = compactMany(k.facts.flatMap(zhOf));
    let at = 0;
    for (const f of k.facts) {
      const mine = factTexts.slice(at, (at += zhOf(f).length));
      const su = f.sentence !== undefined ? sentenceUnit.get(f.sentence)! : -1;
      const base = su >= 0 ? this.units[su]! : undefined;
      const index = this.addUnit({
        article: a,
        fact: f,
        sentence: base?.sentence ?? null,
        paragraph: base?.paragraph ?? 0,
        sentenceNo: base?.sentenceNo ?? 0,
        sentenceUnit: su,
        zh: mine.filter(Boolean).join('|'),
        en: englishIndex([...f.questions.en, f.answer?.en ?? '']),
        isQuestion: false,
      });
      if (su >= 0) push(factsOf, su, index);
      this.factUnit.set(f.id, index);
    }
  }

  private addUnit(unit: Unit): number {
    const id = this.units.length;
    this.units.push(unit);
    const grams = new Set<string>();
    const chars = [...unit.zh];
    chars.forEach((c, i) => {
      if (c === '|') return;
      grams.add(c);
      const next = chars[i + 1];
      if (next !== undefined && next !== '|') grams.add(c + next);
    });
    for (const g of grams) push(this.zhPostings, g, id);
    for (const s of unit.en) push(this.enPostings, s, id);
    return id;
  }

  /**
   * Units whose own text holds one of the term's spellings (not counting inherited sentence text),
   * and how many of them are sentences. Cached: the same words come back in question after question,
   * and at a thousand articles a common word's list is long to build.
   */
  private matches(term: Term): Matches {
    const key = `${term.zh.join('\u0001')}\u0002${term.en.join('\u0001')}`;
    const hit = this.matchCache.get(key);
    if (hit) {
      // Map iteration order is insertion order: re-inserting marks the entry as recently used.
      this.matchCache.delete(key);
      this.matchCache.set(key, hit);
      return hit;
    }
    const units = Int32Array.from(this.computeMatches(term));
    let sentences = 0;
    for (const u of units) if (!this.isFact[u]) sentences++;
    const entry = { units, sentences };
    this.matchCache.set(key, entry);
    this.matchCacheSize += units.length + 1;
    for (const [oldKey, old] of this.matchCache) {
      if (this.matchCacheSize <= MATCH_CACHE_BUDGET) break;
      this.matchCache.delete(oldKey);
      this.matchCacheSize -= old.units.length + 1;
    }
    return entry;
  }

  private computeMatches(term: Term): number[] {
    const out: number[] = [];
    const mark = ++this.matchStamp;
    const add = (u: number) => {
      if (this.seen[u] !== mark) {
        this.seen[u] = mark;
        out.push(u);
      }
    };
    for (const alt of term.zh) {
      const chars = [...alt];
      const number = /^\d/.test(alt);
      let candidates: number[] | undefined = chars.length === 1 ? this.zhPostings.get(alt) : undefined;
      for (let i = 0; i + 1 < chars.length; i++) {
        const p = this.zhPostings.get(chars[i]! + chars[i + 1]!);
        if (!p) {
          candidates = undefined;
          break;
        }
        if (!candidates || p.length < candidates.length) candidates = p;
      }
      if (!candidates) continue;
      if (!number && chars.length <= 2) {
        for (const u of candidates) add(u);
        continue;
      }
      for (const u of candidates) {
        const zh = this.units[u]!.zh;
        if (holds(zh, alt)) add(u);
      }
    }
    for (const alt of term.en) for (const u of this.enPostings.get(alt) ?? []) add(u);
    return out;
  }

  /** A place the knowledge does not cover, or a number it never mentions (2020年, 50项) and so nothing matches. */
  private isForeign(term: Term, matched: Matches): boolean {
    return (term.kind === 'elsewhere' || (term.kind === 'content' && /^\d+$/.test(term.text))) && matched.units.length === 0;
  }

  /**
   * How much a term counts. Rarity is measured over the article's sentences (what the knowledge
   * says); a word found only in fact phrasings is how people ask, not what the article says, and
   * counts a moderate, fixed amount.
   */
  private weight(term: Term, matched: Matches): number {
    const df = matched.sentences;
    const inFacts = matched.units.length > df;
    const single = term.zh.length > 0 && [...term.text].length === 1 && /\p{Script=Han}/u.test(term.text);
    switch (term.kind) {
      case 'question':
        return QUESTION_WEIGHT;
      case 'elsewhere':
        return this.elsewhereWeight;
      case 'unknown':
        return single ? this.unknownWeight * SINGLE_CHAR_FACTOR : this.unknownWeight;
      case 'content': {
        if (this.isForeign(term, matched)) return this.elsewhereWeight;
        if (df === 0 && !inFacts) return single ? this.unknownWeight * SINGLE_CHAR_FACTOR : this.unknownWeight;
        if (df === 0) return single ? PHRASING_WEIGHT * SINGLE_CHAR_FACTOR : PHRASING_WEIGHT;
        // Scaled so that a word found in one sentence of an average-sized article weighs the most:
        // the weights, and so the refusals, stay the same whether there is one article or a thousand.
        const n = this.sentenceCount;
        const idf = Math.log(1 + n / df) / Math.log(1 + n / this.knowledge.articles.length);
        const w = Math.min(3, Math.max(0.6, 3 * idf));
        return single ? w * SINGLE_CHAR_FACTOR : w;
      }
    }
  }

  answer(question: string): Result {
    const cached = this.answers.get(question);
    if (cached) {
      // Re-inserted: Map order is insertion order, so the oldest entry is the least recently used.
      this.answers.delete(question);
      this.answers.set(question, cached);
      return cached;
    }
    const result = this.answerUncached(question);
    if (this.cacheSize > 0 && question.length <= MAX_CACHED_QUESTION) {
      this.answers.set(question, result);
      if (this.answers.size > this.cacheSize) this.answers.delete(this.answers.keys().next().value!);
    }
    return result;
  }

  private answerUncached(question: string): Result {
    const folded = fold(question);
    const lang = detectLang(question, folded);
    const replyLang: Lang = lang === 'other' ? 'zh-Hans' : lang;
    if (!folded) return { found: false, reason: 'empty', suggestions: this.keySuggestions([]), score: 0, lang: replyLang };
    if (this.analyzer.isGreeting(folded)) {
      return { found: false, reason: 'greeting', suggestions: this.keySuggestions([]), score: 0, lang: replyLang };
    }
    const terms = this.analyzer.analyze(folded).slice(0, MAX_TERMS);
    const ranking = this.rank(terms);
    const { best, total } = ranking;
    const refuse = (score: number): NotFound => ({
      found: false,
      reason: 'out-of-scope',
      suggestions: this.keySuggestions(ranking.partialFacts.map((u) => this.units[u]!.fact!)),
      score: round(score),
      lang: replyLang,
    });
    if (best < 0 || total === 0) return refuse(0);
    // A place or a number the knowledge never mentions (北京, 2020年) means the question is about
    // something else, however well the rest of it matches.
    if (terms.some((t) => this.isForeign(t, this.matches(t)))) return refuse(ranking.bestScore);
    const coverage = this.all[best]! / total;
    if (coverage < this.threshold || ranking.evidence < this.minEvidence) return refuse(ranking.bestScore);
    // A question asking for a kind of detail (a fee, a phone number, a date) is answered only by a
    // sentence that gives one: the station's sentence does not tell its phone number.
    const unit = this.units[best]!;
    const sentence = unit.fact === null ? unit : unit.sentenceUnit >= 0 ? this.units[unit.sentenceUnit]! : undefined;
    if (sentence && this.analyzer.askedFor(folded).some((needs) => !needs.test(sentence.zh))) return refuse(ranking.bestScore);
    const alsoIn = ranking.otherArticles.map((a) => this.sources[a]!);
    return this.found(this.units[best]!, round(ranking.bestScore), replyLang, alsoIn);
  }

  /**
   * Scores every unit a term touches. One pass over the postings to credit weights, one pass over
   * the touched units to find the best, the best of each other article, and partly matching facts:
   * no sort, so the cost follows the number of matching units, not the size of the knowledge.
   */
  private rank(terms: Term[]): Ranking {
    if (this.queryStamp >= 30_000_000) {
      this.queryStamp = 0;
      this.stamp.fill(0);
    }
    if (this.matchStamp >= 2_000_000_000) {
      this.matchStamp = 0;
      this.seen.fill(0);
    }
    const stampBase = ++this.queryStamp * 64;
    const matched = terms.map((term) => this.matches(term));
    const weights = terms.map((term, i) => this.weight(term, matched[i]!));
    const total = weights.reduce((a, b) => a + b, 0);

    // Pruning: the lightest terms whose weights add up to less than the threshold cannot lift a unit
    // to an answer by themselves, so they only add to units the heavier terms already touched. Common
    // words (广州, 服务) match thousands of units at scale; this keeps them from creating candidates.
    const order = weights.map((_, i) => i).sort((x, y) => weights[y]! - weights[x]!);
    let light = 0;
    let firstLight = order.length;
    for (let k = order.length - 1; k >= 0; k--) {
      if (light + weights[order[k]!]! >= this.threshold * total) break;
      light += weights[order[k]!]!;
      firstLight = k;
    }

    const touched: number[] = [];
    const { all, own, evidence, stamp, isFact, heirStart, heirs } = this;
    order.forEach((ti, k) => {
      const w = weights[ti]!;
      const isContent = terms[ti]!.kind === 'content';
      const mark = stampBase + ti;
      // Question words (多少, how) never open a candidate: they cannot make an answer on their own.
      const opens = k < firstLight && terms[ti]!.kind !== 'question';
      const credit = (u: number, isOwn: boolean) => {
        const st = stamp[u]!;
        if (st < stampBase) {
          if (!opens) return;
          all[u] = 0;
          own[u] = 0;
          evidence[u] = 0;
          touched.push(u);
        }
        if (st !== mark) {
          all[u] = all[u]! + w;
          if (isContent) evidence[u] = evidence[u]! + w;
          stamp[u] = mark;
        }
        if (isOwn) own[u] = own[u]! + w;
      };
      for (const u of matched[ti]!.units) {
        if (isFact[u]) credit(u, true);
        else {
          credit(u, false);
          for (let h = heirStart[u]!; h < heirStart[u + 1]!; h++) credit(heirs[h]!, false);
        }
      }
    });

    // One pass over the touched units: each one's score, the best (ties kept for the tie-break), the
    // best of every article, and the best partly matching facts for suggestions.
    const { isQuestion, articleOf } = this;
    const scores = new Float64Array(touched.length);
    let bestScore = -1;
    let tied: number[] = [];
    const perArticle = new Map<number, number>();
    const partial: { u: number; score: number }[] = [];
    const needed = this.threshold * total;
    for (let i = 0; i < touched.length; i++) {
      const u = touched[i]!;
      let score = total > 0 ? (all[u]! + (isFact[u] ? OWN_BONUS * own[u]! : 0)) / total : 0;
      if (isQuestion[u]) score *= QUESTION_SENTENCE_FACTOR;
      scores[i] = score;
      if (score > bestScore + EPSILON) {
        bestScore = score;
        tied = [u];
      } else if (score >= bestScore - EPSILON) tied.push(u);
      if (all[u]! >= needed) {
        const a = articleOf[u]!;
        if (score > (perArticle.get(a) ?? -1)) perArticle.set(a, score);
      }
      if (isFact[u]) topK(partial, { u, score }, this.maxSuggestions + 1);
    }
    const best = this.breakTie(tied, terms);
    const bestArticle = best >= 0 ? articleOf[best]! : -1;
    perArticle.delete(bestArticle);
    const otherArticles = [...perArticle].sort((x, y) => y[1] - x[1]).slice(0, MAX_ALSO_IN).map(([a]) => a);
    const partialFacts = partial.filter((p) => p.u !== best).slice(0, this.maxSuggestions).map((p) => p.u);
    return { best, bestScore, total, weights, evidence: best >= 0 ? evidence[best]! : 0, touched, scores, partialFacts, otherArticles };
  }

  /**
   * Among equally scored units, the one that uses the asker's own words rather than their synonyms,
   * then the shorter one (a tighter match). At a thousand articles ties are common and this runs on
   * all of them, so it stays cheap: a few substring checks per unit.
   */
  private breakTie(tied: number[], terms: Term[]): number {
    if (tied.length <= 1) return tied[0] ?? -1;
    const surface = terms.filter((t) => t.kind !== 'question').map((t) => t.text);
    let best = -1;
    let bestHits = -1;
    for (const u of tied) {
      const unit = this.units[u]!;
      let hits = 0;
      for (const w of surface) if (unit.zh.includes(w) || unit.en.has(stem(w))) hits++;
      if (hits > bestHits || (hits === bestHits && unit.zh.length < this.units[best]!.zh.length)) {
        best = u;
        bestHits = hits;
      }
    }
    return best;
  }

  /** For maintainers (`ask --explain`): the question's terms with their weights, and the best units. */
  explain(question: string): { terms: { text: string; kind: string; weight: number; alts: string[] }[]; top: { unit: string; score: number }[] } {
    const terms = this.analyzer.analyze(fold(question)).slice(0, MAX_TERMS);
    const described = terms.map((t) => {
      const weight = round(this.weight(t, this.matches(t)));
      return { text: t.text, kind: t.kind, weight, alts: [...t.zh, ...t.en].slice(0, 8) };
    });
    const { touched, scores } = this.rank(terms);
    const top = touched
      .map((u, i) => ({ u, score: scores[i]! }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 5)
      .map(({ u, score }) => {
        const unit = this.units[u]!;
        return { unit: unit.fact ? `fact ${unit.fact.id}` : `sentence ${unit.sentence?.id}`, score: round(score) };
      });
    return { terms: described, top };
  }

  private found(unit: Unit, score: number, lang: Lang, alsoIn: SourceRef[]): Found {
    const k = this.knowledge.articles[unit.article]!;
    const source = this.sources[unit.article]!;
    const fact = unit.fact;
    if (fact?.meta) {
      return {
        found: true,
        kind: 'meta',
        quote: null,
        sentenceId: null,
        paragraph: null,
        sentence: null,
        factId: fact.id,
        shortAnswer: metaAnswer(k.article.meta, fact.meta, source),
        translation: null,
        source,
        alsoIn,
        score,
        lang,
      };
    }
    const sentence = unit.sentence!;
    return {
      found: true,
      kind: 'sentence',
      quote: sentence.text,
      sentenceId: sentence.id,
      paragraph: unit.paragraph,
      sentence: unit.sentenceNo,
      factId: fact?.id ?? null,
      shortAnswer: fact?.answer ?? null,
      translation: k.translations?.sentences[sentence.id] ?? null,
      source,
      alsoIn,
      score,
      lang,
    };
  }

  /** Facts that partly matched first, then key facts. */
  private keySuggestions(partial: Fact[]): Suggestion[] {
    const out = new Map<string, Suggestion>();
    for (const f of [...partial, ...this.keyFactList.slice(0, this.maxSuggestions)]) {
      if (out.size >= this.maxSuggestions) break;
      if (!out.has(f.id)) out.set(f.id, suggestionOf(f));
    }
    return [...out.values()];
  }

  /** The first `count` key facts as example questions (/start, /help). */
  examples(count: number): Suggestion[] {
    return this.keyFactList.slice(0, count).map(suggestionOf);
  }

  /** Facts marked key, across articles, in knowledge order: /facts, digests, empty inline queries. */
  keyFacts(): Fact[] {
    return this.keyFactList;
  }

  /** The answer a fact gives (a suggestion button, an inline result), or undefined for an unknown id. */
  answerFact(factId: string, lang: Lang): Found | undefined {
    const u = this.factUnit.get(factId);
    return u === undefined ? undefined : this.found(this.units[u]!, 1, lang, []);
  }

  /**
   * Up to `limit` different answers for a question, best first (inline mode shows several): every
   * unit over the threshold, one per sentence. Refused questions get none.
   */
  search(question: string, limit: number): Found[] {
    const first = this.answer(question);
    if (!first.found) return [];
    const { touched, scores, total } = this.rank(this.analyzer.analyze(fold(question)).slice(0, MAX_TERMS));
    // One result per fact, and a bare sentence only when none of its facts is shown.
    const keys = (unit: Unit): string[] => {
      const sentence = unit.sentence ? `s:${unit.article}:${unit.sentence.id}` : '';
      return unit.fact ? [`f:${unit.article}:${unit.fact.id}`, sentence] : [sentence];
    };
    const seen = new Set<string>();
    const out: Found[] = [];
    const take = (unit: Unit, result: Found) => {
      const [own] = keys(unit);
      if (seen.has(own!)) return;
      for (const k of keys(unit)) if (k) seen.add(k);
      out.push(result);
    };
    const firstUnit = this.units.findIndex(
      (unit) => this.sources[unit.article] === first.source && (first.factId ? unit.fact?.id === first.factId : unit.fact === null && unit.sentence?.id === first.sentenceId),
    );
    if (firstUnit >= 0) take(this.units[firstUnit]!, first);
    const candidates = touched
      .map((u, i) => ({ u, score: scores[i]! }))
      .filter(({ u }) => u !== firstUnit && this.all[u]! >= this.threshold * total && this.evidence[u]! >= this.minEvidence)
      .sort((x, y) => y.score - x.score || (this.isFact[y.u]! - this.isFact[x.u]!));
    for (const { u, score } of candidates) {
      if (out.length >= limit) break;
      const unit = this.units[u]!;
      take(unit, this.found(unit, round(score), first.lang, []));
    }
    return out;
  }

  /** Builds lazily built indexes now (long-running processes: the bot, the bench). */
  warmUp(): this {
    this.analyzer.warmUp();
    this.answer('南莎');
    return this;
  }

  get unitCount(): number {
    return this.units.length;
  }
}

/** A fact as a suggested question: its first phrasing in each language. */
function suggestionOf(f: Fact): Suggestion {
  const q = f.questions;
  return { factId: f.id, question: { 'zh-Hans': q['zh-Hans'][0]!, 'zh-Hant': q['zh-Hant'][0]!, en: q.en[0]! } };
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Whether text contains alt; a number only as a whole number (1 is not in 128). */
function holds(text: string, alt: string): boolean {
  let at = text.indexOf(alt);
  if (at < 0 || !/^\d/.test(alt)) return at >= 0;
  const digit = (c: number) => c >= 48 && c <= 57;
  while (at >= 0) {
    if (!digit(text.charCodeAt(at - 1)) && !digit(text.charCodeAt(at + alt.length))) return true;
    at = text.indexOf(alt, at + 1);
  }
  return false;
}

/** Keeps the k best items of a stream in `list`, best first (k is tiny: a few suggestions). */
function topK(list: { u: number; score: number }[], item: { u: number; score: number }, k: number): void {
  if (k <= 0 || (list.length === k && list[k - 1]!.score >= item.score)) return;
  let i = list.length < k ? list.length : k - 1;
  while (i > 0 && list[i - 1]!.score < item.score) {
    list[i] = list[i - 1]!;
    i--;
  }
  list[i] = item;
}

export function createEngine(knowledge: Knowledge, options?: EngineOptions): Engine {
  return new Engine(knowledge, options);
}

