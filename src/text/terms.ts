/**
 * Question → terms. A term is one thing the asker said ("天河", "settling", "多久"), with every
 * spelling that counts as a match for it: its synonyms, and for English words the Chinese terms of
 * the glossary. Chinese is cut by the dictionary segmenter (Intl.Segmenter), then pieces are joined
 * or split to match the knowledge's own vocabulary, so question and article cut the same way. What
 * the vocabulary does not know is first checked for pinyin-IME typos (天和 → 天河; English by edit
 * distance) and otherwise kept as an unknown word, which counts against every answer: the article
 * does not talk about it.
 */
import { MAX_QUESTION_CHARS } from './normalize.js';
import { Lru } from '../qa/lru.js';
import { isEnglishWord } from './english.js';
import { EnglishReader } from './english-terms.js';
import { Phrases } from './phrases.js';
import { boundaries, segmentation } from './segment.js';
import { sounds } from './sounds.js';
import type { Term, TermKind, Word } from './term.js';
import { MAX_WORD, Vocabulary, type VocabularyInput } from './vocabulary.js';

export type { Term, TermKind } from './term.js';
export type { VocabularyInput } from './vocabulary.js';
export { englishStems, englishWords, isEnglishWord, senseKey, stem } from './english.js';

const HAN_RUN = /\p{Script=Han}+|[^\s\p{Script=Han}]+/gu;
const IS_HAN = /^\p{Script=Han}/u;
/** Words only some articles know, in one run of Han characters, read apart at most (2^n readings bound). */
const MAX_SCOPED = 16;
/** Pinyin look-ups per question: keeps a long run of unknown characters cheap. */
const MAX_TYPO_LOOKUPS = 150;
/** Longer messages are questions, even when they start with 你好. */
const MAX_GREETING_CHARS = 40;
/** Characters of a text analyze() reads, at most: the engine's cut of a question. */
const MAX_ANALYZED_CHARS = MAX_QUESTION_CHARS;
/** Words ending in these, unknown to the knowledge, name an administrative place (城市, 省, 县). */
const PLACE_SUFFIX = /^\p{Script=Han}{1,4}[市省县]$/u;
/** Words for a district or town: the unknown name before one is a place (武昌|区, 江夏|街道). */
const PLACE_NEXT = new Set(['区', '县', '市', '镇', '街道', '省', '新区']);

/**
 * Question → terms, over a Vocabulary (vocabulary.ts): Chinese runs here (colloquial words in
 * Mandarin, typos, the cut into the knowledge's words, words only some articles know), Latin words
 * through the EnglishReader (english-terms.ts).
 */
export class Analyzer {
  private readonly v: Vocabulary;
  private readonly english: EnglishReader;
  private readonly greetingPhrases: Phrases;
  /** Within greetings: thanks, and goodbyes (what a greeting is answered with, see courtesy()). */
  private readonly thanksPhrases: Phrases;
  private readonly farewellPhrases: Phrases;
  /** Recent analyses and runs (a query reads its clauses more than once). */
  private readonly analyses = new Lru<string, Term[]>(64);
  private readonly runs = new Lru<string, Term[]>(512);

  constructor(input: VocabularyInput) {
    this.v = new Vocabulary(input);
    this.english = new EnglishReader(this.v);
    // After the known words: mandarin() keeps them (唔该晒 is a greeting as typed), in the phrases as in questions.
    this.greetingPhrases = new Phrases(this.v.greetings, (f) => this.mandarin(f));
    this.thanksPhrases = new Phrases(this.v.thanks, (f) => this.mandarin(f));
    this.farewellPhrases = new Phrases(this.v.farewells, (f) => this.mandarin(f));
  }

  /** Builds what is otherwise built on first use, so that no question pays for it. */
  warmUp(): void {
    void this.v.byPinyin;
    isEnglishWord('warm');
  }


  /** True when the message is only greetings or thanks (你好, hello, 谢谢!). */
  isGreeting(folded: string): boolean {
    if (!folded || folded.length > MAX_GREETING_CHARS || !this.greetingPhrases.test(folded)) return false;
    return this.greetingPhrases
      .remove(folded)
      .split(' ')
      .every((w) => w === '' || this.v.stop.has(w));
  }


