/**
 * The retrieval units and how a term finds them. Units are the articles' sentences and their facts;
 * a fact unit is its question phrasings and short answer, and it also inherits its sentence's words
 * (see `heirs`). Chinese is indexed by character bigrams (and single characters), English by stems
 * and adjacent stem pairs.
 */
import type { Knowledge } from '../knowledge/load.js';
import type { Fact, Sentence } from '../knowledge/schema.js';
import { finishFold, foldPunctuatedMany } from '../text/normalize.js';
import { englishStems, englishWords, type Term } from '../text/terms.js';
import { PART_END } from './answer-types.js';
import { Lru } from './lru.js';

export interface Unit {
  article: number;
  /** The fact, for a fact unit; null for a sentence unit. */
  fact: Fact | null;
  /** The sentence, or the sentence the fact rests on. */
  sentence: Sentence;
  /** The sentence after a lead (精细,即措施更精细。首先是来自认识的转变!), quoted with it; else null. */
  continued: Sentence | null;
  paragraph: number;
  sentenceNo: number;
  /** Index of the sentence unit: itself, or the one the fact rests on. */
  sentenceUnit: number;
  /** Folded Simplified text without spaces; fact units join their phrasings with '|' so no match spans two. */
  zh: string;
  /**
   * What the unit's answer says, for the answer-type checks: its sentence (and, for a fact, its
   * short answer) in Simplified with punctuation kept (A、B、C).
   */
  said: string;
  /** `said` cut into its parts (at 、 , 。 ;), for the checks that look beside the question's words. */
  saidParts: string[];
  /** English stems. */
  en: Set<string>;
  /** Rhetorical questions in the article rarely answer anything. */
  isQuestion: boolean;
}

/** The units a term matches. */
export interface Matches {
  units: Int32Array;
  /** How many of the units are sentences (the rest are facts). */
  sentences: number;
  /** The same per article (filled in by UnitIndex.perArticle on first use). */
  byArticle?: { sentences: Int32Array; facts: Int32Array };
}

/**
 * A sentence this short that is not the last of its paragraph is a lead (精细,即措施更精细。其次,也得益于
 * 技术的进步。): alone it says too little, so it is quoted, and checked, with the sentence after it.
 */
export const LEAD_CHARS = 13;
const QUESTION_END = /[?？]\s*$/u;

/** Unit ids kept in the match cache, over all entries (4 bytes each). */
const MATCH_CACHE_BUDGET = 4_000_000;

export class UnitIndex {
  readonly units: Unit[] = [];
  /** Fact id → its unit. */
  readonly factUnit = new Map<string, number>();
  readonly sentenceCount: number;
  readonly articleCount: number;
  /** Sentence units of each article. */
  readonly articleSentences: Int32Array;
  /** Flat copies of what the ranking loop reads for every matched unit. */
  readonly isFact: Uint8Array;
  readonly isQuestion: Uint8Array;
  readonly articleOf: Int32Array;
  /** Each unit's sentence unit (itself for a sentence). */
  readonly sentenceUnit: Int32Array;
  /** Units with the same text share an id (copies of an article tie unit for unit). */
  readonly textId: Int32Array;
  /** Each unit's text length (a tie goes to the shorter, tighter match). */
  readonly zhLength: Int32Array;
  /**
   * Units that inherit sentence u's words: heirs[heirStart[u] .. heirStart[u + 1]). They are the facts
   * resting on u and, when u is a question the article asks itself (过去为什么会出现…?), the next
   * sentence of the paragraph, which answers it, with its facts.
   */
  readonly heirStart: Int32Array;
  readonly heirs: Int32Array;
  /** Every English word the units hold (lowercase, unstemmed), for the analyzer's vocabulary. */
  readonly englishWords: string[];
  private readonly zhPostings = new Map<string, number[]>();
  private readonly enPostings = new Map<string, number[]>();
  private readonly cache = new Lru<string, Matches>(MATCH_CACHE_BUDGET, (m) => m.units.length + 1);
  private readonly seen: Int32Array;
  private matchStamp = 0;

