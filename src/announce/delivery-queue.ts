/**
 * The one queue for all announcement traffic (digests, scheduled posts, broadcasts). It claims one
 * delivery at a time from the database and sends it, within the rates every process on the same
 * file shares (`perSecond` overall, `perGroupPerMinute` to a group, answers included) and within
 * this process's own limits (answers first); it honours 429 retry_after, retries 5xx and network
 * errors with back-off, removes chats that blocked or removed the bot (403), follows a group that
 * became a supergroup (migrate_to_chat_id), and splits a long message like a reply.
 *
 * It cannot die: a storage error (a lock held elsewhere, a full disk) pauses it with a growing
 * back-off (capped at 30 s) and it resumes by itself; `health()` says it is degraded meanwhile.
 *
 * Delivery guarantee, over any number of processes: a delivery is sent only by the process that
 * claimed it (`Store.claim`); it is marked sent after the call. A process that dies while sending
 * leaves its claim, which is taken over when it lapses, or as soon as another process sees its owner
 * is gone (a process on the same host, or a PostgreSQL replica whose session ended): the message in
 * flight at the crash can arrive twice, nothing is missed, nothing else is doubled. When an
 * announcement's last delivery is done, the process that did it queues the operator's report.
 */
import { TelegramError, type Telegram } from 'telegraf';
import { splitHtml } from '../bot/split-html.js';
import { telegramFault } from '../bot/telegram-retry.js';
import type { OutboundLimits } from '../limits.js';
import type { Logger } from '../log.js';
import { storageFault, type ClaimedDelivery, type DeliveryStatus, type ReportHtml, type Store } from '../store/store.js';
import { delivered } from '../metrics.js';

export interface QueueOptions {
  store: Store;
  /** A Bot API client without automatic retries: the queue decides, and records, what to retry. */
  telegram: Telegram;
  log: Logger;
  /** This process's limits, shared with its replies. */
  limits?: OutboundLimits;
  /** Announcement messages per second, over every process on the database. Default 25. */
  perSecond?: number;
  /** Messages per minute to one group, over every process. Default 20 (Telegram's limit). */
  perGroupPerMinute?: number;
  /** Tries for a delivery that keeps failing with 5xx or network errors. Default 5. */
  maxAttempts?: number;
  /** How long a claim holds before another process may take it over. Default 60 s. */
  leaseMs?: number;
  /** A send taking longer is abandoned and retried later, like a network error. Default 30 s (half the lease). */
  sendTimeoutMs?: number;
  /** The report an operator gets when a broadcast is done (see Store.finish). Without it, announcements are closed without reports. */
  reportHtml?: ReportHtml;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type Outcome = 'sent' | 'failed' | 'removed' | 'migrated';

export interface QueueHealth {
  degraded: boolean;
  /** Since when (epoch ms) it has been unable to use the database. */
  since?: number;
  /** busy (locked), full, readonly, gone, io, or error (anything else). */
  fault?: string;
}

const FINAL: ReadonlySet<DeliveryStatus> = new Set(['sent', 'failed', 'removed', 'migrated']);
const MAX_PAUSE_MS = 30_000;
/** Longest idle while someone waits for an outcome another process may bring. */
const POLL_MS = 1_000;
/** How often the queue forgets old sends, closes finished announcements and looks for claims of processes that are gone. */
const CHORES_MS = 5_000;

const key = (announcementId: number, chatId: number) => `${announcementId}:${chatId}`;

/** A delivery in a log line: the announcement and the kind of chat, never the chat's id (logs name no one). */
const whom = (d: ClaimedDelivery): { announcement: number; chat_type: 'group' | 'private' } => ({ announcement: d.announcementId, chat_type: d.chatId < 0 ? 'group' : 'private' });

export class DeliveryQueue {
  private readonly o: Required<Omit<QueueOptions, 'limits' | 'reportHtml'>> & Pick<QueueOptions, 'limits' | 'reportHtml'>;
  private readonly waiters = new Map<string, { announcementId: number; chatId: number; resolve: (o: Outcome) => void }[]>();
  private running = false;
  /** Resolved by stop(): ends a back-off early. */
  private stopped: Promise<void> = Promise.resolve();
  private signalStop: () => void = () => {};
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pausedUntil = 0;
  private prunedAt = -Infinity;
  private state: QueueHealth = { degraded: false };

