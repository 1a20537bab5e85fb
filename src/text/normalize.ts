/**
 * Folding text so that one question matches however it was typed: width and compatibility forms
 * (NFKC), case, and script (Traditional → Simplified with OpenCC). Also tells which script or
 * language the asker wrote in, so the reply can be written in it.
 */
// The Traditional → Simplified build only: the full one also loads the reverse dictionaries, which
// doubles start-up time, and nothing here converts to Traditional (replies quote the article as is).
import * as OpenCC from 'opencc-js/t2cn';
import type { Lang } from '../knowledge/schema.js';

type Convert = (s: string) => string;
let converter: Convert | undefined;
/**
 * Hong Kong and Taiwan variants both map to standard Traditional: one dictionary group for the two,
 * then Traditional → Simplified. Two passes over the text instead of four (hk→cn, then tw→cn), with
 * the same output. Built on first use.
 */
function toSimplified(text: string): string {
  const convert = (converter ??= OpenCC.ConverterFactory([...OpenCC.Locale.from.hk[0]!, ...OpenCC.Locale.from.tw[0]!], OpenCC.Locale.to.cn[0]!));
  return convert(text);
}
/** Whether a character (by code) stays as it is under conversion (every Simplified one): memoised. */
const stable = new Map<number, boolean>();
/** A code unit of a Han character (CJK unified ideographs and their extension A, compatibility ideographs, surrogates). */
const isHanUnit = (c: number): boolean => (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xd800 && c <= 0xdfff);
/** Traditional (Hong Kong and Taiwan variants alike) → Simplified. */
export function simplify(text: string): string {
  // Most questions are in Simplified already: when no character would change, skip the conversion.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isHanUnit(c)) continue;
    // A character outside the basic plane (a surrogate pair) is not checked: convert.
    if (c >= 0xd800) return toSimplified(text);
    let same = stable.get(c);
    if (same === undefined) {
      const ch = String.fromCharCode(c);
      same = toSimplified(ch) === ch;
      if (stable.size < 20_000) stable.set(c, same);
    }
    if (!same) return toSimplified(text);
  }
  return text;
}

/**
 * Questions longer than this are cut before analysis: nobody asks a 100k-character question, the
 * longest real ones (the eval sets) are under 280, and reading a long run of Han characters costs
 * ~10 µs a character (segmenting, typo checks), so the cut bounds every answer to a few milliseconds.
 */
export const MAX_QUESTION_CHARS = 300;

/**
 * Format characters (\p{Cf}: zero-width space and joiners, direction marks, soft hyphen, BOM) are
 * invisible and may sit inside a word (南\u200b沙): they are removed, not turned into spaces.
 */
const FORMAT = /\p{Cf}/gu;
/** Lone surrogates replaced, format characters removed, NFKC, lowercase: every fold starts here. */
const prepare = (text: string): string => text.toWellFormed().replace(FORMAT, '').normalize('NFKC').toLowerCase();

/**
 * NFKC + lowercase + Simplified, with everything that is not a letter, digit or Han character turned
 * into a space (punctuation, emoji, control characters, lone surrogates); format characters removed.
 */
export function fold(text: string): string {
  const cut = text.length > MAX_QUESTION_CHARS ? text.slice(0, MAX_QUESTION_CHARS) : text;
  return finish(scriptFold(prepare(cut)));
}

/**
 * NFKC + lowercase + Simplified with punctuation kept (full-width marks become ASCII by NFKC: ，→ ,):
 * for checks that read a sentence's shape (A、B、C, “A”“B”).
 */
export function foldPunctuated(text: string): string {
  return scriptFold(prepare(text));
}

/** foldPunctuated() for many texts at once: one script conversion for all of them. */
export function foldPunctuatedMany(texts: string[]): string[] {
  const joined = texts.map((t) => prepare(t).replace(/\n/g, ' ')).join('\n');
  return scriptFold(joined).split('\n');
}

/** fold() for many texts at once (knowledge at start-up): one OpenCC pass instead of one per text. */
export function foldMany(texts: string[]): string[] {
  const joined = texts.map((t) => prepare(t).replace(/\n/g, ' ')).join('\n');
  return scriptFold(joined).split('\n').map(finish);
}

/** OpenCC only where there is Han text to convert: English passes through untouched, and fast. */
const scriptFold = (text: string): string => (HAN_TEST.test(text) ? simplify(text) : text);
const finish = (text: string): string => text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
/** The last step of fold(), for text already converted by foldPunctuated(): punctuation to spaces. */
export const finishFold = finish;
const HAN_TEST = /\p{Script=Han}/u;

const HAN = /\p{Script=Han}/gu;

/**
 * The asker's language: Chinese when any Han character is present (unless it is an English sentence
 * quoting a Chinese term: quotesChinese), Traditional when at least one of them is a
 * Traditional-only character (one that Traditional → Simplified changes; a Simplified question has
 * none, while most Traditional ones have several); English when there are Latin letters.
 */
/**
 * An English sentence that quotes a Chinese name or term (What does 减证便民 mean? How long does
 * 南沙落户 take?): three English words or more, with at least twice as many Latin letters as Han
 * characters. A Chinese question with an English word in it (APP上怎么办, 有没有 app) stays Chinese.
 */
function quotesChinese(text: string, hanCount: number): boolean {
  const words = text.match(/\p{Script=Latin}{2,}/gu);
  if (!words || words.length < 3) return false;
  return words.reduce((n, w) => n + w.length, 0) >= 2 * hanCount;
}

export function detectLang(text: string, folded?: string): Lang | 'other' {
  const head = text.slice(0, MAX_QUESTION_CHARS).toWellFormed().normalize('NFKC');
  const han = head.match(HAN);
  if (han && !quotesChinese(head, han.length)) {
    const chars = han.join('');
    // fold() already converted the text: its Han characters differ from the original's exactly when
    // there was something Traditional to convert, which saves a second OpenCC pass.
    const simplified = folded !== undefined ? (folded.match(HAN) ?? []).join('') : simplify(chars);
    return simplified !== chars ? 'zh-Hant' : 'zh-Hans';
  }
  return /\p{Script=Latin}/u.test(text) ? 'en' : 'other';
}
