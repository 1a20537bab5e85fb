/** Knowledge directory → ready engine and render context: what every door starts with. */
import { CoreConfigSchema, loadConfig, loadDotEnv } from '../config.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../knowledge/load.js';
import { createEngine, type Engine, type EngineOptions } from './engine.js';
import type { RenderContext } from './render.js';

export interface OpenEngine {
  engine: Engine;
  ctx: RenderContext;
}

export function openEngine(dir: string = DEFAULT_KNOWLEDGE_DIR, options?: EngineOptions): OpenEngine {
  const knowledge = loadKnowledge(dir);
  const engine = createEngine(knowledge, options);
  return { engine, ctx: { sources: engine.sources, ...(knowledge.bot ? { topic: knowledge.bot } : {}) } };
}

/**
 * For the command-line doors: configuration from the environment, then the engine. A bad setting or
 * malformed knowledge prints its message and exits 1, without a stack trace.
 */
export function openEngineOrExit(): OpenEngine {
  try {
    loadDotEnv();
    return openEngine(loadConfig(CoreConfigSchema).KNOWLEDGE_DIR);
  } catch (e) {
    if (e instanceof Error && (e.name === 'ConfigError' || e.name === 'KnowledgeError')) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
