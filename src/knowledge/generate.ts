/** Regenerates an article's article.json from its raw.txt and corrections.json. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanArticle, type CleanReport } from './clean.js';
import { parseFile } from './load.js';
import { CorrectionsSchema, type Article } from './schema.js';

export function generateArticle(dir: string): { article: Article; report: CleanReport; json: string } {
  const raw = readFileSync(path.join(dir, 'raw.txt'), 'utf8');
  const cFile = path.join(dir, 'corrections.json');
  const corrections = parseFile(cFile, readFileSync(cFile, 'utf8'), CorrectionsSchema);
  const { article, report } = cleanArticle(path.basename(dir), raw, corrections);
  return { article, report, json: JSON.stringify(article, null, 2) + '\n' };
}
