/**
 * `npm run report [-- --since 7d] [--json]`: what people asked over a period (default 30 days), from
 * the question log in DATA_DIR/bot.sqlite (or the PostgreSQL database of DATABASE_URL) (see src/report.ts). `--json` prints one object.
 */
import { existsSync } from 'node:fs';
import { ReportConfigSchema } from '../config.js';
import { openEngine } from '../qa/open-engine.js';
import { buildReport, DAY_MS, parsePeriod, reportText } from '../report.js';
import { openStore, sqliteFile } from '../store/open-store.js';
import { configureOrExit, orExit, orExitAsync } from './or-exit.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--since');
  const period = at >= 0 ? parsePeriod(args[at + 1] ?? '') : 30 * DAY_MS;
  if (period === undefined) {
    console.error('report: --since takes a period such as 7d, 24h or 2w');
    process.exit(2);
  }
  const config = configureOrExit(ReportConfigSchema);
  const file = sqliteFile(config.DATA_DIR);
  if (!config.DATABASE_URL && !existsSync(file)) {
    console.error(`report: no database at ${file}: set DATA_DIR to the bot's data folder (or DATABASE_URL to its PostgreSQL database)`);
    process.exit(1);
  }
  const store = await orExitAsync(() => openStore(config));
  const until = Date.now();
  const rows = await store.questionsSince(until - period);
  const teachings = await store.teachings();
  await store.close();
  const engine = orExit(() => openEngine(config.KNOWLEDGE_DIR)).engine;
  const report = buildReport(rows, until - period, until, engine, teachings);
  console.log(args.includes('--json') ? JSON.stringify(report) : reportText(report));
}

await main();
