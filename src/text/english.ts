/**
 * English words: Porter stems, dictionary senses as glossary keys, what counts as an English word,
 * and the letter arithmetic of typo correction.
 */
import { readFileSync } from 'node:fs';
import { stemmer } from 'stemmer';
import wordListPath from 'word-list';
import { foldMany } from './normalize.js';

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
export function isOneSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** How many times each of a–z occurs in a word (other characters share one slot). */
export function letterCounts(word: string): Uint8Array {
  const out = new Uint8Array(27);
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97;
    out[c >= 0 && c < 26 ? c : 26]!++;
  }
  return out;
}

/** Sum of the differences of two letter counts: at least the number of letters to add or remove. */
export function letterDifference(a: Uint8Array, b: Uint8Array): number {
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
export function wordPairs(stemmed: string): string[] {
  const words = stemmed.split(' ');
  if (words.length < 2) return words;
  return words.slice(1).map((w, i) => `${words[i]} ${w}`);
}
/** Stems each English word of a phrase: "household registrations" → "household registr". */
export const stemPhrase = (phrase: string): string =>
  phrase
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => stem(w))
    .join(' ');

let wordList: Set<string> | undefined;
/**
 * Whether a word is English (the word-list package: ~275,000 words, MIT). Loaded on the first
 * unknown Latin word (~150 ms); long-running doors load it at start with Analyzer.warmUp().
 */
export function isEnglishWord(word: string): boolean {
  if (!wordList) wordList = new Set(readFileSync(wordListPath, 'utf8').split('\n'));
  return wordList.has(word);
}
