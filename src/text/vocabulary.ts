/**
 * What the analyzer knows about words, built once per knowledge set: function, question and greeting
 * words, places, synonym groups, the English glossary (hand-written, and CC-CEDICT's per article),
 * the Chinese vocabulary (with the words only some articles know), colloquial words and their
 * Mandarin, and the English words typos are corrected to.
 */
import type { Glossary, Lexicon, Synonyms } from '../knowledge/schema.js';
import { letterCounts, senseKey, stemPhrase } from './english.js';
import { fold, foldMany } from './normalize.js';
import { bitCount, segmentWords } from './segment.js';
import { sounds } from './sounds.js';
import { Trie } from './trie.js';

const HAS_HAN = /\p{Script=Han}/u;
const IS_HAN = /^\p{Script=Han}/u;
/** The longest Chinese word, in characters. */
export const MAX_WORD = 8;

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

export class Vocabulary {
  readonly stop = new Set<string>();
  readonly question = new Set<string>();
  readonly greetings = new Set<string>();
  readonly places = new Set<string>();
  /** Chinese word → its synonym group (Chinese members). */
  readonly zhGroup = new Map<string, string[]>();
  /** English stem (or stemmed phrase) → synonym group (stems). */
  readonly enGroup = new Map<string, string[]>();
  /** Stemmed English phrase → Chinese terms. */
  readonly gloss = new Map<string, string[]>();
  /** For a gloss entry from the articles' dictionaries: the articles it came from (see Term.zhArticles). */
  readonly glossArticles = new Map<string, number[]>();
  /** Chinese vocabulary for maximum matching. */
  readonly vocab = new Set<string>();
  /** Vocabulary words only some articles know (from their own text or dictionary): word → those articles. */
  readonly scopedWords = new Map<string, Int32Array>();
  readonly articleCount: number;
  readonly englishStems: ReadonlySet<string>;
  /** English vocabulary by word length, for typo correction. */
  readonly englishByLength = new Map<number, string[]>();
  /** Letter counts of each vocabulary word, to rule out most of them before computing a distance. */
  readonly letters = new Map<string, Uint8Array>();
  /** Colloquial word → Mandarin (folded), and the longest key's length. */
  readonly dialect = new Map<string, string>();
  readonly dialectMax: number;
  readonly dialectFirst = new Set<string>();
  /** Every Chinese word the knowledge and the lexicon know (vocabulary, function and question words). */
  readonly knownWords = new Trie();
  /** Colloquial words, with their Mandarin form. */
  readonly dialectWords = new Trie<string>();
  /** One-character function and question words, by character code. */
  readonly functionChars = new Set<number>();
  /** English stems that start a phrase of several words the lexicon, synonyms or glossary know. */
  readonly phraseStarts = new Set<string>();
  private byPinyinCache: Map<string, string> | undefined;
  private syllableCache: Set<string> | undefined;
  /** The lexicon's thanks and goodbyes, folded. */
  readonly thanks: string[];
  readonly farewells: string[];

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
    this.thanks = lexicon.thanks.map(folded);
    this.farewells = lexicon.farewells.map(folded);
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
  get byPinyin(): Map<string, string> {
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


  /** The syllables of the vocabulary's pinyin (nan, sha, jing…). */
  get pinyinSyllables(): Set<string> {
    this.syllableCache ??= new Set([...this.byPinyin.keys()].flatMap((k) => k.split(' ')));
    return this.syllableCache;
  }


  knownEnglish(s: string): boolean {
    return this.englishStems.has(s) || this.gloss.has(s) || this.enGroup.has(s);
  }


  expandZh(terms: string[]): string[] {
    const out = new Set<string>();
    for (const t of terms) for (const w of this.zhGroup.get(t) ?? [t]) out.add(w);
    return [...out];
  }

  /** The articles a dictionary-made gloss entry is for (nothing for the hand glossary's). */
  scopeOf(key: string): { zhArticles?: number[] } {
    const articles = this.glossArticles.get(key);
    return articles ? { zhArticles: articles } : {};
  }
}
