/**
 * `npm run review`: the operator's review in the terminal (for operators without Telegram admin
 * rights), on the bot's database (DATA_DIR/bot.sqlite, or DATABASE_URL): the same questions, the
 * same candidates and the same teachings as /review (src/review/review.ts). A running bot applies
 * them within seconds.
 *
 *   npm run review                          one question at a time: 1–3 teach that sentence, n not in
 *                                           the article, s skip, m more candidates, u undo, q quit
 *   npm run review -- --list --json         what is waiting, with its candidates, as JSON
 *   npm run review -- --export              the teachings into knowledge/<article>/learned.json (and
 *                                           declines into knowledge/learned.json), merged with what is there
 *   npm run review -- --import FILE…        learned.json files into the database
 *   --since 30d                             how far back the question log is read (default 30 days)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ReportConfigSchema } from '../config.js';
import { learnedFrom, loadArticle } from '../knowledge/load.js';
import { LearnedFileSchema, type Lang, type LearnedFile } from '../knowledge/schema.js';
import { questionKey, type LearnedPhrasing } from '../qa/learned.js';
import { openEngine } from '../qa/open-engine.js';
import { DAY_MS, parsePeriod } from '../report.js';
import { learnedOf, PAGE, Review, type Candidate, type ReviewItem } from '../review/review.js';
import { openStore, sqliteFile } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { configureOrExit, orExit, orExitAsync, refuseStaleBuild } from './or-exit.js';

/** Who taught, for teachings made here and imported (the bot's operators are hashed ids). */
const TERMINAL = 'terminal';
const IMPORT = 'import';
const GENERATED = 'Written by `npm run review -- --export` from what operators taught; reviewed in git like corrections.json. `npm run knowledge -- --check` validates it.';

refuseStaleBuild();

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--since');
  const period = at >= 0 ? parsePeriod(args[at + 1] ?? '') : 30 * DAY_MS;
  if (period === undefined) return usage('--since takes a period such as 7d, 24h or 2w');
  const config = configureOrExit(ReportConfigSchema);
  const file = sqliteFile(config.DATA_DIR);
  if (!config.DATABASE_URL && !existsSync(file) && !args.includes('--import')) {
    console.error(`review: no database at ${file}: set DATA_DIR to the bot's data folder (or DATABASE_URL to its PostgreSQL database)`);
    process.exit(1);
  }
  const { engine } = orExit(() => openEngine(config.KNOWLEDGE_DIR));
  const store = await orExitAsync(() => openStore(config));
  try {
    const review = new Review(store, engine, period);
    await review.apply();
    if (args.includes('--export')) return await exportTo(config.KNOWLEDGE_DIR, store, engine);
    if (args.includes('--import')) return await importFrom(args.slice(args.indexOf('--import') + 1).filter((a) => !a.startsWith('--')), store, config.KNOWLEDGE_DIR);
    if (args.includes('--list')) return await list(review, args.includes('--json'));
    await interactive(review);
  } finally {
    await store.close();
  }
}

function usage(why: string): never {
  console.error(`review: ${why}. Usage: npm run review [-- --list --json | --export | --import FILE… ] [--since 30d]`);
  process.exit(2);
}

const langOf = (): Lang => (/^zh/i.test(process.env.LANG ?? '') ? 'zh-Hans' : 'en');

async function list(review: Review, json: boolean): Promise<void> {
  const items = await review.waiting();
  const out = [];
  for (const item of items) {
    const all: Candidate[] = [];
    for (let offset = 0, more = true; more; offset += PAGE) {
      const page = await review.candidates(item, langOf(), offset);
      all.push(...page.list);
      more = page.more;
    }
    out.push({ ...item, candidates: all.map((c) => ({ article: c.article, sentence: c.sentence, label: c.label, text: c.original, ...(c.text !== c.original ? { translation: c.text } : {}) })) });
  }
  if (json) return console.log(JSON.stringify(out));
  if (!out.length) return console.log('Nothing waits for review.');
  for (const [i, item] of out.entries()) console.log(`${String(i + 1).padStart(3)}. ${item.question}  ×${item.count}  (${describe(item)})`);
}

const describe = (item: ReviewItem): string =>
  Object.entries(item.how)
    .filter(([, n]) => n)
    .map(([k, n]) => `${k === 'down' ? '👎' : k} ${n}`)
    .join(', ');