  constructor(knowledge: Knowledge) {
    this.articleCount = knowledge.articles.length;
    /** Fact units resting on each sentence unit (build time only: the heirs arrays keep it). */
    const factsOf = new Map<number, number[]>();
    knowledge.articles.forEach((k, a) => {
      const sentenceUnit = new Map<string, number>();
      // One script conversion for every sentence, short answer and phrasing of the article.
      const sentences = k.article.paragraphs.flatMap((p) => p.sentences.map((s) => s.text));
      const zhOf = (f: Fact) => [...f.questions['zh-Hans'], ...f.questions['zh-Hant'], f.answer['zh-Hans'], f.answer['zh-Hant']];
      const phrasings = k.facts.flatMap(zhOf);
      const converted = foldPunctuatedMany([...sentences, ...k.facts.map((f) => f.answer['zh-Hans']), ...phrasings]);
      const said = converted.slice(0, sentences.length + k.facts.length);
      const compact = (t: string) => finishFold(t).replace(/ /g, '');
      const folded = said.slice(0, sentences.length).map(compact);
      const factTexts = converted.slice(sentences.length + k.facts.length).map(compact);
      let next = 0;
      k.article.paragraphs.forEach((p, pi) =>
        p.sentences.forEach((s, si) => {
          sentenceUnit.set(s.id, this.units.length);
          const after = p.sentences[si + 1];
          // A question the article asks itself next (过去为什么会出现…?) starts another thought.
          const continued = [...s.text].length <= LEAD_CHARS && after && !QUESTION_END.test(after.text) ? after : null;
          const quoted = continued ? said[next]! + said[next + 1]! : said[next]!;
          this.add({
            article: a,
            fact: null,
            sentence: s,
            continued,
            paragraph: pi + 1,
            sentenceNo: si + 1,
            sentenceUnit: this.units.length,
            zh: folded[next++]!,
            said: quoted,
            saidParts: quoted.split(PART_END),
            en: englishStems([k.translations ? (k.translations.sentences[s.id] ?? '') : latinOf(s.text)]),
            isQuestion: QUESTION_END.test(s.text),
          });
        }),
      );
      let at = 0;
      for (const [fi, f] of k.facts.entries()) {
        const mine = factTexts.slice(at, (at += zhOf(f).length));
        // load.ts has checked that the sentence exists.
        const su = sentenceUnit.get(f.sentence)!;
        const base = this.units[su]!;
        const index = this.add({
          article: a,
          fact: f,
          sentence: base.sentence,
          continued: base.continued,
          paragraph: base.paragraph,
          sentenceNo: base.sentenceNo,
          sentenceUnit: su,
          zh: mine.filter(Boolean).join('|'),
          said: `${base.said} ${said[sentences.length + fi]!}`,
          saidParts: `${base.said} ${said[sentences.length + fi]!}`.split(PART_END),
          en: englishStems([...f.questions.en, f.answer.en]),
          isQuestion: false,
        });
        push(factsOf, su, index);
        this.factUnit.set(f.id, index);
      }
    });
    this.englishWords = knowledge.articles.flatMap((k) => [
      ...(k.translations ? Object.values(k.translations.sentences) : k.article.paragraphs.flatMap((p) => p.sentences.map((s) => latinOf(s.text)))).flatMap(englishWords),
      ...k.facts.flatMap((f) => [...f.questions.en, f.answer.en].flatMap(englishWords)),
    ]);
    const n = this.units.length;
    this.sentenceCount = this.units.filter((u) => u.fact === null).length;
    this.articleSentences = new Int32Array(this.articleCount);
    for (const u of this.units) if (u.fact === null) this.articleSentences[u.article] = this.articleSentences[u.article]! + 1;
    this.seen = new Int32Array(n);
    this.isFact = Uint8Array.from(this.units, (u) => (u.fact ? 1 : 0));
    this.isQuestion = Uint8Array.from(this.units, (u) => (u.isQuestion ? 1 : 0));
    this.articleOf = Int32Array.from(this.units, (u) => u.article);
    this.sentenceUnit = Int32Array.from(this.units, (u) => u.sentenceUnit);
    const ids = new Map<string, number>();
    this.textId = Int32Array.from(this.units, (u) => {
      let id = ids.get(u.zh);
      if (id === undefined) ids.set(u.zh, (id = ids.size));
      return id;
    });
    this.zhLength = Int32Array.from(this.units, (u) => u.zh.length);
    this.heirStart = new Int32Array(n + 1);
    const list: number[] = [];
    this.units.forEach((unit, u) => {
      this.heirStart[u] = list.length;
      list.push(...(factsOf.get(u) ?? []));
      const next = this.units[u + 1];
      if (unit.isQuestion && next && next.fact === null && next.article === unit.article && next.paragraph === unit.paragraph) {
        list.push(u + 1, ...(factsOf.get(u + 1) ?? []));
      }
    });
    this.heirStart[n] = list.length;
    this.heirs = Int32Array.from(list);
  }