  /**
   * Which courtesy a greeting (isGreeting) is: thanks (谢谢, 唔该晒, thanks, bye!), a goodbye (再见,
   * bye), or hello. Thanks win: "thanks, bye" is answered "you're welcome".
   */
  courtesy(folded: string): 'thanks' | 'farewell' | 'greeting' {
    if (this.thanksPhrases.test(folded)) return 'thanks';
    return this.farewellPhrases.test(folded) ? 'farewell' : 'greeting';
  }


  /**
   * Colloquial words in Mandarin (唔使 → 不用, 几多 → 多少, 系咪 → 是不是): the longest match at each
   * place, where a word the knowledge knows (关系, not 关 + 系) is kept as it is.
   */
  mandarin(folded: string): string {
    // Most questions hold no colloquial word at all.
    let any = false;
    for (let i = 0; i < folded.length && !any; i++) any = this.v.dialectFirst.has(folded[i]!);
    if (!any) return folded;
    let out = '';
    for (let i = 0; i < folded.length; ) {
      // The longest colloquial word here, and the longest known word: the colloquial one wins a tie.
      const colloquial = this.v.dialectWords.longest(folded, i);
      const known = this.v.knownWords.longest(folded, i).length;
      if (colloquial.length && colloquial.length >= known) {
        out += colloquial.value!;
        i += colloquial.length;
      } else {
        const step = Math.max(known, 1);
        out += folded.slice(i, i + step);
        i += step;
      }
    }
    return out;
  }


  /** Terms of a question (already folded with fold()), in order; stopwords dropped. */
  analyze(whole: string): Term[] {
    // What the engine reads is cut already (MAX_QUESTION_CHARS; only NFKC's rare expansions lengthen
    // it). Any other caller gets the same bound: reading a long Han run costs ~10 µs a character.
    let cut = whole.length > MAX_ANALYZED_CHARS ? MAX_ANALYZED_CHARS : whole.length;
    if (cut < whole.length && (whole.charCodeAt(cut - 1) & 0xfc00) === 0xd800) cut--;
    const folded = cut < whole.length ? whole.slice(0, cut) : whole;
    // The same clause is analyzed several times in one query (is it context? does it ask?): the
    // last few analyses are kept. Callers never change the terms they get.
    const cached = this.analyses.get(folded);
    if (cached) return cached;
    const terms = this.analyzeUncached(folded);
    this.analyses.set(folded, terms);
    return terms;
  }


  private analyzeUncached(folded: string): Term[] {
    const terms: Term[] = [];
    let latin: Word[] = [];
    const flushLatin = () => {
      if (latin.length) terms.push(...this.english.terms(latin));
      latin = [];
    };
    for (const m of folded.matchAll(HAN_RUN)) {
      const run = m[0];
      if (IS_HAN.test(run)) {
        flushLatin();
        terms.push(...this.chineseTerms(run, m.index));
      } else {
        latin.push({ text: run, at: m.index });
      }
    }
    flushLatin();
    return terms;
  }


  private zhTerm(text: string, kind: TermKind, at: number): Term {
    return { text, kind, zh: this.v.zhGroup.get(text) ?? [text], en: [], at, end: at + text.length };
  }


  /**
   * A run of Han characters as terms: cut into the knowledge's own words where it can, otherwise as
   * the dictionary segmenter (Intl.Segmenter) cuts it, so question and knowledge cut the same way.
   * What the vocabulary does not know stays whole as an unknown word.
   */
  private chineseTerms(run: string, offset: number): Term[] {
    let placed = this.runs.get(run);
    if (!placed) {
      placed = this.chineseRun(run);
      this.runs.set(run, placed);
    }
    return offset === 0 ? placed : placed.map((t) => ({ ...t, at: t.at + offset, end: t.end + offset }));
  }


