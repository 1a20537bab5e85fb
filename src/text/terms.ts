/**
 * Question → terms. A term is one thing the asker said ("天河", "settling", "多久"), with every
 * spelling that counts as a match for it: its synonyms, and for English words the Chinese terms of
 * the glossary. Chinese is cut by the dictionary segmenter (Intl.Segmenter), then pieces are joined
 * or split to match the knowledge's own vocabulary, so question and article cut the same way. What
 * the vocabulary does not know is first checked for pinyin-IME typos (天和 → 天河; English by edit
 * distance) and otherwise kept as an unknown word, which counts against every answer: the article
 * does not talk about it.
 */
import { distance } from 'fastest-levenshtein';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { stemmer } from 'stemmer';
import wordListPath from 'word-list';
import type { Glossary, Lexicon, Synonyms } from '../knowledge/schema.js';
import { fold, foldMany, MAX_QUESTION_CHARS } from './normalize.js';
import { Lru } from '../qa/lru.js';
import { Phrases } from './phrases.js';
import { Trie } from './trie.js';

export type TermKind =
  /** A word the knowledge uses (or a synonym of one). */
  | 'content'
  /** Shapes the question (多久, how many): weighs little. */
  | 'question'
  /** Not in the knowledge at all. */
  | 'unknown'
  /** A place the knowledge does not cover (北京, Tokyo): weighs a lot. */
  | 'elsewhere';

export interface Term {
  /** The words as the asker wrote them (folded), after typo correction. */
  text: string;
  kind: TermKind;
  /** Simplified Chinese strings (and digits): a unit matches when its Chinese text contains one. */
  zh: string[];
  /** English stems: a unit matches when its English words include one. */
  en: string[];
  /**
   * When the Chinese spellings come from CC-CEDICT (an English word mapped through the articles'
   * dictionaries): the articles whose dictionaries gave them. Only those articles' units match the
   * Chinese: one article's dictionary must not give another article's text new matches.
   */
  zhArticles?: number[];
  /**
   * The articles that read the question with this term, as each would alone: a word only their own
   * vocabulary knows (上门, small business), or the pieces the other articles cut it into (门). Absent:
   * every article reads it. Terms of different readings may overlap.
   */
  articles?: number[];
  /** Where the term stands in the analyzed text: [at, end) in UTF-16 units. */
  at: number;
  end: number;
}

/** A term before it is placed in the text. */
type Unplaced = Omit<Term, 'at' | 'end'>;
/** A Latin word of the question and where it starts. */
interface Word {
  text: string;
  at: number;
}

const HAS_HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+|[^\s\p{Script=Han}]+/gu;
const IS_HAN = /^\p{Script=Han}/u;
const MAX_WORD = 8;
/** Words only some articles know, in one run of Han characters, read apart at most (2^n readings bound). */
const MAX_SCOPED = 16;
const MAX_PHRASE_WORDS = 4;
/** A knowledge word in pinyin: at most this many Latin words, syllables, letters a syllable. */
const MAX_PINYIN_WORDS = 4;
const MAX_PINYIN_SYLLABLES = 4;
const MAX_SYLLABLE = 6;
/** Pinyin look-ups per question: keeps a long run of unknown characters cheap. */
const MAX_TYPO_LOOKUPS = 150;
/** Longer Latin strings are not misspelt words (and fuzzy search on them is slow). */
const MAX_FUZZY_WORD = 20;
/** Longer messages are questions, even when they start with 你好. */
const MAX_GREETING_CHARS = 40;
/** Characters of a text analyze() reads, at most: the engine's cut of a question. */
const MAX_ANALYZED_CHARS = MAX_QUESTION_CHARS;
/** Words ending in these, unknown to the knowledge, name an administrative place (城市, 省, 县). */
const PLACE_SUFFIX = /^\p{Script=Han}{1,4}[市省县]$/u;
/** Words for a district or town: the unknown name before one is a place (武昌|区, 江夏|街道). */
const PLACE_NEXT = new Set(['区', '县', '市', '镇', '街道', '省', '新区']);

const stems = new Map<string, string>();
/** Porter stem, memoised: the knowledge repeats its words many times over. */
export function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stems.size < 100_000) stems.set(word, s);
  }
  return s;
}
/** The English words of a text, folded (lowercase, no punctuation). */
export const englishWords = (text: string): string[] => foldMany([text])[0]!.split(' ').filter((w) => /^[a-z0-9]/.test(w));

/** English stems of texts, and their adjacent stem pairs, so that phrases ("how long") match. */
export function englishStems(texts: string[]): Set<string> {
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

/** Whether b is a with two neighbouring letters swapped. */
function isOneSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** How many times each of a–z occurs in a word (other characters share one slot). */
function letterCounts(word: string): Uint8Array {
  const out = new Uint8Array(27);
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97;
    out[c >= 0 && c < 26 ? c : 26]!++;
  }
  return out;
}

