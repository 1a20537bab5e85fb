/**
 * The bot's state in one SQLite file (better-sqlite3, WAL): chat settings, subscriptions,
 * announcements and one delivery record per chat per announcement. Migrations are code, run at
 * open, in order, each once. Every method is one short synchronous transaction: a crash leaves
 * either the state before it or after it.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Lang } from '../knowledge/schema.js';

const MIGRATIONS: string[] = [
  `CREATE TABLE chats (
     chat_id INTEGER PRIMARY KEY,
     lang TEXT,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE subscriptions (
     chat_id INTEGER PRIMARY KEY,
     chat_type TEXT NOT NULL,
     cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly')),
     weekday INTEGER CHECK (weekday BETWEEN 1 AND 7),
     time TEXT NOT NULL,
     next_fact INTEGER NOT NULL DEFAULT 0,
     next_at INTEGER NOT NULL,
     created_by INTEGER,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE announcements (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     html TEXT NOT NULL,
     created_by INTEGER,
     created_at INTEGER NOT NULL,
     finished_at INTEGER
   );
   CREATE TABLE deliveries (
     announcement_id INTEGER NOT NULL REFERENCES announcements(id),
     chat_id INTEGER NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'removed', 'migrated')),
     attempts INTEGER NOT NULL DEFAULT 0,
     message_id INTEGER,
     error TEXT,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (announcement_id, chat_id)
   );
   CREATE INDEX deliveries_open ON deliveries (status, announcement_id) WHERE status IN ('pending', 'sending');`,
];

export type Cadence = 'daily' | 'weekly';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'removed' | 'migrated';

export interface Subscription {
  chatId: number;
  chatType: string;
  cadence: Cadence;
  /** 1 = Monday … 7 = Sunday; weekly only. */
  weekday: number | null;
  /** HH:MM in the announcement time zone. */
  time: string;
  /** Position in the rotation through all facts. */
  nextFact: number;
  /** Epoch ms of the next post. */
  nextAt: number;
}

export interface Delivery {
  announcementId: number;
  chatId: number;
  status: DeliveryStatus;
  attempts: number;
  html: string;
}

export interface Report {
  sent: number;
  failed: number;
  removed: number;
  pending: number;
}

interface SubscriptionRow {
  chat_id: number;
  chat_type: string;
  cadence: Cadence;
  weekday: number | null;
  time: string;
  next_fact: number;
  next_at: number;
}

const toSubscription = (r: SubscriptionRow): Subscription => ({
  chatId: r.chat_id,
  chatType: r.chat_type,
  cadence: r.cadence,
  weekday: r.weekday,
  time: r.time,
  nextFact: r.next_fact,
  nextAt: r.next_at,
});

export class Store {
  readonly db: Database.Database;