  /**
   * The terms of one run of Han characters, placed from 0. Where the run holds a word only some
   * articles know (上门), each group of articles that know the same of its words reads the run as it
   * would alone, and each term says which articles read it (Term.articles).
   */
  private chineseRun(run: string): Term[] {
    // Typo correction keeps the length (one character for one syllable), so offsets hold.
    const text = this.correctTypos(run);
    const scoped = this.scopedIn(text);
    if (!scoped.length) return this.readRun(text, undefined);
    // Each article's mask: which of the run's scoped words it knows. Articles with the same mask read alike.
    const masks = new Map<number, number>();
    scoped.forEach((w, j) => {
      for (const a of this.v.scopedWords.get(w)!) masks.set(a, (masks.get(a) ?? 0) | (1 << j));
    });
    const groups = new Map<number, number[]>();
    for (let a = 0; a < this.v.articleCount; a++) {
      const mask = masks.get(a) ?? 0;
      const group = groups.get(mask);
      if (group) group.push(a);
      else groups.set(mask, [a]);
    }
    const readings = new Map<string, { term: Term; articles: number[] }>();
    for (const [mask, articles] of groups) {
      const unknown = new Set(scoped.filter((_, j) => !(mask & (1 << j))));
      for (const term of this.readRun(text, unknown)) {
        const key = `${term.at} ${term.end} ${term.kind} ${term.text}`;
        const seen = readings.get(key);
        if (seen) seen.articles.push(...articles);
        else readings.set(key, { term, articles: [...articles] });
      }
    }
    return [...readings.values()]
      .map(({ term, articles }) => (articles.length === this.v.articleCount ? term : { ...term, articles: articles.sort((x, y) => x - y) }))
      .sort((x, y) => x.at - y.at || y.end - x.end);
  }


  /** Scoped words (see scopedWords) in a text, each once: at most MAX_SCOPED, the first found. */
  private scopedIn(text: string): string[] {
    const found: string[] = [];
    if (!this.v.scopedWords.size) return found;
    const add = (w: string) => {
      if (this.v.scopedWords.has(w) && !found.includes(w) && found.length < MAX_SCOPED) found.push(w);
    };
    for (let start = 0; start < text.length; start++) {
      // A one-character word is never cut differently, but is a word (not unknown) only where known.
      add(text[start]!);
      let node = this.v.knownWords.start;
      for (let j = start; j < text.length && j < start + MAX_WORD; j++) {
        const step = this.v.knownWords.next(node, text.charCodeAt(j));
        if (!step) break;
        node = step;
        if (step.end && j > start) add(text.slice(start, j + 1));
      }
    }
    return found;
  }


  /** A run as read by articles that do not know the given words (none: every word is known). */
  private readRun(text: string, unknown: ReadonlySet<string> | undefined): Term[] {
    const out: Term[] = [];
    let at = 0;
    const pieces = this.segment(text, unknown);
    for (const [i, piece] of pieces.entries()) {
      if ((this.v.vocab.has(piece) && !unknown?.has(piece)) || this.v.stop.has(piece) || this.v.question.has(piece)) this.pushWord(piece, at, out);
      else {
        // 武昌|区: a name no article knows, before a word for a district or town, is a place elsewhere.
        const placeNext = PLACE_NEXT.has(pieces[i + 1] ?? '') && /^\p{Script=Han}{2,4}$/u.test(piece);
        const kind: TermKind = this.v.places.has(piece) || PLACE_SUFFIX.test(piece) || placeNext ? 'elsewhere' : 'unknown';
        out.push({ text: piece, kind, zh: [piece], en: [], at, end: at + piece.length });
      }
      at += piece.length;
    }
    return out;
  }


  /**
   * The cut of a run that leaves the fewest characters unexplained, then has the fewest pieces
   * (dynamic programming over the run). A piece is a vocabulary word of two or more characters
   * (接下来|往, not the segmenter's 接下|来往), a function or question word, a one-character word
   * of the knowledge (要|用), or a piece of the segmenter's own cut that nothing explains. A
   * one-character content word explains nothing more than an unknown character, so an unknown word
   * (比特币) is never taken apart into characters the article happens to use.
   */
  private segment(text: string, unknown: ReadonlySet<string> | undefined): string[] {
    // Most runs are all known words: the segmenter is asked only when something is left unexplained.
    const known = this.cut(text, undefined, unknown);
    if (known.unexplained === 0) return known.pieces;
    return this.cut(text, segmentation(text), unknown).pieces;
  }


