/**
 * Raw article → knowledge/<id>/, all or nothing: the raw text, a corrections file (kept if the article
 * was ingested before; flags given on the command line become its metadata overrides), the cleaned
 * article, its CC-CEDICT words (cedict.json, for English questions), a facts file (kept, or empty)
 * and suggested facts. Everything is checked and written into a temporary folder beside the others,
 * which is renamed into place at the end: a failure leaves `knowledge/` as it was. Suspected damage
 * is reported with a suggested corrections.json entry, never silently kept or dropped.
 */
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pinyin } from 'pinyin-pro';
import { cleanArticle, findMojibake, suggestFacts, type CleanReport, type Suspect } from './clean.js';
import { buildDictionary, dictionaryJson, rareCharacters, restoreLost } from './dictionary.js';
import { parseFile } from './load.js';
import { ArticleSchema, CorrectionsSchema, type Article, type ArticleMeta, type Corrections } from './schema.js';

export interface IngestResult {
  dir: string;
  article: Article;
  report: CleanReport;
  suspects: Suspect[];
  /** Lost characters put back from CC-CEDICT (written to corrections.json, where they can be changed). */
  restored: { paragraph: string; span: string; char: string; word: string }[];
  suggestions: number;
}

/** Why an ingest cannot go ahead, in one line that says how to fix it. Nothing was written. */
export class IngestError extends Error {
  override name = 'IngestError';
}

/** Files of an earlier ingest of the same article that are somebody's work: kept by a new one. */
const KEPT = ['facts.json', 'translations.json', 'summary.json'];
const ID = /^[a-z0-9][a-z0-9-]{1,63}$/;
/** An article has at least this many sentences (a heading and a line of text are not one). */
const MIN_SENTENCES = 3;

const json = (data: unknown) => `${JSON.stringify(data, null, 2)}\n`;

/**
 * The id an article gets unless one is given: its publication in pinyin and its date
 * (廣州日報, 2019-07-16 → guangzhouribao-2019-07-16).
 */
export function defaultId(meta: Pick<ArticleMeta, 'publication' | 'date'>): string {
  const name = pinyin(meta.publication, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('');
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'article'}-${meta.date}`;
}

/** The raw file's text, or an IngestError saying what is wrong with it. */
function readRaw(file: string): string {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new IngestError(`${file}: not a file; give the path of the article's raw text (a .txt file)`);
    size = stat.size;
  } catch (e) {
    if (e instanceof IngestError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new IngestError(code === 'ENOENT' ? `${file}: no such file; check the path` : `${file}: cannot read it (${code}); check its permissions`);
  }
  if (size === 0) throw new IngestError(`${file}: the file is empty; give the article's raw text`);
  const bytes = readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new IngestError(`${file}: not UTF-8 text (a binary file, or another encoding); save the article as UTF-8 text and try again`);
  }
  // A NUL byte: binary. Other control characters are damage, reported like the rest.
  if (text.includes('\u0000')) throw new IngestError(`${file}: holds NUL bytes, so it is not a text file; give the article's raw text`);
  return text;
}

export interface IngestOptions {
  /** The article's folder name; by default from its publication and date. */
  id?: string;
  /** Metadata the raw text lacks or gets wrong (kept in corrections.json). */
  meta?: Partial<ArticleMeta>;
  /** Replace an article ingested before (its corrections, facts and translations are kept). */
  force?: boolean;
}

