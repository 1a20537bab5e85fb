/**
 * The bot's state in one SQLite file (better-sqlite3, WAL): chat settings, subscriptions,
 * announcements, one delivery record per chat per announcement, and a log of recent sends that every
 * process on the same file shares for its rate limits. Migrations are code, run at open, in order,
 * each once. Every method is one short synchronous transaction: a crash leaves either the state
 * before it or after it.
 *
 * Several processes may open the same file (the bot and `npm run broadcast`, or two bots): a
 * delivery is sent only by the process that claimed it (`claim`), and the rates are counted from the
 * shared log. SQLite waits at most BUSY_TIMEOUT_MS for a lock another process holds, then throws
 * SQLITE_BUSY: callers retry without blocking (`retryBusy`), so a lock held elsewhere delays a write,
 * never the event loop.
 */
import Database from 'better-sqlite3';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Lang } from '../knowledge/schema.js';

/** How long one statement waits for another connection's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 20;
/** The same while opening: nobody is waiting yet, and a restart must not fail on a short transaction elsewhere. */
const OPEN_BUSY_TIMEOUT_MS = 5_000;

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
];

export type Cadence = 'daily' | 'weekly';

export type Door = 'private' | 'group' | 'inline' | 'cli';
export type Outcome = 'answered' | 'partial' | 'declined' | 'greeting' | 'help';

/** A question as the log keeps it: never a user id, chat id or name. */
export interface LoggedQuestion {
  door: Door;
  lang: string;
  /** The question with personal data replaced (scrub.ts). */
  question: string;
  outcome: Outcome;
  score?: number | undefined;
  article?: string | undefined;
  sentence?: string | undefined;
  latencyMs?: number | undefined;
}

/** A logged question as read back. */
export interface LogRow extends LoggedQuestion {
  id: number;
  at: number;
  vote: -1 | 1 | null;
}

const LOG_SELECT = 'SELECT id, at, door, lang, question, outcome, score, article, sentence, latency_ms AS latencyMs, vote FROM questions';
type RawLogRow = Omit<LogRow, 'score' | 'article' | 'sentence' | 'latencyMs'> & { score: number | null; article: string | null; sentence: string | null; latencyMs: number | null };
const logRow = (r: RawLogRow): LogRow => ({ ...r, score: r.score ?? undefined, article: r.article ?? undefined, sentence: r.sentence ?? undefined, latencyMs: r.latencyMs ?? undefined });
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

/** A delivery this process claimed: it alone sends it, until `leaseUntil`. */
export interface ClaimedDelivery extends Delivery {
  /** Parts of a long message already sent (a resumed delivery starts after them). */
  partsSent: number;
}

/** What `claim` found: a delivery to send now, or how long to wait before asking again. */
export type Claim = { delivery: ClaimedDelivery } | { delivery?: undefined; waitMs: number };

export interface ClaimLimits {
  /** How long the claim holds: past it, another process may take the delivery over. */
  leaseMs: number;
  /** Announcement messages per second, over every process on this file. */
  perSecond: number;
  /** Messages per minute to one group (answers included), over every process on this file. */
  perGroupPerMinute: number;
}

/** What went wrong with the storage, in words an operator can act on. */
export type StorageFault = 'busy' | 'full' | 'readonly' | 'gone' | 'io';

/** The storage fault behind an error thrown by better-sqlite3, or undefined for any other error. */
export function storageFault(err: unknown): StorageFault | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code === 'SQLITE_FULL') return 'full';
  if (code === 'SQLITE_READONLY_DBMOVED') return 'gone';
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return 'readonly';
  return 'io';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a storage call, retrying while another connection holds the lock (SQLITE_BUSY), with a
 * growing pause between tries (25 ms … `maxPauseMs`) during which the event loop is free. Gives up
 * after `deadlineMs` by throwing the last SQLITE_BUSY; any other error is thrown at once.
 */
