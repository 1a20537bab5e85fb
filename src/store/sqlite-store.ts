/**
 * The Store contract (store.ts) on one SQLite file (better-sqlite3, WAL): the default, with no
 * configuration. Migrations are code, run at open, in order, each once. Every method is one short
 * synchronous transaction behind a promise: a crash leaves either the state before it or after it.
 *
 * Several processes may open the same file (the bot and `npm run broadcast`): a delivery is sent
 * only by the process that claimed it, and the rates are counted from the shared log. SQLite waits at
 * most BUSY_TIMEOUT_MS for a lock another process holds, then throws SQLITE_BUSY: callers retry
 * without blocking (`retryBusy`), so a lock held elsewhere delays a write, never the event loop.
 */
import Database from 'better-sqlite3';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Lang } from '../knowledge/schema.js';
import { asLogged } from './question-log.js';
import {
  deadOwner,
  ownerName,
  StoreOpenError,
  toReport,
  type Cadence,
  type Claim,
  type ClaimedDelivery,
  type ClaimLimits,
  type Delivery,
  type DeliveryStatus,
  type DuePlan,
  type LogRow,
  logRow,
  type RawLogRow,
  type MarkExtra,
  type NewSubscription,
  type PendingQuestion,
  type Report,
  type ReportHtml,
  type ReportTo,
  type Send,
  type SharedSubject,
  type Store,
  type Subscription,
  type Teaching,
  type TeachingRow,
} from './store.js';

/** How long one statement waits for another connection's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 20;
/** The same while opening: nobody is waiting yet, and a restart must not fail on a short transaction elsewhere. */
const OPEN_BUSY_TIMEOUT_MS = 5_000;

/** A schema change (SQL), or a change of the data made in code. */
type Migration = string | ((db: Database.Database) => void);

const MIGRATIONS: Migration[] = [
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
  // Claims (owner and lease), retry times, progress through a long message's parts, and the shared
  // send log behind the rate limits.
  `ALTER TABLE deliveries ADD COLUMN owner TEXT;
   ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
   ALTER TABLE deliveries ADD COLUMN not_before INTEGER;
   ALTER TABLE deliveries ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE sends (
     chat_id INTEGER NOT NULL,
     at INTEGER NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('queue', 'answer'))
   );
   CREATE INDEX sends_at ON sends (at);
   CREATE INDEX sends_chat ON sends (chat_id, at);`,
  // The question log: what was asked (personal data scrubbed), through which door, what it got, how
  // fast, and the 👍/👎 vote. No user id, chat id or name.
  `CREATE TABLE questions (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     door TEXT NOT NULL CHECK (door IN ('private', 'group', 'inline', 'cli')),
     lang TEXT NOT NULL,
     question TEXT NOT NULL,
     outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'partial', 'declined', 'greeting', 'help')),
     score REAL,
     article TEXT,
     sentence TEXT,
     latency_ms REAL,
     vote INTEGER CHECK (vote IN (-1, 1)),
     voted_at INTEGER
   );
   CREATE INDEX questions_at ON questions (at);`,
  // The contract PostgreSQL shares: who gets an announcement's report (an operator's /broadcast) and
  // the announcements still open; settings changed since; conversation subjects (keys are hashes);
  // which process logged a send.
  `ALTER TABLE announcements ADD COLUMN report_to INTEGER;
   ALTER TABLE announcements ADD COLUMN report_lang TEXT;
   CREATE INDEX announcements_open ON announcements (id) WHERE finished_at IS NULL;
   CREATE INDEX chats_updated ON chats (updated_at);
   CREATE TABLE conversations (
     key TEXT PRIMARY KEY,
     subject TEXT NOT NULL,
     until INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX conversations_updated ON conversations (updated_at);
   ALTER TABLE sends ADD COLUMN owner TEXT;`,
  // Questions logged before the scrubber knew every form /privacy now lists (phone numbers with dots
  // or several spaces, ID and passport numbers, names in introductions) or capped them: kept as the
  // log keeps a question today.
  (db) => {
    const update = db.prepare('UPDATE questions SET question = ? WHERE id = ?');
    // All read first: better-sqlite3 runs no statement while another one is being iterated.
    for (const row of db.prepare('SELECT id, question FROM questions').all() as { id: number; question: string }[]) {
      const kept = asLogged(row.question);
      if (kept !== row.question) update.run(kept, row.id);
    }
  },
  // The "did you mean" choice the asker tapped: an article and a sentence, no more.
  `ALTER TABLE questions ADD COLUMN picked_article TEXT;
   ALTER TABLE questions ADD COLUMN picked_sentence TEXT;
   ALTER TABLE questions ADD COLUMN picked_at INTEGER;`,
  // What operators taught (/review): kept until undone; who taught it only as a hash. And which
  // logged answers a teaching gave.
  `CREATE TABLE teachings (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     key TEXT NOT NULL,
     question TEXT NOT NULL,
     lang TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('phrasing', 'decline', 'skip')),
     article TEXT,
     sentence TEXT,
     version TEXT,
     taught_by TEXT NOT NULL,
     at INTEGER NOT NULL,
     undone_at INTEGER
   );
   CREATE INDEX teachings_by ON teachings (taught_by, id);
   ALTER TABLE questions ADD COLUMN learned INTEGER;`,
];

