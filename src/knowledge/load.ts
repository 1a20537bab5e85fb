/**
 * Reads and validates every knowledge file. Anything malformed stops here with a KnowledgeError
 * that names the file, the entry and the field, so start-up fails loudly instead of answering wrong.
 */
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import {
  ArticleSchema,
  BotSchema,
  type Bot,
  DictionarySchema,
  type Dictionary,
  FactsSchema,
  GlossarySchema,
  LearnedFileSchema,
  LexiconSchema,
  SummarySchema,
  SynonymsSchema,
  TranslationsSchema,
  type Article,
  type Fact,
  type Glossary,
  type LearnedFile,
  type Lexicon,
  type Summary,
  type Synonyms,
  type Translations,
} from './schema.js';

import type { LearnedPhrasing } from '../qa/learned.js';

export class KnowledgeError extends Error {
  override name = 'KnowledgeError';
}

export interface ArticleKnowledge {
  article: Article;
  /** English translations; absent for an article nobody has translated yet. */
  translations: Translations | undefined;
  facts: Fact[];
  /** Two lines about the article in each language, when written. */
  summary: Summary | undefined;
  /** Its CC-CEDICT words (generated cedict.json), when generated: Chinese word → English senses, and English compounds. */
  dictionary: Pick<Dictionary, 'entries' | 'compounds'> | undefined;
  /** What operators taught about it (learned.json, written by `npm run review -- --export`). */
  learned: LearnedPhrasing[];
}

export interface Knowledge {
  articles: ArticleKnowledge[];
  synonyms: Synonyms;
  glossary: Glossary;
  lexicon: Lexicon;
  /** What the collection is about (knowledge/bot.json), when given. */
  bot?: Bot;
  /** Learned declines not tied to an article (knowledge/learned.json). */
  learned: LearnedPhrasing[];
  /** Folders of knowledge/ this user cannot read (their articles are not loaded): the bot warns. */
  unreadable: string[];
  /** Changes whenever any knowledge file changes: shown by /healthz and the bench. */
  version: string;
}

/** `entries[3] (id "x") → answer.en` style location for a zod issue. */
function describePath(data: unknown, issuePath: readonly PropertyKey[]): string {
  if (issuePath.length === 0) return 'the whole file';
  const [first, ...rest] = issuePath;
  let entry = typeof first === 'number' ? `entry ${first}` : `entry "${String(first)}"`;
  if (typeof first === 'number' && Array.isArray(data)) {
    const id = (data[first] as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') entry += ` (id "${id}")`;
  }
  return rest.length ? `${entry}, field "${rest.map(String).join('.')}"` : entry;
}

export function parseFile<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new KnowledgeError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.slice(0, 5).map((i) => `  ${describePath(data, i.path)}: ${i.message}`);
    throw new KnowledgeError(`${file}: invalid\n${lines.join('\n')}`);
  }
  return result.data;
}

function readJson<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KnowledgeError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseFile(file, text, schema);
}

/** Cross-file checks zod cannot see: ids that must exist, translations that must be complete. */
export function checkArticle(dir: string, k: ArticleKnowledge): void {
  const ids = new Set(k.article.paragraphs.flatMap((p) => p.sentences.map((s) => s.id)));
  const factsFile = path.join(dir, 'facts.json');
  const seen = new Set<string>();
  k.facts.forEach((f, i) => {
    if (seen.has(f.id)) throw new KnowledgeError(`${factsFile}: entry ${i} (id "${f.id}"), field "id": duplicate id`);
    seen.add(f.id);
    if (!ids.has(f.sentence)) {
      throw new KnowledgeError(
        `${factsFile}: entry ${i} (id "${f.id}"), field "sentence": no sentence "${f.sentence}" in ${path.join(dir, 'article.json')}`,
      );
    }
  });
  if (k.translations) {
    const tFile = path.join(dir, 'translations.json');
    for (const id of Object.keys(k.translations.sentences)) {
      if (!ids.has(id)) throw new KnowledgeError(`${tFile}: entry "${id}", field "sentences.${id}": no such sentence in article.json`);
    }
    for (const id of ids) {
      if (!(id in k.translations.sentences)) throw new KnowledgeError(`${tFile}: entry "${id}", field "sentences.${id}": missing translation`);
    }
  }
}