export async function ingest(rawFile: string, knowledgeDir: string, options: IngestOptions = {}): Promise<IngestResult> {
  const raw = readRaw(rawFile);
  if (options.id !== undefined && !ID.test(options.id)) throw new IngestError(`--id ${options.id}: use 2–64 lower-case letters, digits and hyphens, such as nanfang-daily-2020-05-20`);
  if (!existsSync(knowledgeDir)) throw new IngestError(`${knowledgeDir}: no knowledge folder there; run from the project root or give --knowledge DIR`);

  // An earlier ingest of the same id keeps its corrections (cleaning depends on them).
  const earlier = (id: string) => path.join(knowledgeDir, id);
  const correctionsOf = (id: string | undefined): Corrections => {
    const file = id ? path.join(earlier(id), 'corrections.json') : undefined;
    const c: Corrections = file && existsSync(file) ? parseFile(file, readFileSync(file, 'utf8'), CorrectionsSchema) : { replacements: [] };
    return options.meta && Object.keys(options.meta).length ? { ...c, meta: { ...c.meta, ...options.meta } } : c;
  };

  let corrections = correctionsOf(options.id);
  let cleaned = clean(rawFile, options.id ?? 'article', raw, corrections);
  const id = options.id ?? defaultId(cleaned.article.meta);
  if (!ID.test(id)) throw new IngestError(`${rawFile}: no usable id from its metadata (${id}); give one with --id`);
  if (options.id === undefined) {
    corrections = correctionsOf(id);
    cleaned = clean(rawFile, id, raw, corrections);
  }
  const dir = earlier(id);
  if (existsSync(path.join(dir, 'article.json')) && !options.force && path.resolve(rawFile) !== path.resolve(dir, 'raw.txt')) {
    throw new IngestError(`${dir}: an article with this id exists; pass --force to replace it (its corrections, facts and translations are kept), or give another --id`);
  }
  // A character a decoder lost (U+FFFD, a "?" inside a word) that CC-CEDICT can tell is put back, as
  // a corrections.json entry the operator sees and may change; what it cannot tell stays a suspect.
  const restored: IngestResult['restored'] = [];
  for (const s of findMojibake(cleaned.article, new Set(), raw)) {
    const text = cleaned.article.paragraphs.find((p) => p.id === s.paragraph)!.sentences.map((x) => x.text).join('');
    const lost = [...s.correction.damaged].filter((c) => c === '\uFFFD' || c === '?');
    // Only a lone lost character: one with pinyin glued to it (?nèi)) is a longer repair.
    const fix = lost.length === 1 && !/[a-z\u00e0-\u024f]/iu.test(s.correction.damaged) ? await restoreLost(text, s.offset) : undefined;
    // An entry must stand exactly once in raw.txt (cleaning refuses any other).
    const once = raw.split(s.correction.damaged).length === 2;
    if (!fix || !once || corrections.replacements.some((r) => r.damaged === s.correction.damaged)) continue;
    const original = s.correction.damaged.replace(lost[0]!, fix.char);
    corrections = { ...corrections, replacements: [...corrections.replacements, { damaged: s.correction.damaged, original, reason: `lost character restored from the CC-CEDICT word ${fix.word}` }] };
    restored.push({ paragraph: s.paragraph, span: s.span, char: fix.char, word: fix.word });
  }
  if (restored.length) cleaned = clean(rawFile, id, raw, corrections);
  const { article, report } = cleaned;
  const dictionary = await buildDictionary(article);
  const suspects = findMojibake(article, await rareCharacters(article), raw);
  const suggestions = suggestFacts(article);

  const work = mkdtempSync(path.join(knowledgeDir, `.ingest-${id}-`));
  try {
    copyFileSync(rawFile, path.join(work, 'raw.txt'));
    writeFileSync(path.join(work, 'corrections.json'), json(corrections));
    writeFileSync(path.join(work, 'article.json'), `${JSON.stringify(article, null, 2)}\n`);
    writeFileSync(path.join(work, 'cedict.json'), dictionaryJson(dictionary));
    for (const f of KEPT) if (existsSync(path.join(dir, f))) copyFileSync(path.join(dir, f), path.join(work, f));
    if (!existsSync(path.join(work, 'facts.json'))) writeFileSync(path.join(work, 'facts.json'), json([]));
    writeFileSync(path.join(work, 'facts.suggested.json'), json(suggestions));
    // mkdtemp made the folder 0700: an article folder gets knowledge/'s own mode, so a bot running
    // as another user (as in the image) reads it as it reads knowledge/.
    chmodSync(work, statSync(knowledgeDir).mode & 0o777);
    swapInto(work, dir);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  return { dir, article, report, suspects, restored, suggestions: suggestions.length };
}

function clean(rawFile: string, id: string, raw: string, corrections: Corrections): { article: Article; report: CleanReport } {
  let cleaned: { article: Article; report: CleanReport };
  try {
    cleaned = cleanArticle(id, raw, corrections);
  } catch (e) {
    throw new IngestError(`${rawFile}: ${(e as Error).message}`);
  }
  const checked = ArticleSchema.safeParse(cleaned.article);
  if (!checked.success) {
    const fields = [...new Set(checked.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new IngestError(
      `${rawFile}: not an article in the expected layout (could not read ${fields}); check the file, or give the missing metadata as flags (--title, --author, --date YYYY-MM-DD, --publication, --editors a,b)`,
    );
  }
  const sentences = cleaned.article.paragraphs.reduce((n, p) => n + p.sentences.length, 0);
  if (sentences < MIN_SENTENCES) throw new IngestError(`${rawFile}: only ${sentences} sentence(s) found, so it is not an article in the expected layout (a header, then paragraphs of text)`);
  return cleaned;
}

/** Puts the finished folder in place of the old one (if any), restoring the old one on failure. */
function swapInto(work: string, dir: string): void {
  if (!existsSync(dir)) {
    renameSync(work, dir);
    return;
  }
  const old = `${work}-old`;
  renameSync(dir, old);
  try {
    renameSync(work, dir);
  } catch (e) {
    renameSync(old, dir);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
