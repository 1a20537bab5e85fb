/**
 * Every replica applies what operators taught: the store's teachings are read at start, and again
 * whenever their stamp changes (polled every `everyMs`, one small query), so a teaching made through
 * one replica answers on every other within seconds, without a restart. A failed poll keeps what is
 * applied and is tried again at the next tick. Logs counts only, never a question.
 */
import type { Logger } from '../log.js';
import type { Engine } from '../qa/engine.js';
import type { Store } from '../store/store.js';
import { learnedOf } from './review.js';

/** How often the stamp is read. */
export const SYNC_MS = 2_000;

export interface TeachingSync {
  /** Reads and applies the teachings now when they changed. */
  refresh(): Promise<void>;
  stop(): void;
}

export async function syncTeachings(store: Store, engine: Engine, log: Logger, everyMs = SYNC_MS): Promise<TeachingSync> {
  let stamp: string | undefined;
  const refresh = async () => {
    const now = await store.teachingStamp();
    if (now === stamp) return;
    const rows = await store.teachings();
    const { applied, stale } = engine.learn(learnedOf(rows));
    stamp = now;
    log.info({ applied, stale: stale.length }, 'learned phrasings applied');
  };
  await refresh();
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    refresh()
      .catch((err: unknown) => log.warn({ err }, 'learned phrasings not refreshed: tried again shortly'))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