async function interactive(review: Review): Promise<void> {
  // Lines read as they come (piped input included): the end of input quits.
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const question = async (prompt: string): Promise<string> => {
    process.stdout.write(prompt);
    const next = await lines.next();
    return next.done ? 'q' : next.value;
  };
  const lang = langOf();
  try {
    for (;;) {
      const waiting = await review.waiting();
      const item = waiting[0];
      if (!item) return console.log('Nothing waits for review.');
      let offset = 0;
      for (let decided = false; !decided; ) {
        const { list, more } = await review.candidates(item, lang, offset);
        console.log(`\nTo review (${waiting.length} waiting): “${item.question}”  asked ${item.count}× (${describe(item)})`);
        list.forEach((c, i) => console.log(`  ${i + 1}. ${c.text}\n     — ${c.source.publication}, paragraph ${c.paragraph}`));
        if (!list.length) console.log('  (no sentence found)');
        const keys = [list.length ? `1–${list.length} this sentence answers it` : '', 'n not in the article', 's skip', more ? 'm more' : '', 'u undo', 'q quit'].filter(Boolean);
        const answer = (await question(`${keys.join(', ')} > `)).trim().toLowerCase();
        const n = Number(answer);
        if (answer === 'q' || answer === '') return;
        if (answer === 'm' && more) offset += PAGE;
        else if (answer === 'u') {
          const undone = await review.undo(TERMINAL);
          console.log(undone ? `Taken back: what was taught about “${undone.question}”.` : 'Nothing taught here to take back.');
          decided = true;
        } else if (answer === 'n' || answer === 's') {
          await review.teach(item, answer === 'n' ? 'decline' : 'skip', TERMINAL);
          console.log(answer === 'n' ? `✓ Learned: “${item.question}” is not in the articles.` : 'Skipped.');
          decided = true;
        } else if (Number.isInteger(n) && n >= 1 && n <= list.length) {
          const c = list[n - 1]!;
          await review.teach(item, { sentence: { article: c.article, sentence: c.sentence } }, TERMINAL);
          console.log(`✓ Learned: “${item.question}” → ${c.label}`);
          decided = true;
        } else console.log('?');
      }
    }
  } finally {
    rl.close();
  }
}

/** Reads a learned.json, or an empty one when there is none. */
function readLearned(file: string): LearnedFile {
  if (!existsSync(file)) return { phrasings: [], declines: [] };
  const parsed = LearnedFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    console.error(`review: ${file}: ${parsed.error.issues[0]?.message ?? 'not a learned.json'}`);
    process.exit(1);
  }
  return parsed.data;
}

const write = (file: string, data: LearnedFile) => writeFileSync(file, `${JSON.stringify({ generated: GENERATED, phrasings: data.phrasings, declines: data.declines }, null, 2)}\n`);

/** The teachings in effect into the knowledge's learned.json files, merged with what they hold (the store wins for one question). */
async function exportTo(dir: string, store: Store, engine: ReturnType<typeof openEngine>['engine']): Promise<void> {
  const taught = learnedOf(await store.teachings());
  const id = (l: LearnedPhrasing) => `${l.article}:${l.sentence}:${l.question}`;
  const stale = new Set(engine.learned.stale.map((s) => id(s.learned)));
  const folders = new Map(engine.articles().map((a) => [a.source.articleId, path.join(dir, a.source.articleId)]));
  const files = new Map<string, LearnedFile>();
  const fileFor = (f: string) => files.get(f) ?? files.set(f, readLearned(f)).get(f)!;
  let phrasings = 0;
  let declines = 0;
  for (const l of taught) {
    if (stale.has(id(l))) continue;
    const folder = l.article && folders.get(l.article);
    if (l.article && (!folder || !existsSync(path.join(folder, 'article.json')))) continue;
    const f = fileFor(folder ? path.join(folder, 'learned.json') : path.join(dir, 'learned.json'));
    const key = questionKey(l.question);
    f.phrasings = f.phrasings.filter((p) => questionKey(p.question) !== key);
    f.declines = f.declines.filter((d) => questionKey(d.question) !== key);
    if (l.sentence && l.version) {
      f.phrasings.push({ question: l.question, lang: l.lang, sentence: l.sentence, version: l.version });
      phrasings++;
    } else {
      f.declines.push({ question: l.question, lang: l.lang });
      declines++;
    }
  }
  for (const [f, data] of files) write(f, data);
  const staleCount = engine.learned.stale.length;
  console.log(`review: exported ${phrasings} learned phrasing(s) and ${declines} decline(s) into ${files.size} file(s)${staleCount ? `; ${staleCount} stale (their sentence is gone or changed) left out` : ''}`);
  for (const f of files.keys()) console.log(`  ${path.relative(process.cwd(), f)}`);
}

/** learned.json files into the store: a per-article file's phrasings (its folder's article), anyone's declines. */
async function importFrom(files: string[], store: Store, dir: string): Promise<void> {
  if (!files.length) usage('--import takes one or more learned.json files');
  const known = new Set((await store.teachings()).map((t) => t.key));
  let added = 0;
  let skipped = 0;
  for (const file of files) {
    const data = readLearned(path.resolve(file));
    const folder = path.dirname(path.resolve(file));
    const articleId = existsSync(path.join(folder, 'article.json')) ? orExit(() => loadArticle(folder)).article.id : null;
    if (articleId === null && data.phrasings.length) {
      console.error(`review: ${file}: phrasings need the article beside them (knowledge/<article>/learned.json, next to article.json); under ${dir} that is the article's folder`);
      process.exit(1);
    }
    for (const l of learnedFrom(data, articleId)) {
      const key = questionKey(l.question);
      if (known.has(key)) {
        skipped++;
        continue;
      }
      known.add(key);
      await store.teach({ key, question: l.question, lang: l.lang, kind: l.sentence ? 'phrasing' : 'decline', article: l.article, sentence: l.sentence, version: l.version, taughtBy: IMPORT });
      added++;
    }
  }
  console.log(`review: imported ${added} teaching(s)${skipped ? `, ${skipped} already taught` : ''}`);
}

await main();
