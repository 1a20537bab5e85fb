/** Knowledge directory → ready engine and render context: what every door starts with. */
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
