/**
 * The Store contract (store.ts) on PostgreSQL (`DATABASE_URL`), for several replicas sharing one
 * database: the `pg` driver with a connection pool; migrations in code, run at open under an advisory
 * lock so that replicas starting together migrate once.
 *
 * Across replicas: claims are serialised by a transaction-level advisory lock, so the rates every
 * claim checks (30 a second overall, 20 a minute to a group) are exact over all of them; due
 * subscriptions are taken with FOR UPDATE SKIP LOCKED, each by one replica. Each store holds a
 * session-level "presence" lock on a connection of its own for as long as it lives: a replica whose
 * session is gone (killed, or cut off) is known to be gone, and its claims are taken over at once.
 * The same connection can hold the polling leadership (`lead`), which PostgreSQL releases when the
 * connection ends.
 */
import pg from 'pg';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../log.js';
import { asLogged } from './question-log.js';
import {
  ownerName,
  StoreOpenError,
  storageFault,
  toReport,
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

/** A schema change (SQL), or a change of the data made in code (in the migration's transaction). */
type Migration = string | ((c: pg.PoolClient) => Promise<void>);

const MIGRATIONS: Migration[] = [
  `CREATE TABLE chats (
     chat_id BIGINT PRIMARY KEY,
     lang TEXT,
     updated_at BIGINT NOT NULL
   );
   CREATE INDEX chats_updated ON chats (updated_at);
   CREATE TABLE subscriptions (
     chat_id BIGINT PRIMARY KEY,
     chat_type TEXT NOT NULL,
     cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly')),
     weekday INTEGER CHECK (weekday BETWEEN 1 AND 7),
     time TEXT NOT NULL,
     next_fact INTEGER NOT NULL DEFAULT 0,
     next_at BIGINT NOT NULL,
     created_by BIGINT,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX subscriptions_due ON subscriptions (next_at);
   CREATE TABLE announcements (
     id BIGSERIAL PRIMARY KEY,
     kind TEXT NOT NULL,
     html TEXT NOT NULL,
     created_by BIGINT,
     created_at BIGINT NOT NULL,
     finished_at BIGINT,
     report_to BIGINT,
     report_lang TEXT
   );
   CREATE INDEX announcements_open ON announcements (id) WHERE finished_at IS NULL;
   CREATE TABLE deliveries (
     announcement_id BIGINT NOT NULL REFERENCES announcements(id),
     chat_id BIGINT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'removed', 'migrated')),
     attempts INTEGER NOT NULL DEFAULT 0,
     message_id BIGINT,
     error TEXT,
     updated_at BIGINT NOT NULL,
     owner TEXT,
     lease_until BIGINT,
     not_before BIGINT,
     parts_sent INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (announcement_id, chat_id)
   );
   CREATE INDEX deliveries_open ON deliveries (status, announcement_id) WHERE status IN ('pending', 'sending');
   CREATE TABLE sends (
     id BIGSERIAL PRIMARY KEY,
     chat_id BIGINT NOT NULL,
     at BIGINT NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('queue', 'answer')),
     owner TEXT
   );
   CREATE INDEX sends_at ON sends (at);
   CREATE INDEX sends_chat ON sends (chat_id, at);
   CREATE TABLE questions (
     id BIGINT PRIMARY KEY,
     at BIGINT NOT NULL,
     door TEXT NOT NULL CHECK (door IN ('private', 'group', 'inline', 'cli')),
     lang TEXT NOT NULL,
     question TEXT NOT NULL,
     outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'partial', 'declined', 'greeting', 'help')),
     score DOUBLE PRECISION,
     article TEXT,
     sentence TEXT,
     latency_ms DOUBLE PRECISION,
     vote SMALLINT CHECK (vote IN (-1, 1)),
     voted_at BIGINT
   );
   CREATE INDEX questions_at ON questions (at);
   CREATE TABLE conversations (
     key TEXT PRIMARY KEY,
     subject TEXT NOT NULL,
     until BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE INDEX conversations_updated ON conversations (updated_at);`,
  // Questions logged before the scrubber knew every form /privacy now lists (phone numbers with dots
  // or several spaces, ID and passport numbers, names in introductions) or capped them: kept as the
  // log keeps a question today.
  async (c) => {
    const { rows } = await c.query<{ id: string; question: string }>('SELECT id, question FROM questions');
    for (const row of rows) {
      const kept = asLogged(row.question);
      if (kept !== row.question) await c.query('UPDATE questions SET question = $1 WHERE id = $2', [kept, row.id]);
    }
  },
  // The "did you mean" choice the asker tapped: an article and a sentence, no more.
  `ALTER TABLE questions ADD COLUMN picked_article TEXT;
   ALTER TABLE questions ADD COLUMN picked_sentence TEXT;
   ALTER TABLE questions ADD COLUMN picked_at BIGINT;`,
  // What operators taught (/review): kept until undone; who taught it only as a hash. And which
  // logged answers a teaching gave.
  `CREATE TABLE teachings (
     id BIGSERIAL PRIMARY KEY,
     key TEXT NOT NULL,
     question TEXT NOT NULL,
     lang TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('phrasing', 'decline', 'skip')),
     article TEXT,
     sentence TEXT,
     version TEXT,
     taught_by TEXT NOT NULL,
     at BIGINT NOT NULL,
     undone_at BIGINT
   );
   CREATE INDEX teachings_by ON teachings (taught_by, id);
   ALTER TABLE questions ADD COLUMN learned BOOLEAN;`,
];

/** Advisory lock keys: this application's namespace, and one number per purpose. */
const LOCKS = 0x7266_6f72; // 'rfor'
const MIGRATE_LOCK = 1;
const CLAIM_LOCK = 2;
const LEADER_LOCK = 3;
/** Presence locks live in a namespace of their own, keyed by hashtext(owner). */
const PRESENCE = 0x7266_6f73;

/** Connections per replica: claims, the log's batches and commands rarely need more than a few. */
const POOL_SIZE = 8;
/** A connection that cannot be made within this is a fault (retried by the caller), not a hang. */
const CONNECT_TIMEOUT_MS = 3_000;
/** No statement may hold a connection longer. */
const STATEMENT_TIMEOUT_MS = 10_000;
/** How soon a lost presence connection is tried again. */
const PRESENCE_RETRY_MS = 1_000;

/** BIGINT columns (chat ids, epoch ms, counts) as numbers: every value here fits in 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** The URL with its password hidden: for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL (not a URL)';
  }
}

/** The password in a database URL (decoded), for the logger to hide; '' without one. */
export function databasePassword(url: string | undefined): string {
  if (!url) return '';
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

const SUBSCRIPTION_COLUMNS = 'chat_id AS "chatId", chat_type AS "chatType", cadence, weekday, time, next_fact AS "nextFact", next_at AS "nextAt"';
const TEACHING_SELECT = 'SELECT id, key, question, lang, kind, article, sentence, version, taught_by AS "taughtBy", at FROM teachings';

const LOG_SELECT =
  'SELECT id, at, door, lang, question, outcome, score, article, sentence, latency_ms AS "latencyMs", vote, picked_article AS "pickedArticle", picked_sentence AS "pickedSentence", learned FROM questions';
const DELIVERY_ORDER = "ORDER BY d.status = 'sending' DESC, a.kind = 'broadcast', d.announcement_id, d.chat_id";

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface PostgresOptions {
  log?: Logger;
  /** Connections in the pool (default 8). */
  poolSize?: number;
}

export class PostgresStore implements Store {
  readonly backend = 'postgres';
  readonly owner = ownerName();
  readonly where: string;
  private presence: pg.Client | undefined;
  private leading = false;
  private closed = false;
  private presenceRetry: NodeJS.Timeout | undefined;
  /** Called when this store stops holding the polling leadership (its connection was lost). */
  private onLostLead: (() => void) | undefined;

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly log: Logger | undefined,
  ) {
    this.where = redactUrl(url);
  }

  /**
   * Connects, migrates (once, whoever else starts at the same time) and takes its presence lock, or
   * throws a StoreOpenError naming the database (never its password) and the fix.
   */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: STATEMENT_TIMEOUT_MS,
      keepAlive: true,
      types,
    });
    // An idle connection that breaks (the server restarted) is dropped from the pool; the next query makes a new one.
    pool.on('error', (err) => options.log?.warn({ err }, 'database: an idle connection was lost'));
    const store = new PostgresStore(url, pool, options.log);
    try {
      await store.migrate();
      await store.connectPresence();
    } catch (err) {
      await pool.end().catch(() => {});
      await store.presence?.end().catch(() => {});
      const why = err instanceof Error ? err.message || (err as { code?: string }).code : String(err);
      throw new StoreOpenError(
        `storage: cannot use the PostgreSQL database at ${store.where} (${why}). Check DATABASE_URL (host, port, user, password, database name) ` +
          'and that the server is running and reachable, or unset DATABASE_URL to use the SQLite file in DATA_DIR.',
      );
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // Replicas starting together: the first migrates, the others wait here and find it done.
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCKS, MIGRATE_LOCK]);
      await c.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const row = (await c.query<{ version: number }>('SELECT version FROM schema_version')).rows[0];
      const current = row?.version ?? 0;
      if (current >= MIGRATIONS.length) return;
      for (let v = current; v < MIGRATIONS.length; v++) {
        const m = MIGRATIONS[v]!;
        if (typeof m === 'string') await c.query(m);
        else await m(c);
      }
      if (row) await c.query('UPDATE schema_version SET version = $1', [MIGRATIONS.length]);
      else await c.query('INSERT INTO schema_version (version) VALUES ($1)', [MIGRATIONS.length]);
    });
  }

  /** The connection holding this store's presence lock (and the leadership, when it has it). */
  private async connectPresence(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true, types });
    client.on('error', (err) => this.presenceLost(client, err));
    client.on('end', () => this.presenceLost(client, new Error('connection ended')));
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [PRESENCE, this.owner]);
    this.presence = client;
  }

  private presenceLost(client: pg.Client, err: Error): void {
    if (this.presence !== client || this.closed) return;
    this.presence = undefined;
    client.end().catch(() => {});
    this.log?.warn({ err }, 'database: the presence connection was lost; reconnecting');
    if (this.leading) {
      this.leading = false;
      this.onLostLead?.();
    }
    const retry = () => {
      this.presenceRetry = undefined;
      if (this.closed) return;
      this.connectPresence().catch((e: unknown) => {
        this.log?.warn({ err: e }, 'database: presence not restored yet');
        this.presenceRetry = setTimeout(retry, PRESENCE_RETRY_MS);
        this.presenceRetry.unref();
      });
    };
    this.presenceRetry = setTimeout(retry, PRESENCE_RETRY_MS);
    this.presenceRetry.unref();
  }

  /**
   * Tries to become the one replica that polls Telegram: true when this store now holds (or already
   * held) the leadership lock. `lost` is called if the leadership goes (its connection is lost).
   */
  async lead(lost: () => void): Promise<boolean> {
    if (this.leading) return true;
    const client = this.presence;
    if (!client) return false;
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCKS, LEADER_LOCK]);
    if (rows[0]?.ok) {
      this.leading = true;
      this.onLostLead = lost;
    }
    return this.leading;
  }

  /** Runs `work` in one transaction on one pooled connection: all of it or none. */
  private async tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      const result = await work(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      // A lost connection is not given back to the pool; a failed statement only rolls back.
      if (storageFault(err) === 'unreachable') broken = err as Error;
      else await c.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
      throw err;
    } finally {
      c.release(broken);
    }
  }

  private async q<R extends pg.QueryResultRow>(sql: string, values: unknown[] = [], on: Queryable = this.pool): Promise<pg.QueryResult<R>> {
    return on.query<R>(sql, values);
  }

  sameDatabase(): boolean {
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.presenceRetry);
    const presence = this.presence;
    this.presence = undefined;
    await presence?.end().catch(() => {});
    await this.pool.end();
  }

  // Chat settings ------------------------------------------------------------------------------

  async lang(chatId: number): Promise<Lang | undefined> {
    const { rows } = await this.q<{ lang: Lang | null }>('SELECT lang FROM chats WHERE chat_id = $1', [chatId]);
    return rows[0]?.lang ?? undefined;
  }

  async setLang(chatId: number, lang: Lang | undefined, now = Date.now()): Promise<void> {
    await this.q('INSERT INTO chats (chat_id, lang, updated_at) VALUES ($1, $2, $3) ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at', [
      chatId,
      lang ?? null,
      now,
    ]);
  }

  async langsSince(since: number): Promise<{ chatId: number; lang: Lang | undefined; at: number }[]> {
    const { rows } = await this.q<{ chatId: number; lang: Lang | null; at: number }>(
      'SELECT chat_id AS "chatId", lang, updated_at AS at FROM chats WHERE updated_at >= $1 ORDER BY updated_at',
      [since],
    );
    return rows.map((r) => ({ ...r, lang: r.lang ?? undefined }));
  }

  // Subscriptions -------------------------------------------------------------------------------

  async subscribe(s: NewSubscription, now = Date.now()): Promise<void> {
    await this.q(
      `INSERT INTO subscriptions (chat_id, chat_type, cadence, weekday, time, next_fact, next_at, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)
       ON CONFLICT (chat_id) DO UPDATE SET cadence = excluded.cadence, weekday = excluded.weekday, time = excluded.time,
         next_at = excluded.next_at, chat_type = excluded.chat_type`,
      [s.chatId, s.chatType, s.cadence, s.weekday, s.time, s.nextAt, s.createdBy ?? null, now],
    );
  }

  async unsubscribe(chatId: number): Promise<boolean> {
    return ((await this.q('DELETE FROM subscriptions WHERE chat_id = $1', [chatId])).rowCount ?? 0) > 0;
  }

  async subscription(chatId: number): Promise<Subscription | undefined> {
    return (await this.q<Subscription>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE chat_id = $1`, [chatId])).rows[0];
  }

  async subscriptions(): Promise<Subscription[]> {
    return (await this.q<Subscription>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions ORDER BY chat_id`)).rows;
  }

  /** Moves a subscription on: next post time and rotation position. */
  private async advance(c: Queryable, chatId: number, nextAt: number, nextFact: number): Promise<void> {
    await c.query('UPDATE subscriptions SET next_at = $1, next_fact = $2 WHERE chat_id = $3', [nextAt, nextFact, chatId]);
  }

  async postDue(now: number, plan: (s: Subscription) => DuePlan): Promise<number> {
    return this.tx(async (c) => {
      // Rows another replica is posting are skipped; once it commits they are no longer due.
      const due = (await c.query<Subscription>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE next_at <= $1 ORDER BY next_at FOR UPDATE SKIP LOCKED`, [now]))
        .rows;
      let posted = 0;
      for (const s of due) {
        const p = plan(s);
        if ('skipTo' in p) {
          await this.advance(c, s.chatId, p.skipTo, s.nextFact);
          continue;
        }
        await this.announceOn(c, 'scheduled', p.html, [s.chatId], undefined, now);
        await this.advance(c, s.chatId, p.nextAt, p.nextFact);
        posted++;
      }
      return posted;
    });
  }

  /** Moves a chat's subscription and settings to its new id, replacing any the new id had. */
  private async migrateOn(c: Queryable, from: number, to: number): Promise<void> {
    for (const table of ['subscriptions', 'chats']) {
      await c.query(`DELETE FROM ${table} WHERE chat_id = $2 AND EXISTS (SELECT 1 FROM ${table} WHERE chat_id = $1)`, [from, to]);
      await c.query(`UPDATE ${table} SET chat_id = $2 WHERE chat_id = $1`, [from, to]);
    }
  }

  // Announcements and deliveries ------------------------------------------------------------------

  async announce(kind: string, html: string, chatIds: number[], createdBy?: number, now = Date.now(), reportTo?: ReportTo): Promise<number> {
    return this.tx((c) => this.announceOn(c, kind, html, chatIds, createdBy, now, reportTo));
  }

  private async announceOn(c: Queryable, kind: string, html: string, chatIds: number[], createdBy: number | undefined, now: number, reportTo?: ReportTo): Promise<number> {
    const { rows } = await c.query<{ id: number }>(
      'INSERT INTO announcements (kind, html, created_by, created_at, report_to, report_lang) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [kind, html, createdBy ?? null, now, reportTo?.chatId ?? null, reportTo?.lang ?? null],
    );
    const id = rows[0]!.id;
    await c.query(
      `INSERT INTO deliveries (announcement_id, chat_id, status, updated_at)
       SELECT $1, chat_id, 'pending', $3 FROM unnest($2::bigint[]) AS chat_id ON CONFLICT DO NOTHING`,
      [id, chatIds, now],
    );
    return id;
  }

  async openDeliveries(limit = 500): Promise<Delivery[]> {
    return (
      await this.q<Delivery>(
        `SELECT d.announcement_id AS "announcementId", d.chat_id AS "chatId", d.status, d.attempts, a.html
         FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
         WHERE d.status IN ('pending', 'sending') ${DELIVERY_ORDER} LIMIT $1`,
        [limit],
      )
    ).rows;
  }

  async claim(now: number, limits: ClaimLimits): Promise<Claim> {
    return this.tx(async (c): Promise<Claim> => {
      // One claim at a time over every replica: the counts below are exact.
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCKS, CLAIM_LOCK]);
      const second = (await c.query<{ n: number; first: number | null }>("SELECT COUNT(*) AS n, MIN(at) AS first FROM sends WHERE source = 'queue' AND at > $1", [now - 1_000]))
        .rows[0]!;
      if (second.n >= limits.perSecond) return { waitMs: Math.max(1, second.first! + 1_000 - now) };
      const row = (
        await c.query<ClaimedDelivery>(
          `SELECT d.announcement_id AS "announcementId", d.chat_id AS "chatId", d.status, d.attempts, d.parts_sent AS "partsSent", a.html
           FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
           WHERE (d.status = 'pending' OR (d.status = 'sending' AND (d.lease_until IS NULL OR d.lease_until <= $1)))
             AND (d.not_before IS NULL OR d.not_before <= $1)
             AND (d.chat_id > 0 OR (SELECT COUNT(*) FROM sends s WHERE s.chat_id = d.chat_id AND s.at > $1 - 60000) < $2)
           ${DELIVERY_ORDER} LIMIT 1`,
          [now, limits.perGroupPerMinute],
        )
      ).rows[0];
      if (!row) return { waitMs: await this.nextClaimIn(c, now, limits) };
      await c.query(
        "UPDATE deliveries SET status = 'sending', owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3 WHERE announcement_id = $4 AND chat_id = $5",
        [this.owner, now + limits.leaseMs, now, row.announcementId, row.chatId],
      );
      await c.query("INSERT INTO sends (chat_id, at, source, owner) VALUES ($1, $2, 'queue', $3)", [row.chatId, now, this.owner]);
      return { delivery: { ...row, status: 'sending' } };
    });
  }

  private async nextClaimIn(c: Queryable, now: number, limits: ClaimLimits): Promise<number> {
    const { rows } = await c.query<{ at: number | null }>(
      `SELECT MIN(CASE
               WHEN d.status = 'sending' THEN d.lease_until
               WHEN d.not_before > $1 THEN d.not_before
               ELSE (SELECT MIN(s.at) FROM sends s WHERE s.chat_id = d.chat_id AND s.at > $1 - 60000) + 60000
             END) AS at
       FROM deliveries d WHERE d.status IN ('pending', 'sending')`,
      [now],
    );
    const at = rows[0]?.at ?? null;
    return at === null ? Infinity : Math.min(Math.max(1, at - now), limits.leaseMs);
  }

  async partSent(announcementId: number, chatId: number, partsSent: number, messageId: number | undefined, now = Date.now()): Promise<void> {
    await this.q('UPDATE deliveries SET parts_sent = $1, message_id = COALESCE(message_id, $2), updated_at = $3 WHERE announcement_id = $4 AND chat_id = $5', [
      partsSent,
      messageId ?? null,
      now,
      announcementId,
      chatId,
    ]);
  }

  async mark(announcementId: number, chatId: number, status: DeliveryStatus, extra: MarkExtra = {}, now = Date.now(), on: Queryable = this.pool): Promise<void> {
    await this.q(
      `UPDATE deliveries SET status = $1, message_id = COALESCE(message_id, $2), error = $3, attempts = attempts + $4, not_before = $5,
         owner = NULL, lease_until = NULL, updated_at = $6
       WHERE announcement_id = $7 AND chat_id = $8`,
      [status, extra.messageId ?? null, extra.error ?? null, extra.attempt ? 1 : 0, extra.notBefore ?? null, now, announcementId, chatId],
      on,
    );
  }

  async markRemoved(announcementId: number, chatId: number, error: string, now = Date.now()): Promise<void> {
    await this.tx(async (c) => {
      await this.mark(announcementId, chatId, 'removed', { error }, now, c);
      await c.query('DELETE FROM subscriptions WHERE chat_id = $1', [chatId]);
    });
  }

  async markMigrated(announcementId: number, chatId: number, to: number, now = Date.now()): Promise<void> {
    await this.tx(async (c) => {
      await this.migrateOn(c, chatId, to);
      await c.query("INSERT INTO deliveries (announcement_id, chat_id, status, updated_at) VALUES ($1, $2, 'pending', $3) ON CONFLICT DO NOTHING", [announcementId, to, now]);
      await this.mark(announcementId, chatId, 'migrated', { error: `migrated to ${to}` }, now, c);
    });
  }

  async finish(now: number, html: ReportHtml | undefined, id?: number): Promise<number> {
    return this.tx(async (c) => {
      // UPDATE … WHERE finished_at IS NULL: of two replicas finishing together, one gets the rows.
      const { rows } = await c.query<{ id: number; reportTo: number | null; reportLang: Lang | null }>(
        `UPDATE announcements a SET finished_at = $1
         WHERE finished_at IS NULL AND ($2::bigint IS NULL OR id = $2) AND ($3 OR report_to IS NULL)
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.announcement_id = a.id AND d.status IN ('pending', 'sending'))
         RETURNING id, report_to AS "reportTo", report_lang AS "reportLang"`,
        [now, id ?? null, html !== undefined],
      );
      for (const a of rows) {
        if (a.reportTo !== null && html) await this.announceOn(c, 'report', html(await this.reportOn(c, a.id), a.reportLang ?? 'zh-Hans'), [a.reportTo], undefined, now);
      }
      return rows.length;
    });
  }

  async delivery(announcementId: number, chatId: number): Promise<{ status: DeliveryStatus; messageId: number | null; error: string | null } | undefined> {
    return (
      await this.q<{ status: DeliveryStatus; messageId: number | null; error: string | null }>(
        'SELECT status, message_id AS "messageId", error FROM deliveries WHERE announcement_id = $1 AND chat_id = $2',
        [announcementId, chatId],
      )
    ).rows[0];
  }

  async report(announcementId: number): Promise<Report> {
    return this.reportOn(this.pool, announcementId);
  }

  private async reportOn(c: Queryable, announcementId: number): Promise<Report> {
    return toReport((await c.query<{ status: DeliveryStatus; n: number }>('SELECT status, COUNT(*) AS n FROM deliveries WHERE announcement_id = $1 GROUP BY status', [announcementId])).rows);
  }

  async openPostsIn(chatId: number): Promise<number> {
    return (
      await this.q<{ n: number }>(
        `SELECT COUNT(*) AS n FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
         WHERE d.chat_id = $1 AND d.status IN ('pending', 'sending') AND a.kind IN ('group', 'private')`,
        [chatId],
      )
    ).rows[0]!.n;
  }

  async unfinished(): Promise<number[]> {
    return (await this.q<{ id: number }>("SELECT DISTINCT announcement_id AS id FROM deliveries WHERE status IN ('pending', 'sending') ORDER BY id")).rows.map((r) => r.id);
  }

  async pendingDeliveries(): Promise<number> {
    return (await this.q<{ n: number }>("SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('pending', 'sending')")).rows[0]!.n;
  }

  async recordSend(chatId: number, source: 'queue' | 'answer', now = Date.now()): Promise<void> {
    await this.q('INSERT INTO sends (chat_id, at, source, owner) VALUES ($1, $2, $3, $4)', [chatId, now, source, this.owner]);
  }

  async recordSends(batch: Send[]): Promise<void> {
    if (!batch.length) return;
    await this.q('INSERT INTO sends (chat_id, at, source, owner) SELECT *, $4 FROM unnest($1::bigint[], $2::bigint[], $3::text[])', [
      batch.map((s) => s.chatId),
      batch.map((s) => s.at),
      batch.map((s) => s.source),
      this.owner,
    ]);
  }

  async sendsAfter(cursor: number, limit = 5_000): Promise<{ cursor: number; sends: Send[] }> {
    const { rows } = await this.q<Send & { id: number; owner: string | null }>(
      'SELECT id, chat_id AS "chatId", at, source, owner FROM sends WHERE id > $1 ORDER BY id LIMIT $2',
      [cursor, limit],
    );
    return { cursor: rows.at(-1)?.id ?? cursor, sends: rows.filter((r) => r.owner !== this.owner).map(({ chatId, at, source }) => ({ chatId, at, source })) };
  }

  async pruneSends(now = Date.now()): Promise<void> {
    await this.q('DELETE FROM sends WHERE at < $1', [now - 120_000]);
  }

  /** Claims whose owner no longer holds its presence lock (its session ended: killed, or cut off) are released. */
  async releaseDeadClaims(): Promise<number> {
    const owners = (await this.q<{ owner: string }>("SELECT DISTINCT owner FROM deliveries WHERE status = 'sending' AND owner IS NOT NULL AND owner <> $1", [this.owner])).rows;
    let released = 0;
    for (const { owner } of owners) {
      released += await this.tx(async (c) => {
        const free = (await c.query<{ free: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS free', [PRESENCE, owner])).rows[0]!.free;
        if (!free) return 0;
        return (await c.query("UPDATE deliveries SET lease_until = 0 WHERE status = 'sending' AND owner = $1", [owner])).rowCount ?? 0;
      });
    }
    return released;
  }

  // Conversation subjects ------------------------------------------------------------------------

  async rememberSubjects(subjects: SharedSubject[], now = Date.now()): Promise<void> {
    // One row per key (an upsert may not touch a row twice): the latest.
    const latest = new Map<string, SharedSubject>();
    for (const s of subjects) if ((latest.get(s.key)?.until ?? -Infinity) < s.until) latest.set(s.key, s);
    const batch = [...latest.values()];
    if (!batch.length) return;
    await this.q(
      `INSERT INTO conversations (key, subject, until, updated_at)
       SELECT key, subject, until, $4 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS s(key, subject, until)
       ON CONFLICT (key) DO UPDATE SET subject = excluded.subject, until = excluded.until, updated_at = excluded.updated_at
       WHERE excluded.until > conversations.until`,
      [batch.map((s) => s.key), batch.map((s) => s.subject), batch.map((s) => s.until), now],
    );
  }

  async subjectsSince(since: number, now: number): Promise<(SharedSubject & { at: number })[]> {
    return (
      await this.q<SharedSubject & { at: number }>('SELECT key, subject, until, updated_at AS at FROM conversations WHERE updated_at >= $1 AND until > $2 ORDER BY updated_at', [
        since,
        now,
      ])
    ).rows;
  }

  async pruneSubjects(now: number): Promise<number> {
    return (await this.q('DELETE FROM conversations WHERE until <= $1', [now])).rowCount ?? 0;
  }

  // The question log and votes ------------------------------------------------------------------

  async logQuestions(batch: PendingQuestion[]): Promise<void> {
    if (!batch.length) return;
    const column = <T>(pick: (p: PendingQuestion) => T) => batch.map(pick);
    await this.q(
      `INSERT INTO questions (id, at, door, lang, question, outcome, score, article, sentence, latency_ms, learned)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::text[], $10::float8[], $11::boolean[])`,
      [
        column((p) => p.id),
        column((p) => p.at),
        column((p) => p.row.door),
        column((p) => p.row.lang),
        column((p) => p.row.question),
        column((p) => p.row.outcome),
        column((p) => p.row.score ?? null),
        column((p) => p.row.article ?? null),
        column((p) => p.row.sentence ?? null),
        column((p) => p.row.latencyMs ?? null),
        column((p) => (p.row.learned ? true : null)),
      ],
    );
  }

  async vote(id: number, up: boolean, now = Date.now()): Promise<boolean> {
    return (await this.q('UPDATE questions SET vote = $1, voted_at = $2 WHERE id = $3 AND vote IS NULL', [up ? 1 : -1, now, id])).rowCount === 1;
  }

  async pick(id: number, article: string, sentence: string, now = Date.now()): Promise<boolean> {
    return (await this.q('UPDATE questions SET picked_article = $1, picked_sentence = $2, picked_at = $3 WHERE id = $4 AND picked_at IS NULL', [article, sentence, now, id])).rowCount === 1;
  }

  async questionsSince(since: number): Promise<LogRow[]> {
    return (await this.q<RawLogRow>(`${LOG_SELECT} WHERE at >= $1 ORDER BY at, id`, [since])).rows.map(logRow);
  }

  async question(id: number): Promise<LogRow | undefined> {
    const row = (await this.q<RawLogRow>(`${LOG_SELECT} WHERE id = $1`, [id])).rows[0];
    return row && logRow(row);
  }

  async pruneQuestions(before: number): Promise<number> {
    return (await this.q('DELETE FROM questions WHERE at < $1', [before])).rowCount ?? 0;
  }

  // What operators taught ---------------------------------------------------------------------

  async teach(t: Teaching, now = Date.now()): Promise<number> {
    const { rows } = await this.q<{ id: number }>(
      'INSERT INTO teachings (key, question, lang, kind, article, sentence, version, taught_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id',
      [t.key, t.question, t.lang, t.kind, t.article, t.sentence, t.version, t.taughtBy, now],
    );
    return rows[0]!.id;
  }

  async unteach(taughtBy: string, now = Date.now()): Promise<TeachingRow | undefined> {
    const { rows } = await this.q<TeachingRow>(
      `UPDATE teachings SET undone_at = $2 WHERE id = (SELECT id FROM teachings WHERE taught_by = $1 AND undone_at IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE)
       RETURNING id, key, question, lang, kind, article, sentence, version, taught_by AS "taughtBy", at`,
      [taughtBy, now],
    );
    return rows[0];
  }

  async teachings(): Promise<TeachingRow[]> {
    return (await this.q<TeachingRow>(`${TEACHING_SELECT} WHERE undone_at IS NULL ORDER BY id`)).rows;
  }

  async teachingStamp(): Promise<string> {
    const { rows } = await this.q<{ n: number; last: number; undone: number }>(
      'SELECT count(*)::int AS n, coalesce(max(id), 0) AS last, coalesce(max(undone_at), 0) AS undone FROM teachings',
    );
    const r = rows[0]!;
    return `${r.n}:${r.last}:${r.undone}`;
  }
}
