/**
 * `npm run ingest -- path/to/raw.txt [--id ID] [--force] [--title T] [--author A] [--date YYYY-MM-DD]
 *   [--publication P] [--original-title T] [--editors a,b] [--knowledge DIR]`
 * Writes knowledge/<id>/ (all or nothing) and reports what it repaired, dropped and suspects, with a
 * corrections.json entry to complete for each suspect. Any failure: one line, exit 1, nothing written.
 */
import { KnowledgeError, DEFAULT_KNOWLEDGE_DIR } from '../knowledge/load.js';
import { ingest, IngestError } from '../knowledge/ingest.js';
import type { ArticleMeta } from '../knowledge/schema.js';
import { refuseStaleBuild } from './or-exit.js';

refuseStaleBuild();

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const BOOLEAN = new Set(['--force']);
const file = args.find((a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && !BOOLEAN.has(args[i - 1]!)));
if (!file) {
  console.error('usage: npm run ingest -- path/to/raw.txt [--id ID] [--force] [--title T] [--author A] [--date YYYY-MM-DD] [--publication P] [--editors a,b]');
  process.exit(2);
}
const meta: Partial<ArticleMeta> = {};
for (const [key, name] of [['title', 'title'], ['author', 'author'], ['date', 'date'], ['publication', 'publication'], ['originalTitle', 'original-title']] as const) {
  const value = flag(name);
  if (value !== undefined) meta[key] = value;
}
const editors = flag('editors');
if (editors !== undefined) meta.editors = editors.split(/[,，、]/).map((e) => e.trim()).filter(Boolean);

try {
  const id = flag('id');
  const r = await ingest(file, flag('knowledge') ?? DEFAULT_KNOWLEDGE_DIR, { ...(id ? { id } : {}), meta, force: args.includes('--force') });
  const sentences = r.article.paragraphs.reduce((n, p) => n + p.sentences.length, 0);
  console.log(`${r.dir}: ${r.article.meta.publication} · ${r.article.meta.author} · ${r.article.meta.date} · “${r.article.meta.title}”`);
  console.log(`  ${r.article.paragraphs.length} paragraphs, ${sentences} sentences; ${r.report.corrections} corrections applied, ${r.report.pinyinRemoved} pinyin annotations removed`);
  for (const line of r.report.droppedLines) console.log(`  dropped junk line: ${line.slice(0, 70)}${line.length > 70 ? '…' : ''}`);
  for (const f of r.restored) console.log(`  lost character restored: paragraph ${f.paragraph}, “${f.span}” → ${f.char} (CC-CEDICT ${f.word}); kept in corrections.json`);
  for (const s of r.suspects) {
    console.log(`  suspected damage: ${file}, paragraph ${s.paragraph}, offset ${s.offset}: “${s.span}” (${s.reason})`);
    console.log(`    corrections.json: ${JSON.stringify(s.correction)}`);
  }
  if (r.suspects.length) console.log(`  complete those entries ("original": what the article reads there) in ${r.dir}/corrections.json, then run npm run knowledge`);
  console.log(`  ${r.suggestions} fact suggestions in facts.suggested.json; facts.json is yours to fill (see src/knowledge/schema.ts)`);
} catch (e) {
  if (e instanceof IngestError || e instanceof KnowledgeError) console.error(e.message);
  else console.error(`ingest failed, nothing written: ${(e as Error).message}`);
  process.exit(1);
}