  /** Opens (creating folders and file as needed) and migrates. `:memory:` for a throwaway store. */
  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    const run = this.db.transaction(() => {
      for (let v = current; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]!);
      if (row) this.db.prepare('UPDATE schema_version SET version = ?').run(MIGRATIONS.length);
      else this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length);
    });
    if (current < MIGRATIONS.length) run();
  }

  close(): void {
    this.db.close();
  }

  // Chat settings ------------------------------------------------------------------------------

  lang(chatId: number): Lang | undefined {
    const row = this.db.prepare('SELECT lang FROM chats WHERE chat_id = ?').get(chatId) as { lang: Lang | null } | undefined;
    return row?.lang ?? undefined;
  }

  setLang(chatId: number, lang: Lang | undefined, now = Date.now()): void {
    this.db
      .prepare('INSERT INTO chats (chat_id, lang, updated_at) VALUES (?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at')
      .run(chatId, lang ?? null, now);
  }

  // Subscriptions -------------------------------------------------------------------------------

  subscribe(s: Omit<Subscription, 'nextFact'> & { createdBy?: number | undefined }, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO subscriptions (chat_id, chat_type, cadence, weekday, time, next_fact, next_at, created_by, created_at)
         VALUES (@chatId, @chatType, @cadence, @weekday, @time, 0, @nextAt, @createdBy, @now)
         ON CONFLICT (chat_id) DO UPDATE SET cadence = excluded.cadence, weekday = excluded.weekday, time = excluded.time,
           next_at = excluded.next_at, chat_type = excluded.chat_type`,
      )
      .run({ ...s, createdBy: s.createdBy ?? null, now });
  }

  unsubscribe(chatId: number): boolean {
    return this.db.prepare('DELETE FROM subscriptions WHERE chat_id = ?').run(chatId).changes > 0;
  }

  subscription(chatId: number): Subscription | undefined {
    const row = this.db.prepare('SELECT * FROM subscriptions WHERE chat_id = ?').get(chatId) as SubscriptionRow | undefined;
    return row ? toSubscription(row) : undefined;
  }

  subscriptions(): Subscription[] {
    return (this.db.prepare('SELECT * FROM subscriptions ORDER BY chat_id').all() as SubscriptionRow[]).map(toSubscription);
  }

  /** Subscriptions whose next post is due at `now` or earlier. */
  due(now: number): Subscription[] {
    return (this.db.prepare('SELECT * FROM subscriptions WHERE next_at <= ? ORDER BY next_at').all(now) as SubscriptionRow[]).map(toSubscription);
  }

  /** Moves a subscription on: next post time and rotation position. */
  advance(chatId: number, nextAt: number, nextFact: number): void {
    this.db.prepare('UPDATE subscriptions SET next_at = ?, next_fact = ? WHERE chat_id = ?').run(nextAt, nextFact, chatId);
  }

  /** A group became a supergroup: its subscription and settings follow the new id. */
  migrateChat(from: number, to: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE OR REPLACE subscriptions SET chat_id = ? WHERE chat_id = ?').run(to, from);
      this.db.prepare('UPDATE OR REPLACE chats SET chat_id = ? WHERE chat_id = ?').run(to, from);
    })();
  }

  // Announcements and deliveries ------------------------------------------------------------------

  /** Records an announcement and a pending delivery for each chat, in one transaction. */
  announce(kind: string, html: string, chatIds: number[], createdBy?: number, now = Date.now()): number {
    return this.db.transaction(() => {
      const id = Number(
        this.db.prepare('INSERT INTO announcements (kind, html, created_by, created_at) VALUES (?, ?, ?, ?)').run(kind, html, createdBy ?? null, now).lastInsertRowid,
      );
      const insert = this.db.prepare("INSERT OR IGNORE INTO deliveries (announcement_id, chat_id, status, updated_at) VALUES (?, ?, 'pending', ?)");
      for (const chatId of chatIds) insert.run(id, chatId, now);
      return id;
    })();
  }

  /**
   * Deliveries not finished: 'sending' ones first (they were in flight at a crash), then pending
   * ones, a group's own announcements and scheduled posts before broadcasts, oldest first.
   */
  openDeliveries(limit = 500): Delivery[] {
    return (
      this.db
        .prepare(
          `SELECT d.announcement_id AS announcementId, d.chat_id AS chatId, d.status, d.attempts, a.html
           FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
           WHERE d.status IN ('pending', 'sending')
           ORDER BY d.status = 'sending' DESC, a.kind = 'broadcast', d.announcement_id, d.chat_id LIMIT ?`,
        )
        .all(limit) as Delivery[]
    );
  }

  /** Marks a delivery; `attempt` counts a try (before sending). */
  mark(announcementId: number, chatId: number, status: DeliveryStatus, extra: { messageId?: number; error?: string; attempt?: boolean } = {}, now = Date.now()): void {
    this.db
      .prepare(
        `UPDATE deliveries SET status = ?, message_id = COALESCE(?, message_id), error = ?, attempts = attempts + ?, updated_at = ?
         WHERE announcement_id = ? AND chat_id = ?`,
      )
      .run(status, extra.messageId ?? null, extra.error ?? null, extra.attempt ? 1 : 0, now, announcementId, chatId);
  }

  /** Adds a delivery (a migrated group's new id) to an announcement. */
  addDelivery(announcementId: number, chatId: number, now = Date.now()): void {
    this.db.prepare("INSERT OR IGNORE INTO deliveries (announcement_id, chat_id, status, updated_at) VALUES (?, ?, 'pending', ?)").run(announcementId, chatId, now);
  }

  delivery(announcementId: number, chatId: number): { status: DeliveryStatus; messageId: number | null; error: string | null } | undefined {
    return this.db
      .prepare('SELECT status, message_id AS messageId, error FROM deliveries WHERE announcement_id = ? AND chat_id = ?')
      .get(announcementId, chatId) as { status: DeliveryStatus; messageId: number | null; error: string | null } | undefined;
  }

  report(announcementId: number): Report {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM deliveries WHERE announcement_id = ? GROUP BY status').all(announcementId) as { status: DeliveryStatus; n: number }[];
    const count = (...s: DeliveryStatus[]) => rows.filter((r) => s.includes(r.status)).reduce((a, r) => a + r.n, 0);
    return { sent: count('sent'), failed: count('failed'), removed: count('removed'), pending: count('pending', 'sending') };
  }

  /** Announcements with deliveries still to make. */
  unfinished(): number[] {
    return (this.db.prepare("SELECT DISTINCT announcement_id AS id FROM deliveries WHERE status IN ('pending', 'sending') ORDER BY id").all() as { id: number }[]).map(
      (r) => r.id,
    );
  }
}
