/**
 * The one way a door (npm start, the command-line tools) stops on a mistake a person can fix: a bad
 * setting, malformed knowledge, storage that cannot be written, a file that cannot be ingested. Its
 * message (one line, naming what and how to fix it) is printed without a stack trace and the process
 * exits 1, before anything has started. Anything else is a bug, and is thrown.
 */
import type { z } from 'zod';
import { CoreConfigSchema, loadConfig, loadDotEnv } from '../config.js';
import { openEngine, type OpenEngine } from '../qa/open-engine.js';

const FIXABLE = new Set(['ConfigError', 'KnowledgeError', 'StoreOpenError', 'IngestError']);

export function orExit<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    return exitIfFixable(e);
  }
}

/** The same for a step that takes time (opening a database over the network). */
export async function orExitAsync<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    return exitIfFixable(e);
  }
}

function exitIfFixable(e: unknown): never {
  if (e instanceof Error && FIXABLE.has(e.name)) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

/** The configuration from the environment (and .env), or exit 1 listing every bad variable. */
export function configureOrExit<S extends z.ZodType>(schema: S): z.infer<S> {
  return orExit(() => {
    loadDotEnv();
    return loadConfig(schema);
  });
}

/**
 * For the command-line doors: configuration, then the engine, and how long a conversation
 * remembers its subject (FOLLOW_UP_MINUTES); a fixable mistake exits 1.
 */
export function openEngineOrExit(): OpenEngine & { followUpMs: number } {
  const { KNOWLEDGE_DIR, FOLLOW_UP_MINUTES } = configureOrExit(CoreConfigSchema);
  return { ...orExit(() => openEngine(KNOWLEDGE_DIR)), followUpMs: FOLLOW_UP_MINUTES * 60_000 };
}