export async function retryBusy<T>(call: () => T, o: { deadlineMs?: number; maxPauseMs?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<T> {
  const deadline = Date.now() + (o.deadlineMs ?? 5_000);
  for (let pause = 25; ; pause = Math.min(pause * 2, o.maxPauseMs ?? 500)) {
    try {
      return call();
    } catch (err) {
      if (storageFault(err) !== 'busy' || Date.now() + pause > deadline) throw err;
      await (o.sleep ?? sleep)(pause);
    }
  }
}

/** The database cannot be opened or written at start: the message names the file and the fix. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** This process's name in claims: host, pid and a random part (a restarted pid 1 is someone new). */
function ownerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
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
  private readonly db: Database.Database;
  /** Prepared statements by their SQL: preparing costs more than running most of them. */
  private readonly statements = new Map<string, Database.Statement>();
  /** This process in claims (see `claim`). */
  readonly owner = ownerName();
  private readonly inode: number | undefined;

  /**
   * Opens (creating folders and file as needed), migrates and proves it can write, or throws a
   * StoreOpenError naming the file and the fix. `:memory:` for a throwaway store.
   */
  constructor(readonly file: string) {
    try {
      if (file !== ':memory:') {
        mkdirSync(path.dirname(file), { recursive: true });
        // WAL keeps two files beside the database: the folder must be writable too.
        accessSync(path.dirname(file), constants.W_OK);
      }
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
      this.migrate();
      // The write probe: a read-only file or folder fails here, not at a user's first /subscribe.
      this.db.transaction(() => this.stmt('UPDATE schema_version SET version = version').run()).immediate();
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.inode = file === ':memory:' ? undefined : statSync(file).ino;
    } catch (err) {
      const why = (err as Error).message;
      throw new StoreOpenError(
        `storage: cannot open ${path.resolve(file)} for writing (${why}). Make DATA_DIR (${path.resolve(path.dirname(file))}) ` +
          'and the file in it writable by this user, free some disk space, or set DATA_DIR to another folder.',
      );
    }
  }

  /**
   * Whether the file this store opened is still the one at its path: deleted or replaced, writes
   * would go to a file nobody will ever open again.
   */
  sameFile(): boolean {
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
        for (let v = current; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]!);
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

  close(): void {
    this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /**
   * Runs several writes as one (immediate) transaction: all of them or none. Like every method, it
   * throws SQLITE_BUSY when another process holds the lock (see retryBusy).
   */
  transaction<T>(writes: () => T): T {
    return this.db.transaction(writes).immediate();
  }

  // Chat settings ------------------------------------------------------------------------------

  lang(chatId: number): Lang | undefined {
    const row = this.stmt('SELECT lang FROM chats WHERE chat_id = ?').get(chatId) as { lang: Lang | null } | undefined;
    return row?.lang ?? undefined;
  }

  setLang(chatId: number, lang: Lang | undefined, now = Date.now()): void {
    this.stmt('INSERT INTO chats (chat_id, lang, updated_at) VALUES (?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at')
      .run(chatId, lang ?? null, now);
  }

  // Subscriptions -------------------------------------------------------------------------------

  subscribe(s: Omit<Subscription, 'nextFact'> & { createdBy?: number | undefined }, now = Date.now()): void {
    this.stmt(
        `INSERT INTO subscriptions (chat_id, chat_type, cadence, weekday, time, next_fact, next_at, created_by, created_at)
         VALUES (@chatId, @chatType, @cadence, @weekday, @time, 0, @nextAt, @createdBy, @now)
         ON CONFLICT (chat_id) DO UPDATE SET cadence = excluded.cadence, weekday = excluded.weekday, time = excluded.time,
           next_at = excluded.next_at, chat_type = excluded.chat_type`,
      )
      .run({ ...s, createdBy: s.createdBy ?? null, now });
  }

  unsubscribe(chatId: number): boolean {
    return this.stmt('DELETE FROM subscriptions WHERE chat_id = ?').run(chatId).changes > 0;
  }

  subscription(chatId: number): Subscription | undefined {
    const row = this.stmt('SELECT * FROM subscriptions WHERE chat_id = ?').get(chatId) as SubscriptionRow | undefined;
    return row ? toSubscription(row) : undefined;
  }

  subscriptions(): Subscription[] {
    return (this.stmt('SELECT * FROM subscriptions ORDER BY chat_id').all() as SubscriptionRow[]).map(toSubscription);
  }

  /** Subscriptions whose next post is due at `now` or earlier. */
  due(now: number): Subscription[] {
    return (this.stmt('SELECT * FROM subscriptions WHERE next_at <= ? ORDER BY next_at').all(now) as SubscriptionRow[]).map(toSubscription);
  }

  /** Moves a subscription on: next post time and rotation position. */
  advance(chatId: number, nextAt: number, nextFact: number): void {
    this.stmt('UPDATE subscriptions SET next_at = ?, next_fact = ? WHERE chat_id = ?').run(nextAt, nextFact, chatId);
  }

  /** A group became a supergroup: its subscription and settings follow the new id. */
  migrateChat(from: number, to: number): void {
    this.db.transaction(() => {
      this.stmt('UPDATE OR REPLACE subscriptions SET chat_id = ? WHERE chat_id = ?').run(to, from);
      this.stmt('UPDATE OR REPLACE chats SET chat_id = ? WHERE chat_id = ?').run(to, from);
    })();
  }

  // Announcements and deliveries ------------------------------------------------------------------

  /** Records an announcement and a pending delivery for each chat, in one transaction. */
  announce(kind: string, html: string, chatIds: number[], createdBy?: number, now = Date.now()): number {
    return this.db.transaction(() => {
      const id = Number(
        this.stmt('INSERT INTO announcements (kind, html, created_by, created_at) VALUES (?, ?, ?, ?)').run(kind, html, createdBy ?? null, now).lastInsertRowid,
      );
      const insert = this.stmt("INSERT OR IGNORE INTO deliveries (announcement_id, chat_id, status, updated_at) VALUES (?, ?, 'pending', ?)");
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
      this.stmt(
          `SELECT d.announcement_id AS announcementId, d.chat_id AS chatId, d.status, d.attempts, a.html
           FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
           WHERE d.status IN ('pending', 'sending')
           ORDER BY d.status = 'sending' DESC, a.kind = 'broadcast', d.announcement_id, d.chat_id LIMIT ?`,
        )
        .all(limit) as Delivery[]
    );
  }

  /**
   * Claims the next delivery to send, in one immediate transaction, so that no other process can
   * claim it too: a pending one (whose retry time has come), or one whose claim has lapsed (its
   * owner crashed), first in `openDeliveries` order, skipping groups at their per-minute limit; none
   * while the announcements sent in the last second reach `perSecond`. The claim is logged as a send
   * (the rates count it). With nothing to send now, says how long to wait.
   */
  claim(now: number, limits: ClaimLimits): Claim {
    return this.db
      .transaction((): Claim => {
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
             ORDER BY d.status = 'sending' DESC, a.kind = 'broadcast', d.announcement_id, d.chat_id LIMIT 1`,
          )
          .get({ now, perGroup: limits.perGroupPerMinute }) as ClaimedDelivery | undefined;
        if (!row) return { waitMs: this.nextClaimIn(now, limits) };
        this.stmt("UPDATE deliveries SET status = 'sending', owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE announcement_id = ? AND chat_id = ?")
          .run(this.owner, now + limits.leaseMs, now, row.announcementId, row.chatId);
        this.recordSend(row.chatId, 'queue', now);
        return { delivery: { ...row, status: 'sending' } };
      })
      .immediate();
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
      )
      .get({ now }) as { at: number | null };
    return r.at === null ? Infinity : Math.min(Math.max(1, r.at - now), limits.leaseMs);
  }

  // The question log and votes ------------------------------------------------------------------

  /** Logs a question (already scrubbed: see scrub.ts), with the given id or a new one; its id. */
  logQuestion(q: LoggedQuestion, now = Date.now(), id?: number): number {
    const r = this.stmt(
      `INSERT INTO questions (id, at, door, lang, question, outcome, score, article, sentence, latency_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id ?? null, now, q.door, q.lang, q.question, q.outcome, q.score ?? null, q.article ?? null, q.sentence ?? null, q.latencyMs ?? null);
    return Number(r.lastInsertRowid);
  }

  /** Records a vote on a logged answer: false when there is no such question or it has a vote already. */
  vote(id: number, up: boolean, now = Date.now()): boolean {
    return this.stmt('UPDATE questions SET vote = ?, voted_at = ? WHERE id = ? AND vote IS NULL').run(up ? 1 : -1, now, id).changes === 1;
  }

  /** The logged questions since `since` (epoch ms), oldest first. */
  questionsSince(since: number): LogRow[] {
    return (this.stmt(`${LOG_SELECT} WHERE at >= ? ORDER BY at, id`).all(since) as RawLogRow[]).map(logRow);
  }

  /** One logged question, with its vote. */
  question(id: number): LogRow | undefined {
    const row = this.stmt(`${LOG_SELECT} WHERE id = ?`).get(id) as RawLogRow | undefined;
    return row && logRow(row);
  }

  /** Deliveries waiting to be sent (pending or sending), over every process. */
  pendingDeliveries(): number {
    return (this.stmt("SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('pending', 'sending')").get() as { n: number }).n;
  }

  /** Forgets logged questions older than `before` (epoch ms); how many. */
  pruneQuestions(before: number): number {
    return this.stmt('DELETE FROM questions WHERE at < ?').run(before).changes;
  }

  /** Logs a message sent to a chat (an answer in a group, or a part of an announcement): the rates count it. */
  recordSend(chatId: number, source: 'queue' | 'answer', now = Date.now()): void {
    this.stmt('INSERT INTO sends (chat_id, at, source) VALUES (?, ?, ?)').run(chatId, now, source);
  }

  /** Forgets sends older than any rate window. */
  pruneSends(now = Date.now()): void {
    this.stmt('DELETE FROM sends WHERE at < ?').run(now - 120_000);
  }

  /**
   * Releases claims of processes on this host that are gone (or were this pid before a restart), so
   * a restart resends what was in flight at once rather than after the lease. Returns how many.
   */
  releaseDeadClaims(): number {
    const host = hostname();
    const owners = this.stmt("SELECT DISTINCT owner FROM deliveries WHERE status = 'sending' AND owner IS NOT NULL").all() as { owner: string }[];
    let released = 0;
    for (const { owner } of owners) {
      const [ownerHost, pid] = owner.split(':');
      if (owner === this.owner || ownerHost !== host) continue;
      if (Number(pid) !== process.pid && pidAlive(Number(pid))) continue;
      released += this.stmt("UPDATE deliveries SET lease_until = 0 WHERE status = 'sending' AND owner = ?").run(owner).changes;
    }
    return released;
  }

  /** One more part of a long message went out. */
  partSent(announcementId: number, chatId: number, partsSent: number, messageId: number | undefined, now = Date.now()): void {
    this.stmt('UPDATE deliveries SET parts_sent = ?, message_id = COALESCE(message_id, ?), updated_at = ? WHERE announcement_id = ? AND chat_id = ?')
      .run(partsSent, messageId ?? null, now, announcementId, chatId);
  }

  /**
   * Marks a delivery, releasing its claim; `attempt` counts a try, `notBefore` delays the next one.
   * A delivery's first message id is kept.
   */
  mark(
    announcementId: number,
    chatId: number,
    status: DeliveryStatus,
    extra: { messageId?: number; error?: string; attempt?: boolean; notBefore?: number } = {},
    now = Date.now(),
  ): void {
    this.stmt(
        `UPDATE deliveries SET status = ?, message_id = COALESCE(message_id, ?), error = ?, attempts = attempts + ?, not_before = ?,
           owner = NULL, lease_until = NULL, updated_at = ?
         WHERE announcement_id = ? AND chat_id = ?`,
      )
      .run(status, extra.messageId ?? null, extra.error ?? null, extra.attempt ? 1 : 0, extra.notBefore ?? null, now, announcementId, chatId);
  }

  /** Adds a delivery (a migrated group's new id) to an announcement. */
  addDelivery(announcementId: number, chatId: number, now = Date.now()): void {
    this.stmt("INSERT OR IGNORE INTO deliveries (announcement_id, chat_id, status, updated_at) VALUES (?, ?, 'pending', ?)").run(announcementId, chatId, now);
  }

  delivery(announcementId: number, chatId: number): { status: DeliveryStatus; messageId: number | null; error: string | null } | undefined {
    return this.stmt('SELECT status, message_id AS messageId, error FROM deliveries WHERE announcement_id = ? AND chat_id = ?')
      .get(announcementId, chatId) as { status: DeliveryStatus; messageId: number | null; error: string | null } | undefined;
  }

  report(announcementId: number): Report {
    const rows = this.stmt('SELECT status, COUNT(*) AS n FROM deliveries WHERE announcement_id = ? GROUP BY status').all(announcementId) as { status: DeliveryStatus; n: number }[];
    const count = (...s: DeliveryStatus[]) => rows.filter((r) => s.includes(r.status)).reduce((a, r) => a + r.n, 0);
    return { sent: count('sent'), failed: count('failed'), removed: count('removed'), pending: count('pending', 'sending') };
  }

  /** Open announcements recorded for this chat by its own members (groups and private chats, not broadcasts). */
  openPostsIn(chatId: number): number {
    return (
      this.stmt(
          `SELECT COUNT(*) AS n FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
           WHERE d.chat_id = ? AND d.status IN ('pending', 'sending') AND a.kind IN ('group', 'private')`,
        )
        .get(chatId) as { n: number }
    ).n;
  }

  /** Announcements with deliveries still to make. */
  unfinished(): number[] {
    return (this.stmt("SELECT DISTINCT announcement_id AS id FROM deliveries WHERE status IN ('pending', 'sending') ORDER BY id").all() as { id: number }[]).map(
      (r) => r.id,
    );
  }
}
