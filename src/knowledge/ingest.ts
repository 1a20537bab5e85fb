/**
 * Raw article → knowledge/<id>/: the raw text, a corrections file (kept if it exists; flags given on
 * the command line become its metadata overrides), the cleaned article, its CC-CEDICT words
 * (cedict.json, for English questions), an empty facts file and suggested facts. Suspected mojibake is reported, never silently kept or dropped: repair it in
 * corrections.json and ingest again (or `npm run knowledge`).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findMojibake, suggestFacts, type CleanReport, type Suspect } from './clean.js';
import { buildDictionary, dictionaryJson } from './dictionary.js';
import { generateArticle } from './generate.js';
import { KnowledgeError, parseFile } from './load.js';
import { ArticleSchema, CorrectionsSchema, type Article, type ArticleMeta, type Corrections } from './schema.js';

export interface IngestResult {
  dir: string;
  article: Article;
  report: CleanReport;
  suspects: Suspect[];
  suggestions: number;
}

/** An article id from a file name: guangzhou-daily-2019-07-16.raw.txt → guangzhou-daily-2019-07-16. */
export const idFromFile = (file: string): string =>
  path
    .basename(file)
    .replace(/(\.raw)?\.txt$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'article';

const json = (data: unknown) => `${JSON.stringify(data, null, 2)}\n`;

export async function ingest(rawFile: string, knowledgeDir: string, options: { id?: string; meta?: Partial<ArticleMeta> } = {}): Promise<IngestResult> {
  const id = options.id ?? idFromFile(rawFile);
  const dir = path.join(knowledgeDir, id);
  mkdirSync(dir, { recursive: true });
  const raw = path.join(dir, 'raw.txt');
  if (path.resolve(rawFile) !== path.resolve(raw)) copyFileSync(rawFile, raw);

  const cFile = path.join(dir, 'corrections.json');
  const corrections: Corrections = existsSync(cFile) ? parseFile(cFile, readFileSync(cFile, 'utf8'), CorrectionsSchema) : { replacements: [] };
  if (options.meta && Object.keys(options.meta).length) corrections.meta = { ...corrections.meta, ...options.meta };
  writeFileSync(cFile, json(corrections));

  const { article, report, json: articleJson } = generateArticle(dir);
  const checked = ArticleSchema.safeParse(article);
  if (!checked.success) {
    const fields = checked.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new KnowledgeError(
      `${rawFile}: could not read ${fields} from the raw text; give them as flags (--title, --author, --date YYYY-MM-DD, --publication, --editors a,b)`,
    );
  }
  writeFileSync(path.join(dir, 'article.json'), articleJson);
  // Its CC-CEDICT words, so that English questions find it without translations.
  writeFileSync(path.join(dir, 'cedict.json'), dictionaryJson(await buildDictionary(article)));
  const fFile = path.join(dir, 'facts.json');
  if (!existsSync(fFile)) writeFileSync(fFile, json([]));
  const suggestions = suggestFacts(article);
  writeFileSync(path.join(dir, 'facts.suggested.json'), json(suggestions));
  return { dir, article, report, suspects: findMojibake(article), suggestions: suggestions.length };
}
