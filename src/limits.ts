/**
 * Telegram's limits for every message this process sends, kept in one place: replies (answers,
 * help, command results) and the delivery queue's announcements both go through it.
 *
 * - A private chat: bursts of `privateBurst`, then `privatePerSecond` sustained (a token bucket).
 *   A flood gets one "slow down" note a minute; the rest is dropped. (Incoming floods are shed
 *   before this, by the dispatcher; their note is the same one.)
 * - A group: `groupPerMinute` messages a minute, answers and announcements together (this process's
 *   count here; the queue also counts every process's sends in the database), and one answer per
 *   user every `perUserMs`. What is over is dropped quietly: a group is never told to slow down.
 * - Overall: `overallPerSecond` a second. Answers come first: the queue sends only while
 *   `queueReservePerSecond` of the second's budget is still free, an answer waits only for a full
 *   second.
 *
 * With replicas (PostgreSQL), each also counts what the others sent, read from the shared send log
 * about once a second (`foreign`): the limits hold for all of them together, give or take what was
 * sent in the last second. Nothing here waits for the database.
 */

export interface LimitOptions {
  overallPerSecond: number;
  queueReservePerSecond: number;
  privateBurst: number;
  privatePerSecond: number;
  groupPerMinute: number;
  perUserMs: number;
}

export const DEFAULT_LIMITS: LimitOptions = {
  overallPerSecond: 30,
  queueReservePerSecond: 5,
  privateBurst: 5,
  privatePerSecond: 1,
  groupPerMinute: 20,
  perUserMs: 3_000,
};

/** What may happen to a reply: it goes, the chat gets a "slow down" note instead, or it is dropped. */
export type Verdict = 'send' | 'slowDown' | 'drop';

const MINUTE = 60_000;
const SECOND = 1_000;
/** Chats remembered at most; idle ones are forgotten first. */
const MAX_TRACKED = 10_000;

interface Bucket {
  tokens: number;
  at: number;
  slowedAt: number;
}

export class OutboundLimits {
  private readonly o: LimitOptions;
  private readonly recent: number[] = [];
  private readonly groups = new Map<number, number[]>();
  private readonly lastAnswer = new Map<string, number>();
  private readonly buckets = new Map<number, Bucket>();

  constructor(
    options: Partial<LimitOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.o = { ...DEFAULT_LIMITS, ...options };
  }

  /**
   * Whether a reply of `parts` messages may go to this chat now; counts it if so. `userId` is the
   * asker (groups: one answer per user every few seconds).
   */
  reply(chatId: number, group: boolean, userId: number | undefined, parts = 1): Verdict {
    const t = this.now();
    if (group) {
      const key = `${chatId}:${userId ?? 0}`;
      const last = this.lastAnswer.get(key);
      if (userId !== undefined && last !== undefined && t - last < this.o.perUserMs) return 'drop';
      if (this.groupCount(chatId, t) + parts > this.o.groupPerMinute) return 'drop';
      this.lastAnswer.set(key, t);
      this.countGroup(chatId, t, parts);
      this.forgetIdle(t);
      return 'send';
    }
    const b = this.bucket(chatId, t);
    if (b.tokens >= parts) {
      b.tokens -= parts;
      return 'send';
    }
    if (t - b.slowedAt < MINUTE) return 'drop';
    b.slowedAt = t;
    return 'slowDown';
  }

  /**
   * Counts `parts` more messages to this chat without a verdict: the rest of a long reply that was
   * admitted as one message before it was rendered (it goes whole; the chat's next replies wait).
   */
  charge(chatId: number, group: boolean, parts: number): void {
    const t = this.now();
    if (group) this.countGroup(chatId, t, parts);
    else this.bucket(chatId, t).tokens -= parts;
  }

  /**
   * A private chat whose incoming flood is being shed (see bot/middlewares/dispatch.ts): whether to
   * tell it to slow down now. One note a minute, shared with the replies' own "slow down".
   */
  slowDown(chatId: number): boolean {
    const t = this.now();
    const b = this.bucket(chatId, t);
    if (t - b.slowedAt < MINUTE) return false;
    b.slowedAt = t;
    return true;
  }

  /** How long an answer must wait for the overall budget (0: it may go now); counts it when 0. */
  answerWaitMs(): number {
    const t = this.now();
    this.trim(t);
    if (this.recent.length < this.o.overallPerSecond) {
      this.recent.push(t);
      return 0;
    }
    return this.recent[0]! + SECOND - t;
  }

  /** How long the queue must wait before its next message (0: it may send now). */
  queueWaitMs(): number {
    const t = this.now();
    this.trim(t);
    const room = this.o.overallPerSecond - this.o.queueReservePerSecond;
    return this.recent.length < room ? 0 : this.recent[this.recent.length - room]! + SECOND - t;
  }

  /**
   * Another process (a replica) sent a message to this chat at `at`: it counts against the same
   * limits, as far as they still reach back to `at` (see store/shared-sends.ts).
   */
  foreign(chatId: number, at: number): void {
    const t = this.now();
    if (t - at < SECOND) {
      this.recent.push(at);
      this.recent.sort((a, b) => a - b);
    }
    if (chatId < 0) {
      if (t - at < MINUTE) this.countGroup(chatId, at, 1);
    } else if (t - at < SECOND * Math.max(1, this.o.privateBurst / this.o.privatePerSecond)) {
      // Within the time the bucket takes to fill again: a token that is not back yet.
      this.bucket(chatId, t).tokens -= 1;
    }
  }

  /** The queue sent a message to this chat. */
  queueSent(chatId: number): void {
    const t = this.now();
    this.recent.push(t);
    if (chatId < 0) this.countGroup(chatId, t, 1);
    else this.bucket(chatId, t).tokens -= 1;
  }

  private trim(t: number): void {
    while (this.recent.length && t - this.recent[0]! >= SECOND) this.recent.shift();
  }

  private groupCount(chatId: number, t: number): number {
    const times = (this.groups.get(chatId) ?? []).filter((at) => t - at < MINUTE);
    this.groups.set(chatId, times);
    return times.length;
  }

  private countGroup(chatId: number, t: number, n: number): void {
    const times = this.groups.get(chatId) ?? [];
    for (let i = 0; i < n; i++) times.push(t);
    this.groups.set(chatId, times);
  }

  private bucket(chatId: number, t: number): Bucket {
    let b = this.buckets.get(chatId);
    if (!b) {
      b = { tokens: this.o.privateBurst, at: t, slowedAt: -Infinity };
      this.buckets.set(chatId, b);
      this.forgetIdle(t);
    }
    b.tokens = Math.min(this.o.privateBurst, b.tokens + ((t - b.at) / SECOND) * this.o.privatePerSecond);
    b.at = t;
    return b;
  }

  private forgetIdle(t: number): void {
    if (this.lastAnswer.size > MAX_TRACKED) for (const [k, at] of this.lastAnswer) if (t - at >= this.o.perUserMs) this.lastAnswer.delete(k);
    if (this.groups.size > MAX_TRACKED) for (const [k, times] of this.groups) if (times.every((at) => t - at >= MINUTE)) this.groups.delete(k);
    if (this.buckets.size > MAX_TRACKED) for (const [k, b] of this.buckets) if (t - b.at >= MINUTE) this.buckets.delete(k);
  }
}
