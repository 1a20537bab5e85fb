/**
 * The store the settings name: PostgreSQL when DATABASE_URL is set (several replicas share it),
 * otherwise the SQLite file bot.sqlite in DATA_DIR (one process). Throws StoreOpenError, naming the
 * database and the fix, when it cannot be opened and written.
 */
import path from 'node:path';
import type { Logger } from '../log.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface StorageConfig {
  DATA_DIR: string;
  DATABASE_URL?: string | undefined;
}

/** The SQLite file in a data folder. */
export const sqliteFile = (dataDir: string) => path.join(dataDir, 'bot.sqlite');

export async function openStore(config: StorageConfig, log?: Logger): Promise<Store> {
  if (config.DATABASE_URL) return PostgresStore.open(config.DATABASE_URL, log ? { log } : {});
  return new SqliteStore(sqliteFile(config.DATA_DIR));
}
