/**
 * Conversation subjects shared by replicas through the database, so that a follow-up (能办多少项？)
 * reaching another replica than its question is still read with the subject. An answer never waits:
 * what a replica remembers is written in the background (at most every FLUSH_MS, in one statement),
 * and each replica reads what the others remembered every PULL_MS. The database holds a hash of the
 * conversation (chat, or chat and user in a group), never the ids themselves, and the subject (a
 * term of the articles), until it expires; expired rows are deleted every minute.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import type { SharedSubjects } from '../qa/conversation.js';
import { batches } from './batches.js';
import type { SharedSubject, Store } from './store.js';

const FLUSH_MS = 200;
const RETRY_MS = 2_000;
const PULL_MS = 1_000;
const PRUNE_MS = 60_000;
/** Changes are read again this far back, for replicas whose clocks differ a little. */
const OVERLAP_MS = 5_000;
/** Subjects waiting to be written, at most (the oldest go first). */
const MAX_PENDING = 1_000;

export interface SubjectSharing extends SharedSubjects {
  /** Writes what is waiting and stops the background work. */
  stop(): Promise<void>;
}

export function shareSubjects(store: Store, log: Logger, now: () => number = Date.now): SubjectSharing {
  // The database keeps the later of two subjects for one key, so a batch may hold several.
  const pending = batches<SharedSubject>((rows) => store.rememberSubjects(rows, now()), {
    everyMs: FLUSH_MS,
    retryMs: RETRY_MS,
    max: MAX_PENDING,
    failed: (err) => log.debug({ err }, 'conversation subjects not shared yet: tried again shortly'),
  });
  const listeners: ((key: string, subject: string, until: number) => void)[] = [];
  let seen = now();
  const pull = async () => {
    try {
      const rows = await store.subjectsSince(seen - OVERLAP_MS, now());
      for (const r of rows) {
        seen = Math.max(seen, r.at);
        for (const absorb of listeners) absorb(r.key, r.subject, r.until);
      }
    } catch (err) {
      log.debug({ err }, 'conversation subjects of other replicas not read: tried again shortly');
    }
  };
  const prune = () => store.pruneSubjects(now()).catch((err: unknown) => log.debug({ err }, 'expired conversation subjects not deleted yet'));

  const puller = setInterval(() => void pull(), PULL_MS);
  const pruner = setInterval(() => void prune(), PRUNE_MS);
  for (const t of [puller, pruner]) t.unref();

  return {
    key: (conversation) => createHash('sha256').update(conversation).digest('base64url').slice(0, 22),
    remember: (key, subject, until) => pending.add({ key, subject, until }),
    listen: (absorb) => void listeners.push(absorb),
    stop: async () => {
      for (const t of [puller, pruner]) clearInterval(t);
      await pending.stop();
    },
  };
}
