/**
 * The send log behind the limits on replies, shared by processes on one database. A reply to a group
 * is logged at once, in the background: the delivery queue of every process counts it against the
 * group's minute. With replicas (`pull`), each process also logs its private-chat replies (in
 * batches, at most every FLUSH_MS) and reads what the others sent every PULL_MS, feeding it to its
 * OutboundLimits (`foreign`), so that a chat's, a group's and the overall limits hold for all
 * replicas together. A reply never waits for any of it; a batch the database refuses is kept (at
 * most MAX_PENDING) and tried again (batches.ts).
 */
import type { OutboundLimits } from '../limits.js';
import type { Logger } from '../log.js';
import { batches } from './batches.js';
import type { Send, Store } from './store.js';

const FLUSH_MS = 200;
const RETRY_MS = 2_000;
const PULL_MS = 1_000;
const MAX_PENDING = 5_000;

export interface SendLog {
  /** A reply went to this chat. */
  record(chatId: number): void;
  /** Writes what is waiting and stops. */
  stop(): Promise<void>;
}

export interface SendLogOptions {
  /** Replicas: log private chats' replies too, and read what the other processes sent. */
  pull: boolean;
  now?: () => number;
}

export function shareSends(store: Store, limits: OutboundLimits, log: Logger, o: SendLogOptions): SendLog {
  const now = o.now ?? Date.now;
  const pending = batches<Send>((rows) => store.recordSends(rows), {
    everyMs: FLUSH_MS,
    retryMs: RETRY_MS,
    max: MAX_PENDING,
    failed: (err) => log.debug({ err }, 'replies not logged for the shared limits yet: tried again shortly'),
  });
  let cursor = 0;
  const pull = async () => {
    try {
      // Everything another process logged since the last look (at first: the last two minutes).
      for (let more = true; more; ) {
        const page = await store.sendsAfter(cursor);
        more = page.cursor > cursor;
        cursor = page.cursor;
        for (const s of page.sends) limits.foreign(s.chatId, s.at);
      }
    } catch (err) {
      log.debug({ err }, 'the sends of other replicas not read: tried again shortly');
    }
  };
  let puller: NodeJS.Timeout | undefined;
  if (o.pull) {
    void pull();
    puller = setInterval(() => void pull(), PULL_MS);
    puller.unref();
  }
  return {
    record: (chatId) => {
      // A group's reply at once (on SQLite, within this call): the delivery queue of every process
      // counts it before its next claim for the group, which a batch would leave a moment too late.
      if (chatId < 0) return void store.recordSend(chatId, 'answer', now()).catch((err: unknown) => log.debug({ err }, 'group reply not logged for the shared limits'));
      if (!o.pull) return;
      pending.add({ chatId, at: now(), source: 'answer' });
    },
    stop: async () => {
      clearInterval(puller);
      await pending.stop();
    },
  };
}
