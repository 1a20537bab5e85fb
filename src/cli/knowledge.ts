/**
 * `npm run knowledge [-- --check]`: regenerates knowledge/<id>/article.json for every article that has a
 * raw.txt and corrections.json, and knowledge/<id>/cedict.json (its dictionary words) for every article.
 * With --check, writes nothing and exits 1 if a committed file is stale. Validates the learned.json
 * files (`npm run review -- --export`) and reports learned phrasings whose sentence is gone or changed.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDictionary, dictionaryJson } from '../knowledge/dictionary.js';
import { generateArticle } from '../knowledge/generate.js';
import { DEFAULT_KNOWLEDGE_DIR, loadArticle, loadKnowledge } from '../knowledge/load.js';
import { createEngine } from '../qa/engine.js';
import { orExit, refuseStaleBuild } from './or-exit.js';

refuseStaleBuild();

const check = process.argv.includes('--check');
/** The knowledge folder: KNOWLEDGE_DIR, as the bot reads it, or the project's knowledge/. */
const KNOWLEDGE = process.env.KNOWLEDGE_DIR || DEFAULT_KNOWLEDGE_DIR;
let stale = 0;
for (const entry of readdirSync(KNOWLEDGE, { withFileTypes: true })) {
  const dir = path.join(KNOWLEDGE, entry.name);
  if (!entry.isDirectory() || entry.name.startsWith('.') || !existsSync(path.join(dir, 'raw.txt')) || !existsSync(path.join(dir, 'corrections.json'))) continue;
  const { json, report } = generateArticle(dir);
  const file = path.join(dir, 'article.json');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const sentences = JSON.parse(json).paragraphs.reduce((n: number, p: { sentences: unknown[] }) => n + p.sentences.length, 0);
  console.log(
    `${entry.name}: ${report.corrections} corrections, ${report.pinyinRemoved} pinyin annotations removed, ` +
      `${report.droppedLines.length} junk line(s) dropped, ${sentences} sentences` +
      (current === json ? ' (unchanged)' : check ? ' (STALE)' : ' (written)'),
  );
  for (const line of report.droppedLines) console.log(`  dropped: ${line.slice(0, 60)}…`);
  if (current !== json) {
    if (check) stale++;
    else writeFileSync(file, json);
  }
}
for (const entry of readdirSync(KNOWLEDGE, { withFileTypes: true })) {
  const dir = path.join(KNOWLEDGE, entry.name);
  if (!entry.isDirectory() || entry.name.startsWith('.') || !existsSync(path.join(dir, 'article.json'))) continue;
  const json = dictionaryJson(await buildDictionary(loadArticle(dir).article));
  const file = path.join(dir, 'cedict.json');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  console.log(`${entry.name}: cedict.json ${current === json ? '(unchanged)' : check ? '(STALE)' : '(written)'}`);
  if (current !== json) {
    if (check) stale++;
    else writeFileSync(file, json);
  }
}
// What operators taught (learned.json, from `npm run review -- --export`): valid, and still about
// sentences that exist as they were taught. A stale one is reported (the bot ignores it), not refused.
const learnedFiles = [path.join(KNOWLEDGE, 'learned.json')].filter(existsSync);
for (const entry of readdirSync(KNOWLEDGE, { withFileTypes: true })) {
  const dir = path.join(KNOWLEDGE, entry.name);
  if (!entry.isDirectory() || entry.name.startsWith('.') || !existsSync(path.join(dir, 'learned.json'))) continue;
  learnedFiles.push(path.join(dir, 'learned.json'));
}
if (learnedFiles.length) {
  // Loading validates every file (a malformed one stops here, named); the engine finds the stale ones.
  const knowledge = orExit(() => loadKnowledge(KNOWLEDGE));
  const learned = knowledge.articles.reduce((n, k) => n + k.learned.length, knowledge.learned.length);
  const { stale: outdated } = createEngine(knowledge).learned;
  console.log(`learned.json: ${learnedFiles.length} file(s), ${learned} learned phrasing(s) and decline(s), ${outdated.length} stale`);
  for (const s of outdated) console.log(`  stale (${s.reason}): ${s.learned.article} ${s.learned.sentence} “${s.learned.question}”`);
}
if (stale) {
  console.error(`${stale} generated file(s) (article.json from raw.txt + corrections.json, cedict.json from article.json) are stale: run npm run knowledge`);
  process.exit(1);
}
