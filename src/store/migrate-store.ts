/**
 * Moving a bot's state from its SQLite file to PostgreSQL (`npm run migrate-store`): chat settings,
 * subscriptions (with their rotation), announcements and their deliveries, and the question log with
 * its votes, what operators taught, in one PostgreSQL transaction: all of it or nothing. The send log is not copied (it
 * only covers the last two minutes). Deliveries that were in flight are copied as pending: the bot
 * is stopped while its data moves, so nobody holds their claims.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Logger } from '../log.js';
import { PostgresStore } from './postgres-store.js';
import { StoreOpenError } from './store.js';

/** Copied in this order (deliveries refer to announcements). */
const TABLES = ['chats', 'subscriptions', 'announcements', 'deliveries', 'questions', 'teachings'] as const;

export type Copied = Record<(typeof TABLES)[number], number>;

/** Thrown when the target already has data, or the source cannot be read: nothing was written. */
export class MigrateError extends Error {
  override name = 'MigrateError';
}

/** Rows per INSERT: a few thousand rows of JSON per statement keeps every statement small. */
const BATCH = 2_000;

export async function copySqliteToPostgres(file: string, url: string, log?: Logger): Promise<Copied> {
  let source: Database.Database;
  try {
    source = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new MigrateError(`migrate-store: cannot read ${file} (${(err as Error).message}): set DATA_DIR to the folder of the bot's bot.sqlite`);
  }
  // Opening the target migrates its schema (and names it, without the password, when it fails).
  const target = await PostgresStore.open(url, log ? { log } : {});
  await target.close();
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('BEGIN');
    for (const table of TABLES) {
      const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
      if (rows[0]!.any) throw new MigrateError(`migrate-store: the PostgreSQL database already has ${table}: migrate into an empty database`);
    }
    const copied = {} as Copied;
    for (const table of TABLES) {
      let rows = source.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
      if (table === 'deliveries') rows = rows.map((d) => (d.status === 'sending' ? { ...d, status: 'pending', owner: null, lease_until: null } : d));
      if (table === 'questions') rows = rows.map((q) => ({ ...q, learned: q.learned === null ? null : Boolean(q.learned) }));
      for (let i = 0; i < rows.length; i += BATCH) {
        // json_populate_recordset maps each row's keys to the table's columns by name.
        await client.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1)`, [JSON.stringify(rows.slice(i, i + BATCH))]);
      }
      copied[table] = rows.length;
    }
    for (const serial of ['announcements', 'teachings']) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${serial}', 'id'), COALESCE((SELECT MAX(id) FROM ${serial}), 0) + 1, false)`);
    }
    await client.query('COMMIT');
    return copied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if (err instanceof MigrateError || err instanceof StoreOpenError) throw err;
    throw new MigrateError(`migrate-store: nothing was copied: ${(err as Error).message}`);
  } finally {
    source.close();
    await client.end().catch(() => {});
  }
}