export function loadArticle(dir: string): ArticleKnowledge {
  const article = readJson(path.join(dir, 'article.json'), ArticleSchema);
  const tFile = path.join(dir, 'translations.json');
  const fFile = path.join(dir, 'facts.json');
  const sFile = path.join(dir, 'summary.json');
  const dFile = path.join(dir, 'cedict.json');
  const k: ArticleKnowledge = {
    article,
    translations: existsSync(tFile) ? readJson(tFile, TranslationsSchema) : undefined,
    facts: existsSync(fFile) ? readJson(fFile, FactsSchema) : [],
    summary: existsSync(sFile) ? readJson(sFile, SummarySchema) : undefined,
    dictionary: existsSync(dFile) ? readJson(dFile, DictionarySchema) : undefined,
    learned: [],
  };
  const lFile = path.join(dir, 'learned.json');
  if (existsSync(lFile)) k.learned = learnedFrom(readJson(lFile, LearnedFileSchema), article.id);
  checkArticle(dir, k);
  return k;
}

/** A learned.json's entries as the engine applies them (a stale one is reported by the engine, not refused here). */
export function learnedFrom(file: LearnedFile, articleId: string | null): LearnedPhrasing[] {
  return [
    ...(articleId === null ? [] : file.phrasings.map((p) => ({ question: p.question, lang: p.lang, article: articleId, sentence: p.sentence, version: p.version }))),
    ...file.declines.map((d) => ({ question: d.question, lang: d.lang, article: null, sentence: null, version: null })),
  ];
}

function canRead(folder: string): boolean {
  try {
    accessSync(folder, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function versionOf(parts: string[]): string {
  // FNV-1a over every file's text: cheap, stable, and enough to tell two knowledge sets apart.
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      h ^= part.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

/** Loads `dir/*.json` (shared files) and every `dir/<article-id>/` holding an article.json. */
export function loadKnowledge(dir: string): Knowledge {
  if (!existsSync(dir)) throw new KnowledgeError(`${dir}: knowledge directory not found`);
  // A dot-folder is ingest's work in progress (or what an interrupted one left): never an article.
  const folders = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.'));
  const articleDirs = folders
    .filter((d) => existsSync(path.join(dir, d.name, 'article.json')))
    .map((d) => path.join(dir, d.name))
    .sort();
  // A folder this user may not read (another user's, mode 0700) hides its article.json: named, not skipped silently.
  const unreadable = folders.filter((d) => !canRead(path.join(dir, d.name))).map((d) => d.name);
  if (articleDirs.length === 0) throw new KnowledgeError(`${dir}: no article (expected ${dir}/<article-id>/article.json)`);
  const articles = articleDirs.map(loadArticle);
  const articleIds = new Set<string>();
  for (const a of articles) {
    if (articleIds.has(a.article.id)) throw new KnowledgeError(`${dir}: two articles with id "${a.article.id}"`);
    articleIds.add(a.article.id);
  }
  const synonyms = readJson(path.join(dir, 'synonyms.json'), SynonymsSchema);
  const glossary = readJson(path.join(dir, 'glossary.json'), GlossarySchema);
  const lexicon = readJson(path.join(dir, 'lexicon.json'), LexiconSchema);
  const botFile = path.join(dir, 'bot.json');
  const bot = existsSync(botFile) ? readJson(botFile, BotSchema) : undefined;
  const learnedFile = path.join(dir, 'learned.json');
  const learned = existsSync(learnedFile) ? learnedFrom(readJson(learnedFile, LearnedFileSchema), null) : [];
  const version = versionOf([JSON.stringify(articles), JSON.stringify(synonyms), JSON.stringify(glossary), JSON.stringify(lexicon), JSON.stringify(bot ?? null), JSON.stringify(learned)]);
  return { articles, synonyms, glossary, lexicon, ...(bot ? { bot } : {}), learned, unreadable, version };
}

export const DEFAULT_KNOWLEDGE_DIR = fileURLToPath(new URL('../../knowledge', import.meta.url));