  constructor(options: QueueOptions) {
    this.o = {
      perSecond: 25,
      perGroupPerMinute: 20,
      maxAttempts: 5,
      leaseMs: 60_000,
      sendTimeoutMs: 30_000,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  /** Starts sending in the background (and resumes what a crash left unfinished). Never fails. */
  start(): void {
    if (this.running) return;
    this.begin();
    this.loop = this.run();
  }

  /** Stops after the message in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.signalStop();
    this.wake?.();
    await this.loop;
  }

  private begin(): void {
    this.running = true;
    this.stopped = new Promise((resolve) => (this.signalStop = resolve));
  }

  /** A back-off pause, cut short by stop(). */
  private async pause(ms: number): Promise<void> {
    await Promise.race([this.o.sleep(ms), this.stopped]);
  }

  /** New deliveries were recorded. */
  kick(): void {
    this.wake?.();
  }

  health(): QueueHealth {
    return { ...this.state };
  }

  /** Resolves when this delivery is final (sent, failed, removed or migrated), by whichever process. */
  delivered(announcementId: number, chatId: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const k = key(announcementId, chatId);
      this.waiters.set(k, [...(this.waiters.get(k) ?? []), { announcementId, chatId, resolve }]);
      this.kick();
    });
  }

  /**
   * Sends until these announcements are finished (by this process or another), then stops: the
   * command line. Without ids, until nothing is left open.
   */
  async drain(ids?: number[]): Promise<void> {
    this.begin();
    const { store } = this.o;
    await this.run(async () => {
      if (!ids) return (await store.unfinished()).length === 0;
      for (const id of ids) if ((await store.report(id)).pending > 0) return false;
      return true;
    });
    this.running = false;
  }

  private async run(finished?: () => Promise<boolean>): Promise<void> {
    let pause = 0;
    while (this.running) {
      try {
        const waitMs = await this.step();
        await this.settleWaiters();
        if (this.state.degraded) this.o.log.info({ down_ms: this.o.now() - this.state.since! }, 'delivery queue: storage is back');
        this.state = { degraded: false };
        pause = 0;
        if (await finished?.()) return;
        // Someone waits for an outcome another process may bring: look again soon.
        const polling = finished || this.waiters.size;
        if (waitMs > 0) await this.idle(Math.min(waitMs, polling ? POLL_MS : 5_000));
      } catch (err) {
        pause = Math.min(Math.max(pause * 2, 250), MAX_PAUSE_MS);
        this.degrade(err, pause);
        await this.pause(pause);
      }
    }
  }

  private degrade(err: unknown, pause: number): void {
    const fault = storageFault(err) ?? 'error';
    if (!this.state.degraded) this.state = { degraded: true, since: this.o.now(), fault };
    else this.state.fault = fault;
    const fields = { err, fault, retry_in_ms: pause };
    if (fault === 'error') this.o.log.error(fields, 'delivery queue: unexpected error, retrying');
    else this.o.log.warn(fields, 'delivery queue: storage unavailable, retrying');
  }

  /** Sends the next claimable delivery; returns 0, or how long to wait before the next try. */
  private async step(): Promise<number> {
    const { store } = this.o;
    const now = this.o.now();
    if (this.pausedUntil > now) return this.pausedUntil - now;
    const local = this.o.limits?.queueWaitMs() ?? 0;
    if (local > 0) return local;
    if (now - this.prunedAt > CHORES_MS) {
      await this.chores(now);
      this.prunedAt = now;
    }
    const claim = await store.claim(now, { leaseMs: this.o.leaseMs, perSecond: this.o.perSecond, perGroupPerMinute: this.o.perGroupPerMinute });
    if (!claim.delivery) return claim.waitMs;
    await this.deliver(claim.delivery);
    return 0;
  }

  /**
   * Every few seconds: forget old sends, take back the claims of processes that are gone (so their
   * deliveries need not wait for the lease), and close the announcements finished meanwhile
   * (reports another process could not queue).
   */
  private async chores(now: number): Promise<void> {
    const { store, log } = this.o;
    await store.pruneSends(now);
    const released = await store.releaseDeadClaims();
    if (released) log.info({ released }, 'took over the deliveries of a process that is gone');
    await store.finish(now, this.o.reportHtml);
  }

  /** An announcement's delivery became final: close the announcement if it was the last (see Store.finish). */
  private async finished(announcementId: number): Promise<void> {
    const { store } = this.o;
    await this.mustWrite(() => store.finish(this.o.now(), this.o.reportHtml, announcementId).then(() => undefined));
  }

  /** Waits `ms`, or until kicked or stopped (a stop that came during a database call included). */
  private async idle(ms: number): Promise<void> {
    await Promise.race([this.o.sleep(ms), this.stopped, new Promise<void>((resolve) => (this.wake = resolve))]);
    this.wake = undefined;
  }

