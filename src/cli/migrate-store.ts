/**
 * `npm run migrate-store -- --from sqlite --to postgres://…`: copies the bot's state from the SQLite
 * file in DATA_DIR into an empty PostgreSQL database (see store/migrate-store.ts), all or nothing,
 * and prints what it copied as one JSON line. Stop the bot first; start it again with DATABASE_URL.
 */
import { ReportConfigSchema } from '../config.js';
import { copySqliteToPostgres, MigrateError } from '../store/migrate-store.js';
import { sqliteFile } from '../store/open-store.js';
import { redactUrl } from '../store/postgres-store.js';
import { configureOrExit } from './or-exit.js';

const USAGE = 'usage: npm run migrate-store -- --from sqlite --to postgres://user:password@host:5432/db   (DATA_DIR names the SQLite file\'s folder)';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const from = option('--from');
const to = option('--to');
if (from !== 'sqlite' || !to || !/^postgres(ql)?:\/\//.test(to)) {
  console.error(USAGE);
  process.exit(2);
}

const { DATA_DIR } = configureOrExit(ReportConfigSchema);
const file = sqliteFile(DATA_DIR);
try {
  const copied = await copySqliteToPostgres(file, to);
  console.log(JSON.stringify({ from: file, to: redactUrl(to), copied }));
} catch (err) {
  if (!(err instanceof MigrateError) && (err as Error).name !== 'StoreOpenError') throw err;
  console.error((err as Error).message);
  process.exit(1);
}
