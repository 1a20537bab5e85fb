/**
 * The one queue for all announcement traffic (digests, scheduled posts, broadcasts). It sends one
 * message at a time, at most `perSecond` overall and `perGroupPerMinute` to any group, honours 429
 * retry_after, retries 5xx and network errors with back-off, removes chats that blocked or removed
 * the bot (403), and follows a group that became a supergroup (migrate_to_chat_id).
 *
 * Crash safety: a delivery is marked 'sending' (committed) before the call and 'sent' after it.
 * After a crash, deliveries still 'sending' are sent again first: as messages go out one at a time,
 * at most one chat, the one in flight at the crash, can receive an announcement twice; no chat
 * misses one.
 */
import { TelegramError, type Telegram } from 'telegraf';
import type { Logger } from '../log.js';
import type { Delivery, Report, Store } from '../store/store.js';

export interface QueueOptions {
  store: Store;
  /** A Bot API client without automatic retries: the queue decides, and records, what to retry. */
  telegram: Telegram;
  log: Logger;
  /** Messages per second overall. Default 25. */
  perSecond?: number;
  /** Messages per minute to one group. Default 20 (Telegram's limit). */
  perGroupPerMinute?: number;
  /** Tries for a delivery that keeps failing with 5xx or network errors. Default 5. */
  maxAttempts?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

type Outcome = 'sent' | 'failed' | 'removed' | 'migrated';

const key = (announcementId: number, chatId: number) => `${announcementId}:${chatId}`;
const isGroupChat = (chatId: number) => chatId < 0;

export class DeliveryQueue {
  private readonly o: Required<Omit<QueueOptions, 'store' | 'telegram' | 'log'>> & Pick<QueueOptions, 'store' | 'telegram' | 'log'>;
  private readonly sentAt: number[] = [];
  private readonly groupSentAt = new Map<number, number[]>();
  private readonly waiters = new Map<string, ((outcome: Outcome) => void)[]>();
  private readonly doneWaiters = new Map<number, ((report: Report) => void)[]>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pausedUntil = 0;

  constructor(options: QueueOptions) {
    this.o = {
      perSecond: 25,
      perGroupPerMinute: 20,
      maxAttempts: 5,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  /** Starts sending in the background (and resumes what a crash left unfinished). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((err: unknown) => this.o.log.error({ err }, 'delivery queue stopped on an error'));
  }

  /** Stops after the message in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** New deliveries were recorded. */
  kick(): void {
    this.wake?.();
  }

  /** Resolves when this delivery is final (sent, failed, removed or migrated). */
  delivered(announcementId: number, chatId: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const k = key(announcementId, chatId);
      this.waiters.set(k, [...(this.waiters.get(k) ?? []), resolve]);
      this.kick();
    });
  }

  /** Resolves with the report when no delivery of the announcement is left open. */
  done(announcementId: number): Promise<Report> {
    const report = this.o.store.report(announcementId);
    if (report.pending === 0) return Promise.resolve(report);
    return new Promise((resolve) => {
      this.doneWaiters.set(announcementId, [...(this.doneWaiters.get(announcementId) ?? []), resolve]);
      this.kick();
    });
  }

  /** Sends until nothing is open (the command line), then stops. */
  async drain(): Promise<void> {
    this.running = true;
    await this.run(true);
    this.running = false;
  }

  private async run(untilEmpty = false): Promise<void> {
    while (this.running) {
      const open = this.o.store.openDeliveries();
      if (open.length === 0) {
        if (untilEmpty) return;
        await this.idle(5_000);
        continue;
      }
      let sentSome = false;
      let earliest = Infinity;
      for (const d of open) {
        if (!this.running) return;
        const groupReady = this.groupReadyAt(d.chatId);
        if (groupReady > this.o.now()) {
          earliest = Math.min(earliest, groupReady);
          continue;
        }
        await this.waitForRate();
        await this.deliver(d);
        sentSome = true;
      }
      if (!sentSome && earliest < Infinity) await this.idle(Math.max(1, earliest - this.o.now()));
    }
  }

