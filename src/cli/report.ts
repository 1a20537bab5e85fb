/**
 * `npm run report [-- --since 7d] [--json]`: what people asked over a period (default 30 days), from
 * the question log in DATA_DIR/bot.sqlite (see src/report.ts). `--json` prints one object.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ReportConfigSchema } from '../config.js';
import { openEngine } from '../qa/open-engine.js';
import { buildReport, DAY_MS, parsePeriod, reportText } from '../report.js';
import { Store } from '../store/store.js';
import { configureOrExit, orExit } from './or-exit.js';

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--since');
  const period = at >= 0 ? parsePeriod(args[at + 1] ?? '') : 30 * DAY_MS;
  if (period === undefined) {
    console.error('report: --since takes a period such as 7d, 24h or 2w');
    process.exit(2);
  }
  const { DATA_DIR, KNOWLEDGE_DIR } = configureOrExit(ReportConfigSchema);
  const file = path.join(DATA_DIR, 'bot.sqlite');
  if (!existsSync(file)) {
    console.error(`report: no database at ${file}: set DATA_DIR to the bot's data folder`);
    process.exit(1);
  }
  const store = orExit(() => new Store(file));
  const until = Date.now();
  const rows = store.questionsSince(until - period);
  store.close();
  const engine = orExit(() => openEngine(KNOWLEDGE_DIR)).engine;
  const report = buildReport(rows, until - period, until, engine);
  console.log(args.includes('--json') ? JSON.stringify(report) : reportText(report));
}

main();
