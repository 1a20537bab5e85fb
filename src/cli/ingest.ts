/**
 * `npm run ingest -- path/to/raw.txt [--id ID] [--title T] [--author A] [--date YYYY-MM-DD]
 *   [--publication P] [--original-title T] [--editors a,b] [--knowledge DIR]`
 * Writes knowledge/<id>/ and reports what it repaired, dropped and suspects.
 */
import { KnowledgeError, DEFAULT_KNOWLEDGE_DIR } from '../knowledge/load.js';
import { ingest } from '../knowledge/ingest.js';
import type { ArticleMeta } from '../knowledge/schema.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!file) {
  console.error('usage: npm run ingest -- path/to/raw.txt [--id ID] [--title T] [--author A] [--date YYYY-MM-DD] [--publication P] [--editors a,b]');
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
  const r = await ingest(file, flag('knowledge') ?? DEFAULT_KNOWLEDGE_DIR, { ...(id ? { id } : {}), meta });
  const sentences = r.article.paragraphs.reduce((n, p) => n + p.sentences.length, 0);
  console.log(`${r.dir}: ${r.article.meta.publication} · ${r.article.meta.author} · ${r.article.meta.date} · “${r.article.meta.title}”`);
  console.log(`  ${r.article.paragraphs.length} paragraphs, ${sentences} sentences; ${r.report.corrections} corrections applied, ${r.report.pinyinRemoved} pinyin annotations removed`);
  for (const line of r.report.droppedLines) console.log(`  dropped junk line: ${line.slice(0, 70)}${line.length > 70 ? '…' : ''}`);
  for (const s of r.suspects) console.log(`  suspected mojibake: ${file}, paragraph ${s.paragraph}, offset ${s.offset}: “${s.span}” (${s.reason}); repair it in corrections.json`);
  console.log(`  ${r.suggestions} fact suggestions in facts.suggested.json; facts.json is yours to fill (see src/knowledge/schema.ts)`);
} catch (e) {
  if (e instanceof KnowledgeError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
    console.error((e as Error).message);
    process.exit(1);
  }
  throw e;
}