  /**
   * The dynamic programming of segment(), with the segmenter's pieces when given, and without the
   * vocabulary words in `unknown`.
   */
  private cut(text: string, icu: Map<number, string> | undefined, unknown: ReadonlySet<string> | undefined): { pieces: string[]; unexplained: number } {
    const n = text.length;
    // cost[i], count[i]: unexplained characters and pieces of the best cut of text[i..]; next[i]: its first piece's end.
    const cost = new Int32Array(n + 1);
    const count = new Int32Array(n + 1);
    const next = new Int32Array(n + 1);
    for (let i = n - 1; i >= 0; i--) {
      // One character, then every known word starting here, then the segmenter's piece.
      let bestCost = (this.v.functionChars.has(text.charCodeAt(i)) ? 0 : 1) + cost[i + 1]!;
      let bestCount = 1 + count[i + 1]!;
      next[i] = i + 1;
      let node = this.v.knownWords.start;
      for (let j = i; j < n && j < i + MAX_WORD; j++) {
        const step = this.v.knownWords.next(node, text.charCodeAt(j));
        if (!step) break;
        node = step;
        const end = j + 1;
        if (!step.end || end - i < 2 || unknown?.has(text.slice(i, end))) continue;
        if (cost[end]! < bestCost || (cost[end]! === bestCost && 1 + count[end]! < bestCount)) {
          bestCost = cost[end]!;
          bestCount = 1 + count[end]!;
          next[i] = end;
        }
      }
      const piece = icu?.get(i);
      if (piece && piece.length > 1 && (!this.v.vocab.has(piece) || unknown?.has(piece))) {
        const end = i + piece.length;
        if (piece.length + cost[end]! < bestCost || (piece.length + cost[end]! === bestCost && 1 + count[end]! < bestCount)) {
          bestCost = piece.length + cost[end]!;
          bestCount = 1 + count[end]!;
          next[i] = end;
        }
      }
      cost[i] = bestCost;
      count[i] = bestCount;
    }
    const pieces: string[] = [];
    for (let i = 0; i < n; i = next[i]!) pieces.push(text.slice(i, next[i]!));
    return { pieces, unexplained: cost[0]! };
  }


  private pushWord(w: string, at: number, out: Term[]): void {
    if (this.v.stop.has(w)) return;
    if (this.v.places.has(w)) out.push({ text: w, kind: 'elsewhere', zh: [w], en: [], at, end: at + w.length });
    else out.push(this.zhTerm(w, this.v.question.has(w) ? 'question' : 'content', at));
  }


  /**
   * Replaces spans that are not vocabulary but sound like a vocabulary word (天和 → 天河, 证名 → 证明).
   * Only spans touching an unknown character are tried, so words the knowledge knows stay as typed.
   */
  private correctTypos(run: string): string {
    let text = run;
    let known = this.knownPositions(text);
    if (known.every((k) => k > 0)) return text;
    let spoken = sounds(text);
    // The segmenter's word boundaries, asked for only once a sound-alike word is found.
    let bounds: { has(offset: number): boolean } | undefined;
    let budget = MAX_TYPO_LOOKUPS;
    for (let i = 0; i < text.length && budget > 0; i++) {
      if (known[i]! > 0) continue;
      let replaced = false;
      for (let len = 4; len >= 2 && !replaced; len--) {
        for (let start = Math.max(0, i - len + 1); start <= i && start + len <= text.length && budget > 0; start++) {
          // A one-character function word may be half of a typo (哪写 is 哪些), a word the knowledge knows may not.
          let knownWord = false;
          for (let k = start; k < start + len; k++) if (known[k] === 2) knownWord = true;
          if (knownWord) continue;
          budget--;
          const word = this.v.byPinyin.get(spoken.slice(start, start + len).join(' '));
          if (!word || word === text.slice(start, start + len)) continue;
          // A typo replaces whole words (终要 in 最终|要 is not a misspelt 重要) that no known word
          // explains (守驿 in 无人值守|驿站 is not a misspelt 受益, 区的 in 海珠区|的 is not 取得).
          bounds ??= boundaries(text);
          if (!bounds.has(start) || !bounds.has(start + len)) continue;
          text = text.slice(0, start) + word + text.slice(start + len);
          known = this.knownPositions(text);
          spoken = sounds(text);
          bounds = undefined;
          replaced = true;
          break;
        }
      }
    }
    return text;
  }


  /**
   * For each character: 2 when a vocabulary word of two or more characters covers it, 1 when it is a
   * one-character function or question word (哪, 的), 0 when nothing explains it.
   */
  private knownPositions(text: string): number[] {
    const known: number[] = Array.from({ length: text.length }, (_, i) => (this.v.functionChars.has(text.charCodeAt(i)) ? 1 : 0));
    for (let start = 0; start < text.length; start++) {
      let node = this.v.knownWords.start;
      for (let j = start; j < text.length && j < start + MAX_WORD; j++) {
        const step = this.v.knownWords.next(node, text.charCodeAt(j));
        if (!step) break;
        node = step;
        if (step.end && j > start) known.fill(2, start, j + 1);
      }
    }
    return known;
  }
}
