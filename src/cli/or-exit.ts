/**
 * The one way a door (npm start, the command-line tools) stops on a mistake a person can fix: a bad
 * setting, malformed knowledge, storage that cannot be written, a file that cannot be ingested. Its
 * message (one line, naming what and how to fix it) is printed without a stack trace and the process
 * exits 1, before anything has started. Anything else is a bug, and is thrown.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** A TypeScript file under `dir` changed after `builtAt` (a file time), if any. */
export function newerSource(dir: string, builtAt: number): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newerSource(file, builtAt);
      if (found) return found;
    } else if (entry.name.endsWith('.ts') && statSync(file).mtimeMs > builtAt) return file;
  }
  return undefined;
}

/**
 * Run from dist/ while src/ holds newer code (edited, or checked out since the last build): exit 1
 * with one line, rather than run stale code. Nothing is checked when running src/ itself (tsx), or
 * where there is no src/ (the Docker image).
 */
export function refuseStaleBuild(): void {
  const built = fileURLToPath(import.meta.url);
  if (!built.includes(`${path.sep}dist${path.sep}`)) return;
  const src = path.join(built.slice(0, built.lastIndexOf(`${path.sep}dist${path.sep}`)), 'src');
  if (!existsSync(src)) return;
  const changed = newerSource(src, statSync(built).mtimeMs);
  if (changed) {
    console.error(`dist/ is older than ${path.relative(path.dirname(src), changed)}: run npm run build (npm ci does it), then try again`);
    process.exit(1);
  }
}

/** The configuration from the environment (and .env), or exit 1 listing every bad variable. */
export function configureOrExit<S extends z.ZodType>(schema: S): z.infer<S> {
  refuseStaleBuild();
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