  private async idle(ms: number): Promise<void> {
    await Promise.race([this.o.sleep(ms), new Promise<void>((resolve) => (this.wake = resolve))]);
    this.wake = undefined;
  }

  /** When the group may get its next message (now, for private chats and groups under the limit). */
  private groupReadyAt(chatId: number): number {
    if (!isGroupChat(chatId)) return 0;
    const now = this.o.now();
    const times = (this.groupSentAt.get(chatId) ?? []).filter((t) => now - t < 60_000);
    this.groupSentAt.set(chatId, times);
    return times.length < this.o.perGroupPerMinute ? 0 : times[0]! + 60_000;
  }

  private async waitForRate(): Promise<void> {
    for (;;) {
      const now = this.o.now();
      if (this.pausedUntil > now) {
        await this.o.sleep(this.pausedUntil - now);
        continue;
      }
      while (this.sentAt.length && now - this.sentAt[0]! >= 1_000) this.sentAt.shift();
      if (this.sentAt.length < this.o.perSecond) return;
      await this.o.sleep(this.sentAt[0]! + 1_000 - now);
    }
  }

  private record(chatId: number): void {
    const now = this.o.now();
    this.sentAt.push(now);
    if (isGroupChat(chatId)) this.groupSentAt.set(chatId, [...(this.groupSentAt.get(chatId) ?? []), now]);
  }

  private async deliver(d: Delivery): Promise<void> {
    const { store, telegram, log } = this.o;
    store.mark(d.announcementId, d.chatId, 'sending', { attempt: true });
    this.record(d.chatId);
    try {
      const message = await telegram.sendMessage(d.chatId, d.html, { parse_mode: 'HTML' });
      store.mark(d.announcementId, d.chatId, 'sent', { messageId: message.message_id });
      this.settle(d, 'sent');
    } catch (err) {
      const e = err instanceof TelegramError ? err : undefined;
      const description = e?.description ?? (err as Error).message;
      if (e?.code === 429) {
        this.pausedUntil = this.o.now() + (e.parameters?.retry_after ?? 1) * 1_000;
        store.mark(d.announcementId, d.chatId, 'pending', { error: description });
        log.warn({ chat_id: d.chatId, retry_after: e.parameters?.retry_after }, 'announcement throttled (429)');
      } else if (e?.code === 403) {
        store.mark(d.announcementId, d.chatId, 'removed', { error: description });
        store.unsubscribe(d.chatId);
        log.info({ chat_id: d.chatId }, 'chat blocked or removed the bot: unsubscribed');
        this.settle(d, 'removed');
      } else if (e?.parameters?.migrate_to_chat_id) {
        const to = e.parameters.migrate_to_chat_id;
        store.migrateChat(d.chatId, to);
        store.addDelivery(d.announcementId, to);
        store.mark(d.announcementId, d.chatId, 'migrated', { error: `migrated to ${to}` });
        log.info({ chat_id: d.chatId, to }, 'group became a supergroup: following it');
        this.settle(d, 'migrated');
      } else if (!e || e.code >= 500) {
        const final = d.attempts + 1 >= this.o.maxAttempts;
        store.mark(d.announcementId, d.chatId, final ? 'failed' : 'pending', { error: description });
        log.warn({ chat_id: d.chatId, attempt: d.attempts + 1, final }, 'announcement delivery failed');
        if (final) this.settle(d, 'failed');
        else await this.o.sleep(500 * 2 ** Math.min(d.attempts, 5));
      } else {
        store.mark(d.announcementId, d.chatId, 'failed', { error: description });
        log.warn({ chat_id: d.chatId, err }, 'announcement refused by Telegram');
        this.settle(d, 'failed');
      }
    }
  }

  private settle(d: Delivery, outcome: Outcome): void {
    const k = key(d.announcementId, d.chatId);
    for (const resolve of this.waiters.get(k) ?? []) resolve(outcome);
    this.waiters.delete(k);
    const waiting = this.doneWaiters.get(d.announcementId);
    if (waiting) {
      const report = this.o.store.report(d.announcementId);
      if (report.pending === 0) {
        for (const resolve of waiting) resolve(report);
        this.doneWaiters.delete(d.announcementId);
      }
    }
  }
}