/** Sum of the differences of two letter counts: at least the number of letters to add or remove. */
function letterDifference(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < 27; i++) d += Math.abs(a[i]! - b[i]!);
  return d;
}

/** Senses that say nothing about meaning: classifiers, cross-references, names. */
const NOT_A_MEANING = /^(?:cl:|variant of|old variant|see |abbr|surname|used in|lit\.|fig\.|also written|pr\.|erhua|\(|\[)/;
/** Words of a sense that stand for "somebody", "something". */
const PLACEHOLDERS = /\b(?:sb|sth|sb's|sth's|one's|oneself)\b/g;
/** Senses of more words than this are descriptions, not translations. */
const MAX_SENSE_WORDS = 3;

/**
 * A dictionary sense as a glossary key: "to settle" → "settl", "(raw) material" → "materi",
 * "to run errands" → "run errand"; undefined for senses that are not a short translation.
 */
export function senseKey(sense: string): string | undefined {
  // A proper name leads its description: "Shunde district of Foshan city…" is "shunde".
  const name = /^([A-Z][a-z]+(?: [A-Z][a-z]+)?) (?:district|county|city|prefecture|province|town|township|village|river|mountain|lake|island|port|harbor|bay)\b/.exec(sense.trim());
  if (name) return stemPhrase(name[1]!.toLowerCase());
  const s = sense.toLowerCase().trim();
  if (NOT_A_MEANING.test(s)) return undefined;
  const words = s
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(PLACEHOLDERS, ' ')
    .replace(/^\s*(?:to|a|an|the)\s+/, '')
    .replace(/[^a-z' -]/g, ' ')
    .split(/[\s-]+/)
    .filter(Boolean);
  if (words.length === 0 || words.length > MAX_SENSE_WORDS) return undefined;
  return stemPhrase(words.join(' '));
}

/** Adjacent word pairs of a stemmed phrase: how phrases are indexed and matched ("how long"). */
function wordPairs(stemmed: string): string[] {
  const words = stemmed.split(' ');
  if (words.length < 2) return words;
  return words.slice(1).map((w, i) => `${words[i]} ${w}`);
}
/** Stems each English word of a phrase: "household registrations" → "household registr". */
const stemPhrase = (phrase: string): string =>
  phrase
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => stem(w))
    .join(' ');
// pinyin-pro takes ~100 ms to load: it is loaded on the first question that needs a typo check, so
// a one-shot `ask` that needs none starts faster. Long-running doors call Analyzer.warmUp().
const requireCjs = createRequire(import.meta.url);
let pinyinOf: ((char: string) => string) | undefined;
const charSounds = new Map<string, string>();
/**
 * Toneless pinyin of each character: 天河 → ['tian', 'he']. Character by character (a polyphone gets
 * its first reading) and memoised: the same function keys the vocabulary and the question, so both
 * sides agree, and a question costs a few map look-ups.
 */
function sounds(text: string): string[] {
  if (!pinyinOf) {
    const { pinyin } = requireCjs('pinyin-pro') as typeof import('pinyin-pro');
    pinyinOf = (c) => pinyin(c, { toneType: 'none', v: true });
  }
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    let sound = charSounds.get(c);
    if (sound === undefined) {
      sound = pinyinOf(c);
      if (charSounds.size < 50_000) charSounds.set(c, sound);
    }
    out.push(sound);
  }
  return out;
}

let wordList: Set<string> | undefined;
/**
 * Whether a word is English (the word-list package: ~275,000 words, MIT). Loaded on the first
 * unknown Latin word (~150 ms); long-running doors load it at start with Analyzer.warmUp().
 */
export function isEnglishWord(word: string): boolean {
  if (!wordList) wordList = new Set(readFileSync(wordListPath, 'utf8').split('\n'));
  return wordList.has(word);
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
/** The articles (0 … count-1) not in a sorted list. */
function complement(sorted: readonly number[], count: number): number[] {
  const out: number[] = [];
  let k = 0;
  for (let a = 0; a < count; a++) {
    if (sorted[k] === a) k++;
    else out.push(a);
  }
  return out;
}

/** Set bits in a bit set. */
function bitCount(bits: Uint32Array): number {
  let n = 0;
  for (let v of bits) {
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

function segmentWords(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/**
 * The dictionary segmenter's pieces of a text, by offset. The last text's are kept: a run is read
 * once per group of articles (Analyzer.chineseRun) and its typo check asks for the same cut, and
 * segmenting is the costliest step of reading a long run.
 */
let lastCut: { text: string; pieces: Map<number, string> } | undefined;
function segmentation(text: string): Map<number, string> {
  if (lastCut?.text !== text) {
    const pieces = new Map<number, string>();
    for (const s of segmenter.segment(text)) pieces.set(s.index, s.segment);
    lastCut = { text, pieces };
  }
  return lastCut.pieces;
}

/** Offsets where the dictionary segmenter puts a word boundary (including 0 and the end). */
function boundaries(text: string): { has(offset: number): boolean } {
  const pieces = segmentation(text);
  return { has: (offset) => offset === text.length || pieces.has(offset) };
}

export interface VocabularyInput {
  lexicon: Lexicon;
  synonyms: Synonyms;
  glossary: Glossary;
  /**
   * Each article's CC-CEDICT words (knowledge/<id>/cedict.json): Chinese word → English senses, and
   * two-word English compounds → their Chinese word.
   */
  dictionaries: Iterable<{ entries: Record<string, string[]>; compounds: Record<string, string>; article: number }>;
  /** Every Chinese text the engine indexes (Simplified, folded), with its article. */
  chineseTexts: Iterable<{ text: string; article: number }>;
  /** What the articles' sentences put in quotation marks (“收审分离”), as written, with its article. */
  quotedNames: Iterable<{ text: string; article: number }>;
  /** How many articles there are. */
  articleCount: number;
  /** Every English word the engine indexes (lowercase, unstemmed). */
  englishWords: Iterable<string>;
  /** English stems present in the index: used to tell known words from unknown ones. */
  englishStems: ReadonlySet<string>;
}

/** Everything the analyzer knows about words, built once per knowledge set. */
export class Analyzer {
  private readonly stop = new Set<string>();
  private readonly question = new Set<string>();
  private readonly greetings = new Set<string>();
  private readonly places = new Set<string>();
  /** Chinese word → its synonym group (Chinese members). */
  private readonly zhGroup = new Map<string, string[]>();
  /** English stem (or stemmed phrase) → synonym group (stems). */
  private readonly enGroup = new Map<string, string[]>();
  /** Stemmed English phrase → Chinese terms. */
  private readonly gloss = new Map<string, string[]>();
  /** For a gloss entry from the articles' dictionaries: the articles it came from (see Term.zhArticles). */
  private readonly glossArticles = new Map<string, number[]>();
  /** Chinese vocabulary for maximum matching. */
  private readonly vocab = new Set<string>();
  /** Vocabulary words only some articles know (from their own text or dictionary): word → those articles. */
  private readonly scopedWords = new Map<string, Int32Array>();
  private readonly articleCount: number;
  private byPinyinCache: Map<string, string> | undefined;
  private syllableCache: Set<string> | undefined;
  /** Latin word → the fewest pinyin syllables it cuts into (Infinity: none). */
  private readonly syllableCounts = new Lru<string, number>(4096);
  private readonly englishStems: ReadonlySet<string>;
  /** English vocabulary by word length, for typo correction. */
  private readonly englishByLength = new Map<number, string[]>();
  /** Letter counts of each vocabulary word, to rule out most of them before computing a distance. */
  private readonly letters = new Map<string, Uint8Array>();
  private readonly greetingPhrases: Phrases;
  /** Within greetings: thanks, and goodbyes (what a greeting is answered with, see courtesy()). */
  private readonly thanksPhrases: Phrases;
  private readonly farewellPhrases: Phrases;
  /** Colloquial word → Mandarin (folded), and the longest key's length. */
  private readonly dialect = new Map<string, string>();
  private readonly dialectMax: number;
  private readonly dialectFirst = new Set<string>();
  /** Every Chinese word the knowledge and the lexicon know (vocabulary, function and question words). */
  private readonly knownWords = new Trie();
  /** Colloquial words, with their Mandarin form. */
  private readonly dialectWords = new Trie<string>();
  /** One-character function and question words, by character code. */
  private readonly functionChars = new Set<number>();
  /** English stems that start a phrase of several words the lexicon, synonyms or glossary know. */
  private readonly phraseStarts = new Set<string>();
  /** Recent analyses and runs (a query reads its clauses more than once). */
  private readonly analyses = new Lru<string, Term[]>(64);
  private readonly runs = new Lru<string, Term[]>(512);
  private readonly words = new Lru<string, Unplaced | undefined>(4096);

  constructor(input: VocabularyInput) {
    const { lexicon, synonyms, glossary } = input;
    const dictionaries = [...input.dictionaries];
    // The Chinese of the lexicon, synonyms, glossary and quoted names, folded in one script
    // conversion (one per word would cost tens of milliseconds at start).
    const han = [
      ...lexicon.stopwords,
      ...lexicon.questionWords,
      ...lexicon.greetings,
      ...lexicon.thanks,
      ...lexicon.farewells,
      ...lexicon.places,
      ...synonyms.flat(),
      ...Object.values(glossary).flat(),
      ...Object.entries(lexicon.dialect).flat(),
      ...[...input.quotedNames].map((q) => q.text),
      ...dictionaries.flatMap((d) => Object.keys(d.entries)),
    ].filter((w) => HAS_HAN.test(w));
    const prefolded = new Map<string, string>();
    foldMany(han).forEach((f, i) => prefolded.set(han[i]!, f));
    const folded = (w: string): string => prefolded.get(w) ?? fold(w);
    const addEn = (set: Set<string>, w: string) => set.add(stemPhrase(folded(w)));
    for (const w of lexicon.stopwords) (IS_HAN.test(w) ? this.stop.add(folded(w)) : addEn(this.stop, w));
    for (const w of lexicon.questionWords) (IS_HAN.test(w) ? this.question.add(folded(w)) : addEn(this.question, w));
    for (const w of [...lexicon.greetings, ...lexicon.thanks, ...lexicon.farewells]) this.greetings.add(folded(w));
    for (const w of lexicon.places) (IS_HAN.test(w) ? this.places.add(folded(w)) : addEn(this.places, w));

    for (const group of synonyms) {
      const zh = group.filter((w) => IS_HAN.test(w)).map(folded);
      const en = group.filter((w) => !IS_HAN.test(w)).map((w) => stemPhrase(folded(w)));
      for (const w of zh) this.zhGroup.set(w, [...new Set([...(this.zhGroup.get(w) ?? []), ...zh])]);
      for (const w of en) {
        this.enGroup.set(w, [...new Set([...(this.enGroup.get(w) ?? []), ...en])]);
        // A mixed group ("落户", "settle") also acts as a glossary entry.
        if (zh.length) this.gloss.set(w, [...new Set([...(this.gloss.get(w) ?? []), ...zh])]);
      }
    }
    for (const [english, chinese] of Object.entries(glossary)) {
      const key = stemPhrase(folded(english));
      this.gloss.set(key, [...new Set([...(this.gloss.get(key) ?? []), ...chinese.map(folded)])]);
    }
    // CC-CEDICT senses map English to the knowledge's Chinese words where the hand glossary is silent,
    // each mapping for the articles whose dictionaries hold the word.
    const fromDictionary = new Map<string, Set<string>>();
    const articlesOf = new Map<string, Set<number>>();
    // Articles share most of their words: each word's senses are read once.
    const senses = new Map<string, Set<string>>();
    const wordArticles = new Map<string, Set<number>>();
    const compounds = new Map<string, string>();
    const compoundArticles = new Map<string, Set<number>>();
    for (const dictionary of dictionaries) {
      for (const [english, chinese] of Object.entries(dictionary.compounds)) {
        compounds.set(english, chinese);
        compoundArticles.set(english, (compoundArticles.get(english) ?? new Set<number>()).add(dictionary.article));
      }
      for (const [chinese, list] of Object.entries(dictionary.entries)) {
        const set = senses.get(chinese) ?? new Set<string>();
        for (const sense of list) set.add(sense);
        senses.set(chinese, set);
        wordArticles.set(chinese, (wordArticles.get(chinese) ?? new Set<number>()).add(dictionary.article));
      }
    }
    for (const [chinese, list] of senses) {
      for (const sense of list) {
        const key = senseKey(sense);
        if (!key || this.stop.has(key)) continue;
        fromDictionary.set(key, (fromDictionary.get(key) ?? new Set()).add(folded(chinese)));
        const arts = articlesOf.get(key) ?? new Set<number>();
        for (const a of wordArticles.get(chinese)!) arts.add(a);
        articlesOf.set(key, arts);
      }
    }
    // The words each article's own vocabulary adds (its dictionary's, its text's, its quoted names):
    // one bit per article, so that a word only some articles know is read as those articles would.
    const A = input.articleCount;
    this.articleCount = A;
    const wordBits = A > 1 ? new Map<string, Uint32Array>() : undefined;
    const known = (w: string, article: number) => {
      if (!wordBits) return;
      let bits = wordBits.get(w);
      if (!bits) wordBits.set(w, (bits = new Uint32Array((A + 31) >>> 5)));
      bits[article >>> 5]! |= 1 << (article & 31);
    };
    for (const [key, chinese] of fromDictionary) {
      if (this.gloss.has(key)) continue;
      this.gloss.set(key, [...chinese]);
      this.glossArticles.set(key, [...articlesOf.get(key)!].sort((a, b) => a - b));
    }
    if (wordBits) {
      const given = new Set<string>();
      for (const key of this.glossArticles.keys()) for (const w of this.gloss.get(key)!) given.add(w);
      for (const [chinese, articles] of wordArticles) {
        const w = folded(chinese);
        if (given.has(w)) for (const a of articles) known(w, a);
      }
    }
    // A word in the same synonym group as a question word asks too (在哪里 like 哪里, how long like 多久).
    for (const [w, group] of this.zhGroup) if (group.some((g) => this.question.has(g))) this.question.add(w);
    for (const [w, group] of this.enGroup) if (group.some((g) => this.question.has(g))) this.question.add(w);
    for (const w of [...this.stop, ...this.question, ...this.greetings, ...this.places, ...this.zhGroup.keys()]) {
      if (IS_HAN.test(w)) this.vocab.add(w);
    }
    // The hand glossary's and the synonyms' words are everyone's; a dictionary's, its articles'.
    const common = new Set(this.vocab);
    for (const [key, terms] of this.gloss) {
      for (const w of terms) {
        this.vocab.add(w);
        if (!this.glossArticles.has(key)) common.add(w);
      }
    }
    // A compound (work permit → 工作证) is one term, unless its first word only shapes the sentence
    // (this matter) or something else already names it. Its Chinese word may be one no article uses:
    // then nothing matches it, and the question is about something else. Added after the vocabulary:
    // a compound's word must not change how Chinese text is cut.
    for (const [english, chinese] of compounds) {
      const key = stemPhrase(folded(english));
      const first = key.split(' ')[0]!;
      if (this.gloss.has(key) || this.stop.has(first) || this.question.has(first)) continue;
      this.gloss.set(key, [chinese]);
      this.glossArticles.set(key, [...compoundArticles.get(english)!].sort((a, b) => a - b));
    }
    // Each distinct text once: many units share text (a sentence and its facts, repeated phrasings).
    const cuts = new Map<string, string[]>();
    for (const { text, article } of input.chineseTexts) {
      let cut = cuts.get(text);
      if (!cut) {
        cut = segmentWords(text).filter((w) => IS_HAN.test(w));
        cuts.set(text, cut);
        for (const w of cut) this.vocab.add(w);
      }
      for (const w of cut) known(w, article);
    }
    // What the articles put in quotes is a name (“收审分离”, “放管服”): one word, however the segmenter cuts it.
    for (const { text, article } of input.quotedNames) {
      const name = folded(text);
      if (name.length < 2 || name.length > MAX_WORD || !/^\p{Script=Han}+$/u.test(name)) continue;
      this.vocab.add(name);
      known(name, article);
    }
    // Words every article knows, or everyone's anyway, are read alike by all: only the rest are scoped.
    if (wordBits) {
      for (const [w, bits] of wordBits) {
        if (common.has(w) || bitCount(bits) === A) continue;
        const list: number[] = [];
        for (let a = 0; a < A; a++) if (bits[a >>> 5]! & (1 << (a & 31))) list.push(a);
        this.scopedWords.set(w, Int32Array.from(list));
      }
    }

    for (const [from, to] of Object.entries(lexicon.dialect)) {
      this.dialect.set(folded(from), folded(to));
      this.dialectWords.add(folded(from), folded(to));
    }
    this.dialectMax = Math.max(0, ...[...this.dialect.keys()].map((k) => k.length));
    for (const k of this.dialect.keys()) this.dialectFirst.add(k[0]!);
    for (const w of [...this.vocab, ...this.stop, ...this.question]) {
      if (w.length < 2 || w.length > MAX_WORD || !IS_HAN.test(w)) continue;
      this.knownWords.add(w);
    }
    // After the known words: mandarin() keeps them (唔该晒 is a greeting as typed), in the phrases as in questions.
    this.greetingPhrases = new Phrases(this.greetings, (f) => this.mandarin(f));
    this.thanksPhrases = new Phrases(lexicon.thanks.map(folded), (f) => this.mandarin(f));
    this.farewellPhrases = new Phrases(lexicon.farewells.map(folded), (f) => this.mandarin(f));
    for (const w of [...this.stop, ...this.question]) if (w.length === 1) this.functionChars.add(w.charCodeAt(0));
    for (const key of [...this.stop, ...this.question, ...this.places, ...this.gloss.keys()]) {
      if (!IS_HAN.test(key) && key.includes(' ')) this.phraseStarts.add(key.split(' ')[0]!);
    }
    this.englishStems = input.englishStems;
    const words = new Set<string>();
    for (const w of input.englishWords) if (w.length >= 4) words.add(w);
    for (const k of Object.keys(glossary)) for (const w of folded(k).split(' ')) if (w.length >= 4) words.add(w);
    for (const w of lexicon.places) if (!IS_HAN.test(w) && w.length >= 4) words.add(folded(w));
    for (const w of words) {
      this.englishByLength.set(w.length, [...(this.englishByLength.get(w.length) ?? []), w]);
      this.letters.set(w, letterCounts(w));
    }
  }

  /** Toneless pinyin → vocabulary words (2–4 characters) that sound like it; built on first use. */
  private get byPinyin(): Map<string, string> {
    if (!this.byPinyinCache) {
      const index = new Map<string, string>();
      for (const w of this.vocab) {
        // Question words too: 哪写 is a misspelt 哪些. Function words and places are never a typo's target.
        if (w.length < 2 || w.length > 4 || this.stop.has(w) || this.places.has(w)) continue;
        const key = sounds(w).join(' ');
        if (!index.has(key)) index.set(key, w);
      }
      this.byPinyinCache = index;
    }
    return this.byPinyinCache;
  }

  /** Builds what is otherwise built on first use, so that no question pays for it. */
  warmUp(): void {
    void this.byPinyin;
    isEnglishWord('warm');
  }

  /** True when the message is only greetings or thanks (你好, hello, 谢谢!). */
  isGreeting(folded: string): boolean {
    if (!folded || folded.length > MAX_GREETING_CHARS || !this.greetingPhrases.test(folded)) return false;
    return this.greetingPhrases
      .remove(folded)
      .split(' ')
      .every((w) => w === '' || this.stop.has(w));
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
    for (let i = 0; i < folded.length && !any; i++) any = this.dialectFirst.has(folded[i]!);
    if (!any) return folded;
    let out = '';
    for (let i = 0; i < folded.length; ) {
      // The longest colloquial word here, and the longest known word: the colloquial one wins a tie.
      const colloquial = this.dialectWords.longest(folded, i);
      const known = this.knownWords.longest(folded, i).length;
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
      if (latin.length) terms.push(...this.englishTerms(latin));
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
    return { text, kind, zh: this.zhGroup.get(text) ?? [text], en: [], at, end: at + text.length };
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
      for (const a of this.scopedWords.get(w)!) masks.set(a, (masks.get(a) ?? 0) | (1 << j));
    });
    const groups = new Map<number, number[]>();
    for (let a = 0; a < this.articleCount; a++) {
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
      .map(({ term, articles }) => (articles.length === this.articleCount ? term : { ...term, articles: articles.sort((x, y) => x - y) }))
      .sort((x, y) => x.at - y.at || y.end - x.end);
  }

  /** Scoped words (see scopedWords) in a text, each once: at most MAX_SCOPED, the first found. */
  private scopedIn(text: string): string[] {
    const found: string[] = [];
    if (!this.scopedWords.size) return found;
    const add = (w: string) => {
      if (this.scopedWords.has(w) && !found.includes(w) && found.length < MAX_SCOPED) found.push(w);
    };
    for (let start = 0; start < text.length; start++) {
      // A one-character word is never cut differently, but is a word (not unknown) only where known.
      add(text[start]!);
      let node = this.knownWords.start;
      for (let j = start; j < text.length && j < start + MAX_WORD; j++) {
        const step = this.knownWords.next(node, text.charCodeAt(j));
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
      if ((this.vocab.has(piece) && !unknown?.has(piece)) || this.stop.has(piece) || this.question.has(piece)) this.pushWord(piece, at, out);
      else {
        // 武昌|区: a name no article knows, before a word for a district or town, is a place elsewhere.
        const placeNext = PLACE_NEXT.has(pieces[i + 1] ?? '') && /^\p{Script=Han}{2,4}$/u.test(piece);
        const kind: TermKind = this.places.has(piece) || PLACE_SUFFIX.test(piece) || placeNext ? 'elsewhere' : 'unknown';
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
      let bestCost = (this.functionChars.has(text.charCodeAt(i)) ? 0 : 1) + cost[i + 1]!;
      let bestCount = 1 + count[i + 1]!;
      next[i] = i + 1;
      let node = this.knownWords.start;
      for (let j = i; j < n && j < i + MAX_WORD; j++) {
        const step = this.knownWords.next(node, text.charCodeAt(j));
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
      if (piece && piece.length > 1 && (!this.vocab.has(piece) || unknown?.has(piece))) {
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
    if (this.stop.has(w)) return;
    if (this.places.has(w)) out.push({ text: w, kind: 'elsewhere', zh: [w], en: [], at, end: at + w.length });
    else out.push(this.zhTerm(w, this.question.has(w) ? 'question' : 'content', at));
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
          const word = this.byPinyin.get(spoken.slice(start, start + len).join(' '));
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
    const known: number[] = Array.from({ length: text.length }, (_, i) => (this.functionChars.has(text.charCodeAt(i)) ? 1 : 0));
    for (let start = 0; start < text.length; start++) {
      let node = this.knownWords.start;
      for (let j = start; j < text.length && j < start + MAX_WORD; j++) {
        const step = this.knownWords.next(node, text.charCodeAt(j));
        if (!step) break;
        node = step;
        if (step.end && j > start) known.fill(2, start, j + 1);
      }
    }
    return known;
  }

  /**
   * @param ownOnly without the phrases only some articles' dictionaries make (the reading of the
   *   other articles: see Term.articles)
   */
  private englishTerms(words: Word[], ownOnly = false): Term[] {
    const out: Term[] = [];
    const stems = words.map((w) => (/^\d+$/.test(w.text) ? w.text : stem(w.text)));
    const span = (i: number, n: number) => ({ at: words[i]!.at, end: words[i + n - 1]!.at + words[i + n - 1]!.text.length });
    // Pinyin candidates: words that cut into syllables, and among them words neither English nor known.
    const syllabic = words.map((w) => this.fewestSyllables(w.text) <= MAX_PINYIN_SYLLABLES);
    const foreign = words.map((w, i) => syllabic[i]! && !this.knownEnglish(stems[i]!) && !isEnglishWord(w.text));
    for (let i = 0; i < stems.length; ) {
      let taken = 0;
      // A knowledge word written in pinyin (jingzhun, fang guan fu): one word, or up to four in a row
      // of which one at least is neither English nor known.
      for (let n = Math.min(MAX_PINYIN_WORDS, stems.length - i); n >= 1 && !taken; n--) {
        if (!foreign.slice(i, i + n).includes(true) || syllabic.slice(i, i + n).includes(false)) continue;
        const term = this.pinyinWord(words.slice(i, i + n).map((w) => w.text));
        if (term) {
          out.push({ ...term, ...span(i, n) });
          taken = n;
        }
      }
      if (taken) {
        i += taken;
        continue;
      }
      // Only a word that starts some known phrase is tried as a phrase's start (most are not).
      const longest = this.phraseStarts.has(stems[i]!) ? Math.min(MAX_PHRASE_WORDS, stems.length - i) : 1;
      for (let n = longest; n >= 2 && !taken; n--) {
        const phrase = stems.slice(i, i + n).join(' ');
        if (this.stop.has(phrase)) {
          taken = n;
          break;
        }
        const term = this.englishPhrase(phrase);
        const scope = term?.zhArticles && term.zhArticles.length < this.articleCount ? term.zhArticles : undefined;
        if (!term || (scope && ownOnly)) continue;
        // The asker's words, not their stems: replies may quote them.
        const surface = words.slice(i, i + n).map((w) => w.text).join(' ');
        if (scope) {
          // A phrase only some articles' dictionaries make: the other articles read its words apart.
          out.push({ ...term, text: surface, ...span(i, n), articles: scope });
          const others = complement(scope, this.articleCount);
          for (const t of this.englishTerms(words.slice(i, i + n), true)) out.push({ ...t, articles: others });
        } else out.push({ ...term, text: surface, ...span(i, n) });
        taken = n;
      }
      if (taken) {
        i += taken;
        continue;
      }
      const term = this.englishWord(words[i]!.text, stems[i]!);
      if (term) out.push({ ...term, ...span(i, 1) });
      i++;
    }
    return out;
  }

  /** Latin words that spell a knowledge word in toneless pinyin (jingzhun → 精准, fang guan fu → 放管服). */
  private pinyinWord(latin: string[]): Unplaced | undefined {
    if (latin.length === 1 && latin[0]!.length < 4) return undefined;
    const syllables = this.pinyinSyllables;
    const found: string[] = [];
    // Every way of cutting the words into syllables, until one names a vocabulary word.
    const cut = (word: number, at: number, taken: string[]): boolean => {
      if (word === latin.length) {
        const w = this.byPinyin.get(taken.join(' '));
        if (w) found.push(w);
        return w !== undefined;
      }
      const text = latin[word]!;
      if (at === text.length) return cut(word + 1, 0, taken);
      for (let len = Math.min(MAX_SYLLABLE, text.length - at); len >= 1; len--) {
        const syllable = text.slice(at, at + len);
        if (syllables.has(syllable) && taken.length < MAX_PINYIN_SYLLABLES && cut(word, at + len, [...taken, syllable])) return true;
      }
      return false;
    };
    // Each word must cut into few enough syllables at all (most typos do not): checked first, cheaply.
    let least = 0;
    for (const w of latin) least += this.fewestSyllables(w);
    if (least > MAX_PINYIN_SYLLABLES) return undefined;
    if (!cut(0, 0, [])) return undefined;
    return { text: latin.join(' '), kind: 'content', zh: this.expandZh(found), en: [] };
  }

  /** The fewest syllables a Latin word cuts into (Infinity when it does not), remembered. */
  private fewestSyllables(word: string): number {
    let n = this.syllableCounts.get(word);
    if (n === undefined) {
      n = /^[a-z]+$/.test(word) && word.length <= MAX_PINYIN_SYLLABLES * MAX_SYLLABLE ? this.countSyllables(word) : Infinity;
      this.syllableCounts.set(word, n);
    }
    return n;
  }

  private countSyllables(word: string): number {
    const syllables = this.pinyinSyllables;
    const fewest = new Array<number>(word.length + 1).fill(Infinity);
    fewest[word.length] = 0;
    for (let i = word.length - 1; i >= 0; i--) {
      for (let len = 1; len <= MAX_SYLLABLE && i + len <= word.length; len++) {
        if (syllables.has(word.slice(i, i + len))) fewest[i] = Math.min(fewest[i]!, 1 + fewest[i + len]!);
      }
    }
    return fewest[0]!;
  }

  /** The syllables of the vocabulary's pinyin (nan, sha, jing…). */
  private get pinyinSyllables(): Set<string> {
    this.syllableCache ??= new Set([...this.byPinyin.keys()].flatMap((k) => k.split(' ')));
    return this.syllableCache;
  }

  private englishPhrase(phrase: string): Unplaced | undefined {
    if (this.stop.has(phrase)) return undefined;
    // A unit matches a phrase of three or four words in English only with all its word pairs ('+').
    const en = [wordPairs(phrase).join('+')];
    if (this.question.has(phrase)) return { text: phrase, kind: 'question', zh: this.expandZh(this.gloss.get(phrase) ?? []), en };
    // A place the knowledge does not cover, unless an article names it (the glossary gives its Chinese name).
    if (this.places.has(phrase)) return { text: phrase, kind: 'elsewhere', zh: this.gloss.get(phrase) ?? [], en };
    const zh = this.gloss.get(phrase);
    if (zh) return { text: phrase, kind: 'content', zh: this.expandZh(zh), en, ...this.scopeOf(phrase) };
    return undefined;
  }

  private englishWord(word: string, stemmed: string): Unplaced | undefined {
    // A word always reads the same (its typo search is the costly part): kept for the next question.
    if (this.words.has(word)) return this.words.get(word);
    const term = this.englishWordUncached(word, stemmed);
    this.words.set(word, term);
    return term;
  }

  private englishWordUncached(word: string, stemmed: string): Unplaced | undefined {
    if (/^\d+$/.test(word)) return { text: word, kind: 'content', zh: this.zhGroup.get(word) ?? [word], en: [word] };
    if (this.stop.has(stemmed) || this.stop.has(word)) return undefined;
    if (this.question.has(stemmed)) return { text: word, kind: 'question', zh: [], en: [stemmed] };
    if (this.places.has(stemmed) || this.places.has(word)) return { text: word, kind: 'elsewhere', zh: this.gloss.get(stemmed) ?? this.gloss.get(word) ?? [], en: [stemmed] };
    let s = stemmed;
    // Only a word that is not English is a misspelling: "weather" is not a misspelt "whether".
    if (!this.knownEnglish(s) && word.length >= 4 && word.length <= MAX_FUZZY_WORD && !isEnglishWord(word)) {
      const best = this.nearestEnglish(word);
      if (best) s = stem(best);
      if (best && this.places.has(s)) return { text: best, kind: 'elsewhere', zh: this.gloss.get(s) ?? [], en: [s] };
    }
    if (!this.knownEnglish(s)) return { text: word, kind: 'unknown', zh: [], en: [s] };
    const en = this.enGroup.get(s) ?? [s];
    const zh = this.gloss.get(s) ?? [];
    return { text: word, kind: 'content', zh: this.expandZh(zh), en, ...this.scopeOf(s) };
  }

  /** The articles a dictionary-made gloss entry is for (nothing for the hand glossary's). */
  private scopeOf(key: string): { zhArticles?: number[] } {
    const articles = this.glossArticles.get(key);
    return articles ? { zhArticles: articles } : {};
  }

  /**
   * The vocabulary word closest to a misspelt one (certficates → certificates, tainhe → tianhe): edit distance 1, or 2
   * for words of five letters or more; undefined when nothing is that close.
   */
  private nearestEnglish(word: string): string | undefined {
    const max = word.length >= 5 ? 2 : 1;
    let best: string | undefined;
    let bestDistance = max + 1;
    const counts = letterCounts(word);
    for (let len = word.length - max; len <= word.length + max; len++) {
      for (const w of this.englishByLength.get(len) ?? []) {
        // Each edit changes at most two letter counts: a word whose letters differ more is too far.
        if (letterDifference(counts, this.letters.get(w)!) > 2 * max) continue;
        // Levenshtein (fastest-levenshtein), with a swap of two neighbouring letters counted as one
        // edit: gaungzhou is one swap from guangzhou, two edits from hangzhou.
        const d = isOneSwap(word, w) ? 1 : distance(word, w);
        if (d < bestDistance) {
          best = w;
          bestDistance = d;
        }
      }
    }
    return best;
  }

  private knownEnglish(s: string): boolean {
    return this.englishStems.has(s) || this.gloss.has(s) || this.enGroup.has(s);
  }

  private expandZh(terms: string[]): string[] {
    const out = new Set<string>();
    for (const t of terms) for (const w of this.zhGroup.get(t) ?? [t]) out.add(w);
    return [...out];
  }
}