  private add(unit: Unit): number {
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
   * Whether a unit matches a term's units (`matches()`), through its own text or, as the ranker
   * credits it, through a sentence it inherits from (its own sentence, or a question it answers).
   */
  holdsTerm(u: number, m: Matches): boolean {
    const { units } = m;
    for (let j = 0; j < units.length; j++) {
      const v = units[j]!;
      if (v === u) return true;
      if (this.isFact[v]) continue;
      for (let h = this.heirStart[v]!; h < this.heirStart[v + 1]!; h++) if (this.heirs[h] === u) return true;
    }
    return false;
  }

  /** How many sentences and fact units of each article a term matched (kept with the matches). */
  perArticle(m: Matches): { sentences: Int32Array; facts: Int32Array } {
    if (m.byArticle) return m.byArticle;
    const sentences = new Int32Array(this.articleCount);
    const facts = new Int32Array(this.articleCount);
    for (const u of m.units) {
      const counts = this.isFact[u] ? facts : sentences;
      const a = this.articleOf[u]!;
      counts[a] = counts[a]! + 1;
    }
    m.byArticle = { sentences, facts };
    return m.byArticle;
  }

  /** English stems present in the index: the analyzer tells known words from unknown ones with it. */
  englishStems(): Set<string> {
    return new Set(this.enPostings.keys());
  }

  /** The Chinese text of every unit (phrasings split apart) and its article, for the analyzer's vocabulary. */
  chineseTexts(): { text: string; article: number }[] {
    return this.units.map((u) => ({ text: u.zh.replace(/\|/g, ' '), article: u.article }));
  }


  /**
   * Units whose own text holds one of the term's spellings (not counting inherited sentence text),
   * and how many of them are sentences. Cached: the same words come back in question after question,
   * and at a thousand articles a common word's list is long to build.
   */
  matches(term: Term): Matches {
    const key = `${term.zh.join('\u0001')}\u0002${term.en.join('\u0001')}\u0002${term.zhArticles?.join(',') ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const units = Int32Array.from(this.computeMatches(term));
    let sentences = 0;
    for (const u of units) if (!this.isFact[u]) sentences++;
    const entry = { units, sentences };
    this.cache.set(key, entry);
    return entry;
  }

  private computeMatches(term: Term): number[] {
    if (this.matchStamp >= 2_000_000_000) {
      this.matchStamp = 0;
      this.seen.fill(0);
    }
    const out: number[] = [];
    const mark = ++this.matchStamp;
    const add = (u: number) => {
      if (this.seen[u] !== mark) {
        this.seen[u] = mark;
        out.push(u);
      }
    };
    // Chinese spellings a dictionary gave: only in the articles whose dictionary gave them.
    const scope = term.zhArticles && term.zhArticles.length < this.articleCount ? new Set(term.zhArticles) : undefined;
    const addZh = scope ? (u: number) => scope.has(this.articleOf[u]!) && add(u) : add;
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
        for (const u of candidates) addZh(u);
        continue;
      }
      for (const u of candidates) {
        if (holds(this.units[u]!.zh, alt)) addZh(u);
      }
    }
    for (const alt of term.en) {
      // "a b+b c": units holding every part.
      const parts = alt.split('+').map((p) => this.enPostings.get(p) ?? []);
      const [first, ...rest] = parts.sort((x, y) => x.length - y.length);
      const others = rest.map((p) => new Set(p));
      for (const u of first ?? []) if (others.every((o) => o.has(u))) add(u);
    }
    return out;
  }
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

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

/**
 * The Latin words of a Chinese sentence (天府市民云App → App): the only English an article without a
 * translation has, so that "the app" finds it.
 */
function latinOf(text: string): string {
  return (text.match(/[A-Za-z]{2,}/g) ?? []).join(' ');
}