const TEACHING_SELECT = 'SELECT id, key, question, lang, kind, article, sentence, version, taught_by AS taughtBy, at FROM teachings';

const LOG_SELECT =
  'SELECT id, at, door, lang, question, outcome, score, article, sentence, latency_ms AS latencyMs, vote, picked_article AS pickedArticle, picked_sentence AS pickedSentence, learned FROM questions';



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

/** SQL shared by `openDeliveries` and `claim`: in-flight first, a chat's own posts before broadcasts, oldest first. */
const DELIVERY_ORDER = "ORDER BY d.status = 'sending' DESC, a.kind = 'broadcast', d.announcement_id, d.chat_id";

/**
 * The database file and its WAL files readable and writable by their owner only (0600), where they
 * exist. Best effort: a file of another user that this one may write (EPERM) is left as it is.
 */
function ownerOnly(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(f)) chmodSync(f, 0o600);
    } catch {
      // Not ours to change.
    }
  }
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  private readonly db: Database.Database;
  /** Prepared statements by their SQL: preparing costs more than running most of them. */
  private readonly statements = new Map<string, Database.Statement>();
  readonly owner = ownerName();
  private readonly inode: number | undefined;

  /**
   * Opens (creating folders and file as needed), migrates and proves it can write, or throws a
   * StoreOpenError naming the file and the fix. `:memory:` for a throwaway store.
   */
  constructor(readonly file: string) {
    try {
      if (file !== ':memory:') {
        // Only its owner reads the bot's data: a folder it creates is 0700, the files 0600 (below).
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        // WAL keeps two files beside the database: the folder must be writable too.
        accessSync(path.dirname(file), constants.W_OK);
      }
      this.db = new Database(file);
      if (file !== ':memory:') ownerOnly(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
      this.migrate();
      // The write probe: a read-only file or folder fails here, not at a user's first /subscribe.
      this.db.transaction(() => this.stmt('UPDATE schema_version SET version = version').run()).immediate();
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // SQLite gives its -wal and -shm files the database's mode; those of an older version may be 0644.
      if (file !== ':memory:') ownerOnly(file);
      this.inode = file === ':memory:' ? undefined : statSync(file).ino;
    } catch (err) {
      const why = (err as Error).message;
      throw new StoreOpenError(
        `storage: cannot open ${path.resolve(file)} for writing (${why}). Make DATA_DIR (${path.resolve(path.dirname(file))}) ` +
          'and the file in it writable by this user, free some disk space, or set DATA_DIR to another folder.',
      );
    }
  }

  get where(): string {
    return this.file;
  }

  /**
   * Whether the file this store opened is still the one at its path: deleted or replaced, writes
   * would go to a file nobody will ever open again.
   */
  sameDatabase(): boolean {
    if (this.inode === undefined) return true;
    try {
      return statSync(this.file).ino === this.inode;
    } catch {
      return false;
    }
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    // Immediate: two processes opening one file at once migrate it once.
    this.db
      .transaction(() => {
        const row = this.stmt('SELECT version FROM schema_version').get() as { version: number } | undefined;
        const current = row?.version ?? 0;
        if (current >= MIGRATIONS.length) return;
        for (let v = current; v < MIGRATIONS.length; v++) {
          const m = MIGRATIONS[v]!;
          if (typeof m === 'string') this.db.exec(m);
          else m(this.db);
        }
        if (row) this.stmt('UPDATE schema_version SET version = ?').run(MIGRATIONS.length);
        else this.stmt('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length);
      })
      .immediate();
  }

  /** A statement prepared once per SQL text. */
  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** Several writes as one immediate transaction: all of them or none. */
  private write<T>(writes: () => T): T {
    return this.db.transaction(writes).immediate();
  }

  async close(): Promise<void> {
    this.db.close();
  }

  // Chat settings ------------------------------------------------------------------------------

  async lang(chatId: number): Promise<Lang | undefined> {
    const row = this.stmt('SELECT lang FROM chats WHERE chat_id = ?').get(chatId) as { lang: Lang | null } | undefined;
    return row?.lang ?? undefined;
  }

  async setLang(chatId: number, lang: Lang | undefined, now = Date.now()): Promise<void> {
    this.stmt('INSERT INTO chats (chat_id, lang, updated_at) VALUES (?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at')
      .run(chatId, lang ?? null, now);
  }

  async langsSince(since: number): Promise<{ chatId: number; lang: Lang | undefined; at: number }[]> {
    const rows = this.stmt('SELECT chat_id AS chatId, lang, updated_at AS at FROM chats WHERE updated_at >= ? ORDER BY updated_at').all(since) as {
      chatId: number;
      lang: Lang | null;
      at: number;
    }[];
    return rows.map((r) => ({ ...r, lang: r.lang ?? undefined }));
  }

  // Subscriptions -------------------------------------------------------------------------------

  async subscribe(s: NewSubscription, now = Date.now()): Promise<void> {
    this.stmt(
      `INSERT INTO subscriptions (chat_id, chat_type, cadence, weekday, time, next_fact, next_at, created_by, created_at)
       VALUES (@chatId, @chatType, @cadence, @weekday, @time, 0, @nextAt, @createdBy, @now)
       ON CONFLICT (chat_id) DO UPDATE SET cadence = excluded.cadence, weekday = excluded.weekday, time = excluded.time,
         next_at = excluded.next_at, chat_type = excluded.chat_type`,
    ).run({ chatId: s.chatId, chatType: s.chatType, cadence: s.cadence, weekday: s.weekday, time: s.time, nextAt: s.nextAt, createdBy: s.createdBy ?? null, now });
  }

  async unsubscribe(chatId: number): Promise<boolean> {
    return this.stmt('DELETE FROM subscriptions WHERE chat_id = ?').run(chatId).changes > 0;
  }

  async subscription(chatId: number): Promise<Subscription | undefined> {
    const row = this.stmt('SELECT * FROM subscriptions WHERE chat_id = ?').get(chatId) as SubscriptionRow | undefined;
    return row ? toSubscription(row) : undefined;
  }

  async subscriptions(): Promise<Subscription[]> {
    return (this.stmt('SELECT * FROM subscriptions ORDER BY chat_id').all() as SubscriptionRow[]).map(toSubscription);
  }

  private dueNow(now: number): Subscription[] {
    return (this.stmt('SELECT * FROM subscriptions WHERE next_at <= ? ORDER BY next_at').all(now) as SubscriptionRow[]).map(toSubscription);
  }

  private advanceNow(chatId: number, nextAt: number, nextFact: number): void {
    this.stmt('UPDATE subscriptions SET next_at = ?, next_fact = ? WHERE chat_id = ?').run(nextAt, nextFact, chatId);
  }

  async postDue(now: number, plan: (s: Subscription) => DuePlan): Promise<number> {
    // One immediate transaction: a second process waits for it, then finds nothing due.
    return this.write(() => {
      let posted = 0;
      for (const s of this.dueNow(now)) {
        const p = plan(s);
        if ('skipTo' in p) {
          this.advanceNow(s.chatId, p.skipTo, s.nextFact);
          continue;
        }
        this.announceNow('scheduled', p.html, [s.chatId], undefined, now);
        this.advanceNow(s.chatId, p.nextAt, p.nextFact);
        posted++;
      }
      return posted;
    });
  }

  /** A group became a supergroup: its subscription and settings follow the new id. */
  private migrateNow(from: number, to: number): void {
    this.stmt('UPDATE OR REPLACE subscriptions SET chat_id = ? WHERE chat_id = ?').run(to, from);
    this.stmt('UPDATE OR REPLACE chats SET chat_id = ? WHERE chat_id = ?').run(to, from);
  }

  // Announcements and deliveries ------------------------------------------------------------------

  async announce(kind: string, html: string, chatIds: number[], createdBy?: number, now = Date.now(), reportTo?: ReportTo): Promise<number> {
    return this.write(() => this.announceNow(kind, html, chatIds, createdBy, now, reportTo));
  }

  private announceNow(kind: string, html: string, chatIds: number[], createdBy: number | undefined, now: number, reportTo?: ReportTo): number {
    const id = Number(
      this.stmt('INSERT INTO announcements (kind, html, created_by, created_at, report_to, report_lang) VALUES (?, ?, ?, ?, ?, ?)').run(
        kind,
        html,
        createdBy ?? null,
        now,
        reportTo?.chatId ?? null,
        reportTo?.lang ?? null,
      ).lastInsertRowid,
    );
    const insert = this.stmt("INSERT OR IGNORE INTO deliveries (announcement_id, chat_id, status, updated_at) VALUES (?, ?, 'pending', ?)");
    for (const chatId of chatIds) insert.run(id, chatId, now);
    return id;
  }

  async openDeliveries(limit = 500): Promise<Delivery[]> {
    return this.stmt(
      `SELECT d.announcement_id AS announcementId, d.chat_id AS chatId, d.status, d.attempts, a.html
       FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
       WHERE d.status IN ('pending', 'sending') ${DELIVERY_ORDER} LIMIT ?`,
    ).all(limit) as Delivery[];
  }

  async claim(now: number, limits: ClaimLimits): Promise<Claim> {
    return this.write((): Claim => {
      const second = this.stmt("SELECT COUNT(*) AS n, MIN(at) AS first FROM sends WHERE source = 'queue' AND at > ?").get(now - 1_000) as {
        n: number;
        first: number | null;
      };
      if (second.n >= limits.perSecond) return { waitMs: Math.max(1, second.first! + 1_000 - now) };
      const row = this.stmt(
        `SELECT d.announcement_id AS announcementId, d.chat_id AS chatId, d.status, d.attempts, d.parts_sent AS partsSent, a.html
         FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
         WHERE (d.status = 'pending' OR (d.status = 'sending' AND (d.lease_until IS NULL OR d.lease_until <= @now)))
           AND (d.not_before IS NULL OR d.not_before <= @now)
           AND (d.chat_id > 0 OR (SELECT COUNT(*) FROM sends s WHERE s.chat_id = d.chat_id AND s.at > @now - 60000) < @perGroup)
         ${DELIVERY_ORDER} LIMIT 1`,
      ).get({ now, perGroup: limits.perGroupPerMinute }) as ClaimedDelivery | undefined;
      if (!row) return { waitMs: this.nextClaimIn(now, limits) };
      this.stmt("UPDATE deliveries SET status = 'sending', owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE announcement_id = ? AND chat_id = ?")
        .run(this.owner, now + limits.leaseMs, now, row.announcementId, row.chatId);
      this.recordSendNow(row.chatId, 'queue', now);
      return { delivery: { ...row, status: 'sending' } };
    });
  }

  /** With nothing claimable now: when something may be (a retry time, a group's minute, a lease). */
  private nextClaimIn(now: number, limits: ClaimLimits): number {
    const r = this.stmt(
      `SELECT MIN(CASE
               WHEN d.status = 'sending' THEN d.lease_until
               WHEN d.not_before > @now THEN d.not_before
               ELSE (SELECT MIN(s.at) FROM sends s WHERE s.chat_id = d.chat_id AND s.at > @now - 60000) + 60000
             END) AS at
       FROM deliveries d WHERE d.status IN ('pending', 'sending')`,
    ).get({ now }) as { at: number | null };
    return r.at === null ? Infinity : Math.min(Math.max(1, r.at - now), limits.leaseMs);
  }

  async partSent(announcementId: number, chatId: number, partsSent: number, messageId: number | undefined, now = Date.now()): Promise<void> {
    this.stmt('UPDATE deliveries SET parts_sent = ?, message_id = COALESCE(message_id, ?), updated_at = ? WHERE announcement_id = ? AND chat_id = ?')
      .run(partsSent, messageId ?? null, now, announcementId, chatId);
  }

  async mark(announcementId: number, chatId: number, status: DeliveryStatus, extra: MarkExtra = {}, now = Date.now()): Promise<void> {
    this.markNow(announcementId, chatId, status, extra, now);
  }

  private markNow(announcementId: number, chatId: number, status: DeliveryStatus, extra: MarkExtra, now: number): void {
    this.stmt(
      `UPDATE deliveries SET status = ?, message_id = COALESCE(message_id, ?), error = ?, attempts = attempts + ?, not_before = ?,
         owner = NULL, lease_until = NULL, updated_at = ?
       WHERE announcement_id = ? AND chat_id = ?`,
    ).run(status, extra.messageId ?? null, extra.error ?? null, extra.attempt ? 1 : 0, extra.notBefore ?? null, now, announcementId, chatId);
  }

  async markRemoved(announcementId: number, chatId: number, error: string, now = Date.now()): Promise<void> {
    this.write(() => {
      this.markNow(announcementId, chatId, 'removed', { error }, now);
      this.stmt('DELETE FROM subscriptions WHERE chat_id = ?').run(chatId);
    });
  }

  async markMigrated(announcementId: number, chatId: number, to: number, now = Date.now()): Promise<void> {
    this.write(() => {
      this.migrateNow(chatId, to);
      this.addDeliveryNow(announcementId, to, now);
      this.markNow(announcementId, chatId, 'migrated', { error: `migrated to ${to}` }, now);
    });
  }

  /** Adds a delivery (a migrated group's new id) to an announcement. */
  private addDeliveryNow(announcementId: number, chatId: number, now: number): void {
    this.stmt("INSERT OR IGNORE INTO deliveries (announcement_id, chat_id, status, updated_at) VALUES (?, ?, 'pending', ?)").run(announcementId, chatId, now);
  }

  async finish(now: number, html: ReportHtml | undefined, id?: number): Promise<number> {
    return this.write(() => {
      const done = this.stmt(
        `SELECT id, report_to AS reportTo, report_lang AS reportLang FROM announcements a
         WHERE finished_at IS NULL AND (@id IS NULL OR id = @id) AND (@canReport OR report_to IS NULL)
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.announcement_id = a.id AND d.status IN ('pending', 'sending'))`,
      ).all({ id: id ?? null, canReport: html ? 1 : 0 }) as { id: number; reportTo: number | null; reportLang: Lang | null }[];
      for (const a of done) {
        this.stmt('UPDATE announcements SET finished_at = ? WHERE id = ?').run(now, a.id);
        if (a.reportTo !== null && html) this.announceNow('report', html(this.reportNow(a.id), a.reportLang ?? 'zh-Hans'), [a.reportTo], undefined, now);
      }
      return done.length;
    });
  }

  async delivery(announcementId: number, chatId: number): Promise<{ status: DeliveryStatus; messageId: number | null; error: string | null } | undefined> {
    return this.stmt('SELECT status, message_id AS messageId, error FROM deliveries WHERE announcement_id = ? AND chat_id = ?').get(announcementId, chatId) as
      | { status: DeliveryStatus; messageId: number | null; error: string | null }
      | undefined;
  }

  async report(announcementId: number): Promise<Report> {
    return this.reportNow(announcementId);
  }

  private reportNow(announcementId: number): Report {
    return toReport(this.stmt('SELECT status, COUNT(*) AS n FROM deliveries WHERE announcement_id = ? GROUP BY status').all(announcementId) as { status: DeliveryStatus; n: number }[]);
  }

  async openPostsIn(chatId: number): Promise<number> {
    return (
      this.stmt(
        `SELECT COUNT(*) AS n FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
         WHERE d.chat_id = ? AND d.status IN ('pending', 'sending') AND a.kind IN ('group', 'private')`,
      ).get(chatId) as { n: number }
    ).n;
  }

  async unfinished(): Promise<number[]> {
    return (this.stmt("SELECT DISTINCT announcement_id AS id FROM deliveries WHERE status IN ('pending', 'sending') ORDER BY id").all() as { id: number }[]).map((r) => r.id);
  }

  async pendingDeliveries(): Promise<number> {
    return (this.stmt("SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('pending', 'sending')").get() as { n: number }).n;
  }

  async recordSend(chatId: number, source: 'queue' | 'answer', now = Date.now()): Promise<void> {
    this.recordSendNow(chatId, source, now);
  }

  private recordSendNow(chatId: number, source: 'queue' | 'answer', now: number): void {
    this.stmt('INSERT INTO sends (chat_id, at, source, owner) VALUES (?, ?, ?, ?)').run(chatId, now, source, this.owner);
  }

  async recordSends(batch: Send[]): Promise<void> {
    this.write(() => {
      for (const s of batch) this.recordSendNow(s.chatId, s.source, s.at);
    });
  }

  async sendsAfter(cursor: number, limit = 5_000): Promise<{ cursor: number; sends: Send[] }> {
    // Row ids start again at 1 once every row was pruned: a cursor past the last row starts over.
    const last = (this.stmt('SELECT MAX(rowid) AS id FROM sends').get() as { id: number | null }).id ?? 0;
    if (last < cursor) cursor = 0;
    const rows = this.stmt('SELECT rowid AS id, chat_id AS chatId, at, source, owner FROM sends WHERE rowid > ? ORDER BY rowid LIMIT ?').all(cursor, limit) as (Send & { id: number; owner: string | null })[];
    return { cursor: rows.at(-1)?.id ?? cursor, sends: rows.filter((r) => r.owner !== this.owner).map(({ chatId, at, source }) => ({ chatId, at, source })) };
  }

  async pruneSends(now = Date.now()): Promise<void> {
    this.stmt('DELETE FROM sends WHERE at < ?').run(now - 120_000);
  }

  async releaseDeadClaims(): Promise<number> {
    const owners = this.stmt("SELECT DISTINCT owner FROM deliveries WHERE status = 'sending' AND owner IS NOT NULL").all() as { owner: string }[];
    let released = 0;
    for (const { owner } of owners) {
      if (deadOwner(owner, this.owner)) released += this.stmt("UPDATE deliveries SET lease_until = 0 WHERE status = 'sending' AND owner = ?").run(owner).changes;
    }
    return released;
  }

  // Conversation subjects ------------------------------------------------------------------------

  async rememberSubjects(batch: SharedSubject[], now = Date.now()): Promise<void> {
    const upsert = this.stmt(
      `INSERT INTO conversations (key, subject, until, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET subject = excluded.subject, until = excluded.until, updated_at = excluded.updated_at
       WHERE excluded.until > conversations.until`,
    );
    this.write(() => {
      for (const s of batch) upsert.run(s.key, s.subject, s.until, now);
    });
  }

  async subjectsSince(since: number, now: number): Promise<(SharedSubject & { at: number })[]> {
    return this.stmt('SELECT key, subject, until, updated_at AS at FROM conversations WHERE updated_at >= ? AND until > ? ORDER BY updated_at').all(since, now) as (SharedSubject & {
      at: number;
    })[];
  }

  async pruneSubjects(now: number): Promise<number> {
    return this.stmt('DELETE FROM conversations WHERE until <= ?').run(now).changes;
  }

  // The question log and votes ------------------------------------------------------------------

  async logQuestions(batch: PendingQuestion[]): Promise<void> {
    const insert = this.stmt(
      `INSERT INTO questions (id, at, door, lang, question, outcome, score, article, sentence, latency_ms, learned)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.write(() => {
      for (const { id, at, row: q } of batch) {
        insert.run(id, at, q.door, q.lang, q.question, q.outcome, q.score ?? null, q.article ?? null, q.sentence ?? null, q.latencyMs ?? null, q.learned ? 1 : null);
      }
    });
  }

  async vote(id: number, up: boolean, now = Date.now()): Promise<boolean> {
    return this.stmt('UPDATE questions SET vote = ?, voted_at = ? WHERE id = ? AND vote IS NULL').run(up ? 1 : -1, now, id).changes === 1;
  }

  async pick(id: number, article: string, sentence: string, now = Date.now()): Promise<boolean> {
    return this.stmt('UPDATE questions SET picked_article = ?, picked_sentence = ?, picked_at = ? WHERE id = ? AND picked_at IS NULL').run(article, sentence, now, id).changes === 1;
  }

  async questionsSince(since: number): Promise<LogRow[]> {
    return (this.stmt(`${LOG_SELECT} WHERE at >= ? ORDER BY at, id`).all(since) as RawLogRow[]).map(logRow);
  }

  async question(id: number): Promise<LogRow | undefined> {
    const row = this.stmt(`${LOG_SELECT} WHERE id = ?`).get(id) as RawLogRow | undefined;
    return row && logRow(row);
  }

  async pruneQuestions(before: number): Promise<number> {
    return this.stmt('DELETE FROM questions WHERE at < ?').run(before).changes;
  }

  // What operators taught ---------------------------------------------------------------------

  async teach(t: Teaching, now = Date.now()): Promise<number> {
    const insert = this.stmt(
      'INSERT INTO teachings (key, question, lang, kind, article, sentence, version, taught_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return Number(this.write(() => insert.run(t.key, t.question, t.lang, t.kind, t.article, t.sentence, t.version, t.taughtBy, now)).lastInsertRowid);
  }

  async unteach(taughtBy: string, now = Date.now()): Promise<TeachingRow | undefined> {
    return this.write(() => {
      const row = this.stmt(`${TEACHING_SELECT} WHERE taught_by = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1`).get(taughtBy) as TeachingRow | undefined;
      if (row) this.stmt('UPDATE teachings SET undone_at = ? WHERE id = ?').run(now, row.id);
      return row;
    });
  }

  async teachings(): Promise<TeachingRow[]> {
    return this.stmt(`${TEACHING_SELECT} WHERE undone_at IS NULL ORDER BY id`).all() as TeachingRow[];
  }

  async teachingStamp(): Promise<string> {
    const r = this.stmt('SELECT count(*) AS n, coalesce(max(id), 0) AS last, coalesce(max(undone_at), 0) AS undone FROM teachings').get() as { n: number; last: number; undone: number };
    return `${r.n}:${r.last}:${r.undone}`;
  }
}