  /**
   * A write that must happen (a message went out and must not be sent again): retried through any
   * storage fault until it succeeds, with the queue degraded meanwhile.
   */
  private async mustWrite(write: () => Promise<void>): Promise<void> {
    for (let pause = 100; ; pause = Math.min(pause * 2, 5_000)) {
      try {
        await write();
        return;
      } catch (err) {
        // A bug is not retried; nor is anything once stopping (the claim lapses and is taken over).
        if (storageFault(err) === undefined || !this.running) throw err;
        this.degrade(err, pause);
        await this.pause(pause);
      }
    }
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const { store, telegram } = this.o;
    const parts = splitHtml(d.html);
    let firstId: number | undefined;
    try {
      for (let i = d.partsSent; i < parts.length; i++) {
        if (i > d.partsSent) {
          // A long message's further parts: each one counts against the rates like any message.
          for (let w = this.o.limits?.queueWaitMs() ?? 0; w > 0; w = this.o.limits?.queueWaitMs() ?? 0) await this.o.sleep(w);
          await this.mustWrite(() => store.recordSend(d.chatId, 'queue', this.o.now()));
        }
        // A hung connection must not hold the queue (nor outlive the claim): it counts as a network error.
        const message = await telegram.callApi(
          'sendMessage',
          { chat_id: d.chatId, text: parts[i]!, parse_mode: 'HTML' },
          // telegraf types the signal as the abort-controller package's; node-fetch takes Node's own.
          { signal: AbortSignal.timeout(this.o.sendTimeoutMs) as never },
        );
        this.o.limits?.queueSent(d.chatId);
        firstId ??= message.message_id;
        const partsSent = i + 1;
        if (partsSent < parts.length) await this.mustWrite(() => store.partSent(d.announcementId, d.chatId, partsSent, firstId, this.o.now()));
      }
    } catch (err) {
      await this.failed(d, err);
      return;
    }
    await this.mustWrite(() => store.mark(d.announcementId, d.chatId, 'sent', firstId === undefined ? {} : { messageId: firstId }, this.o.now()));
    delivered('sent');
    await this.finished(d.announcementId);
  }

  private async failed(d: ClaimedDelivery, err: unknown): Promise<void> {
    const { store, log } = this.o;
    const now = this.o.now();
    const description = err instanceof TelegramError ? err.description : (err as Error).message;
    const fault = telegramFault(err);
    switch (fault.kind) {
      case 'throttled': {
        const after = fault.retryAfterSeconds * 1_000;
        this.pausedUntil = now + after;
        await this.mustWrite(() => store.mark(d.announcementId, d.chatId, 'pending', { error: description, notBefore: now + after }, now));
        log.warn({ ...whom(d), retry_after: fault.retryAfterSeconds }, 'announcement throttled (429)');
        return;
      }
      case 'blocked':
        await this.mustWrite(() => store.markRemoved(d.announcementId, d.chatId, description, now));
        delivered('removed');
        await this.finished(d.announcementId);
        log.info(whom(d), 'chat blocked or removed the bot: unsubscribed');
        return;
      case 'migrated':
        await this.mustWrite(() => store.markMigrated(d.announcementId, d.chatId, fault.to, now));
        delivered('migrated');
        log.info(whom(d), 'group became a supergroup: following it');
        return;
      case 'transient': {
        const final = d.attempts + 1 >= this.o.maxAttempts;
        const notBefore = now + 500 * 2 ** Math.min(d.attempts, 5);
        await this.mustWrite(() => store.mark(d.announcementId, d.chatId, final ? 'failed' : 'pending', { error: description, notBefore }, now));
        if (final) {
          delivered('failed');
          await this.finished(d.announcementId);
        }
        log.warn({ ...whom(d), attempt: d.attempts + 1, final, err }, 'announcement delivery failed');
        return;
      }
      case 'refused':
        await this.mustWrite(() => store.mark(d.announcementId, d.chatId, 'failed', { error: description }, now));
        delivered('failed');
        await this.finished(d.announcementId);
        log.warn({ ...whom(d), err }, 'announcement refused by Telegram');
    }
  }

  /** Resolves the waiters whose delivery is final (whoever made it so). */
  private async settleWaiters(): Promise<void> {
    const { store } = this.o;
    for (const [k, list] of this.waiters) {
      const status = (await store.delivery(list[0]!.announcementId, list[0]!.chatId))?.status;
      if (status === undefined || !FINAL.has(status)) continue;
      for (const w of list) w.resolve(status as Outcome);
      this.waiters.delete(k);
    }
  }
}
