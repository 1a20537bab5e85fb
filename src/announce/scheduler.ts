/**
 * Scheduled posts: each due subscription gets one fact, rotating through all facts before any
 * repeats. A post missed while the bot was down is sent once at restart when it is less than an hour
 * late and skipped otherwise, so a restart never floods a group.
 */
import type { Logger } from '../log.js';
import type { DuePlan, Store, Subscription } from '../store/store.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { nextOccurrence } from './schedule.js';
import { scheduledPost } from '../metrics.js';

export const LATE_LIMIT_MS = 60 * 60 * 1000;

export interface SchedulerOptions {
  store: Store;
  queue: DeliveryQueue;
  log: Logger;
  zone: string;
  /** How many facts the rotation goes through. */
  factCount: () => number;
  /** The announcement for fact number i (0-based, in knowledge order) for a chat. */
  factHtml: (index: number, chatId: number) => string;
  now?: () => number;
}

/**
 * Posts what is due now; resolves to how many posts were queued, or undefined when the storage
 * failed (a lock held elsewhere, a full disk, the database out of reach): call it again soon. It
 * never rejects, and nothing due is lost: it is posted by the first call that can write, if still
 * less than an hour late. Each due subscription is taken by one process only (Store.postDue).
 */
export async function runDue(o: SchedulerOptions): Promise<number | undefined> {
  try {
    return await postDue(o);
  } catch (err) {
    o.log.warn({ err }, 'scheduler: storage unavailable; what is due is posted when it is back');
    o.queue.kick();
    return undefined;
  }
}

async function postDue(o: SchedulerOptions): Promise<number> {
  const now = (o.now ?? Date.now)();
  // The announcement and the subscription's move are one transaction: a crash cannot post twice.
  const queued = await o.store.postDue(now, (s) => plan(o, s, now));
  if (queued) {
    o.queue.kick();
    for (let i = 0; i < queued; i++) scheduledPost();
  }
  return queued;
}

function plan(o: SchedulerOptions, s: Subscription, now: number): DuePlan {
  // The most recent time the schedule should have posted (after a long stop, not the first missed one).
  let latest = s.nextAt;
  for (let t = nextOccurrence(s, latest, o.zone); t <= now; t = nextOccurrence(s, t, o.zone)) latest = t;
  const next = nextOccurrence(s, now, o.zone);
  if (now - latest >= LATE_LIMIT_MS || o.factCount() === 0) {
    o.log.info({ cadence: s.cadence, late_ms: now - latest }, 'scheduled post more than an hour late (or nothing to post): skipped');
    return { skipTo: next };
  }
  return { html: o.factHtml(s.nextFact % o.factCount(), s.chatId), nextAt: next, nextFact: s.nextFact + 1 };
}
