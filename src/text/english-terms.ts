/**
 * English (and pinyin) words of a question → terms: a knowledge word written in pinyin (jingzhun →
 * 精准), phrases the lexicon, synonyms or glossaries know (how long, work permit), words with their
 * synonyms and Chinese spellings, misspelt words corrected to the knowledge's (certficates).
 */
import { distance } from 'fastest-levenshtein';
import { Lru } from '../qa/lru.js';
import { isEnglishWord, isOneSwap, letterCounts, letterDifference, stem, wordPairs } from './english.js';
import { complement } from './segment.js';
import type { Term, Unplaced, Word } from './term.js';
import type { Vocabulary } from './vocabulary.js';

/** A phrase is at most this many words. */
const MAX_PHRASE_WORDS = 4;
/** A knowledge word in pinyin: at most this many Latin words, syllables, letters a syllable. */
const MAX_PINYIN_WORDS = 4;
const MAX_PINYIN_SYLLABLES = 4;
const MAX_SYLLABLE = 6;
/** Longer Latin words are not corrected (nobody misspells a 30-letter word into a knowledge word). */
const MAX_FUZZY_WORD = 20;

export class EnglishReader {
  /** Latin word → the fewest pinyin syllables it cuts into (Infinity: none). */
  private readonly syllableCounts = new Lru<string, number>(4096);
  private readonly words = new Lru<string, Unplaced | undefined>(4096);

  constructor(private readonly v: Vocabulary) {}

  /**
   * @param ownOnly without the phrases only some articles' dictionaries make (the reading of the
   *   other articles: see Term.articles)
   */
  terms(words: Word[], ownOnly = false): Term[] {
    const out: Term[] = [];
    const stems = words.map((w) => (/^\d+$/.test(w.text) ? w.text : stem(w.text)));
    const span = (i: number, n: number) => ({ at: words[i]!.at, end: words[i + n - 1]!.at + words[i + n - 1]!.text.length });
    // Pinyin candidates: words that cut into syllables, and among them words neither English nor known.
    const syllabic = words.map((w) => this.fewestSyllables(w.text) <= MAX_PINYIN_SYLLABLES);
    const foreign = words.map((w, i) => syllabic[i]! && !this.v.knownEnglish(stems[i]!) && !isEnglishWord(w.text));
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
      const longest = this.v.phraseStarts.has(stems[i]!) ? Math.min(MAX_PHRASE_WORDS, stems.length - i) : 1;
      for (let n = longest; n >= 2 && !taken; n--) {
        const phrase = stems.slice(i, i + n).join(' ');
        if (this.v.stop.has(phrase)) {
          taken = n;
          break;
        }
        const term = this.englishPhrase(phrase);
        const scope = term?.zhArticles && term.zhArticles.length < this.v.articleCount ? term.zhArticles : undefined;
        if (!term || (scope && ownOnly)) continue;
        // The asker's words, not their stems: replies may quote them.
        const surface = words.slice(i, i + n).map((w) => w.text).join(' ');
        if (scope) {
          // A phrase only some articles' dictionaries make: the other articles read its words apart.
          out.push({ ...term, text: surface, ...span(i, n), articles: scope });
          const others = complement(scope, this.v.articleCount);
          for (const t of this.terms(words.slice(i, i + n), true)) out.push({ ...t, articles: others });
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
    const syllables = this.v.pinyinSyllables;
    const found: string[] = [];
    // Every way of cutting the words into syllables, until one names a vocabulary word.
    const cut = (word: number, at: number, taken: string[]): boolean => {
      if (word === latin.length) {
        const w = this.v.byPinyin.get(taken.join(' '));
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
    return { text: latin.join(' '), kind: 'content', zh: this.v.expandZh(found), en: [] };
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
    const syllables = this.v.pinyinSyllables;
    const fewest = new Array<number>(word.length + 1).fill(Infinity);
    fewest[word.length] = 0;
    for (let i = word.length - 1; i >= 0; i--) {
      for (let len = 1; len <= MAX_SYLLABLE && i + len <= word.length; len++) {
        if (syllables.has(word.slice(i, i + len))) fewest[i] = Math.min(fewest[i]!, 1 + fewest[i + len]!);
      }
    }
    return fewest[0]!;
  }


  private englishPhrase(phrase: string): Unplaced | undefined {
    if (this.v.stop.has(phrase)) return undefined;
    // A unit matches a phrase of three or four words in English only with all its word pairs ('+').
    const en = [wordPairs(phrase).join('+')];
    if (this.v.question.has(phrase)) return { text: phrase, kind: 'question', zh: this.v.expandZh(this.v.gloss.get(phrase) ?? []), en };
    // A place the knowledge does not cover, unless an article names it (the glossary gives its Chinese name).
    if (this.v.places.has(phrase)) return { text: phrase, kind: 'elsewhere', zh: this.v.gloss.get(phrase) ?? [], en };
    const zh = this.v.gloss.get(phrase);
    if (zh) return { text: phrase, kind: 'content', zh: this.v.expandZh(zh), en, ...this.v.scopeOf(phrase) };
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
    if (/^\d+$/.test(word)) return { text: word, kind: 'content', zh: this.v.zhGroup.get(word) ?? [word], en: [word] };
    if (this.v.stop.has(stemmed) || this.v.stop.has(word)) return undefined;
    if (this.v.question.has(stemmed)) return { text: word, kind: 'question', zh: [], en: [stemmed] };
    if (this.v.places.has(stemmed) || this.v.places.has(word)) return { text: word, kind: 'elsewhere', zh: this.v.gloss.get(stemmed) ?? this.v.gloss.get(word) ?? [], en: [stemmed] };
    let s = stemmed;
    // Only a word that is not English is a misspelling: "weather" is not a misspelt "whether".
    if (!this.v.knownEnglish(s) && word.length >= 4 && word.length <= MAX_FUZZY_WORD && !isEnglishWord(word)) {
      const best = this.nearestEnglish(word);
      if (best) s = stem(best);
      if (best && this.v.places.has(s)) return { text: best, kind: 'elsewhere', zh: this.v.gloss.get(s) ?? [], en: [s] };
    }
    if (!this.v.knownEnglish(s)) return { text: word, kind: 'unknown', zh: [], en: [s] };
    const en = this.v.enGroup.get(s) ?? [s];
    const zh = this.v.gloss.get(s) ?? [];
    return { text: word, kind: 'content', zh: this.v.expandZh(zh), en, ...this.v.scopeOf(s) };
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
      for (const w of this.v.englishByLength.get(len) ?? []) {
        // Each edit changes at most two letter counts: a word whose letters differ more is too far.
        if (letterDifference(counts, this.v.letters.get(w)!) > 2 * max) continue;
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
}
