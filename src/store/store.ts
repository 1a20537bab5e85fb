/**
 * The bot's state, behind one contract with two backends: the embedded SQLite file in DATA_DIR
 * (sqlite-store.ts, the default) and PostgreSQL (postgres-store.ts, `DATABASE_URL`), which several
 * replicas share. The state: chat settings, subscriptions, announcements, one delivery record per
 * chat per announcement, a log of recent sends behind the shared rate limits, and the question log.
 *
 * Every guarantee holds over any number of processes on one database: a delivery is sent only by the
 * process that claimed it (`claim`: an owner and a lease, taken over when the lease lapses); a due
 * subscription is posted by exactly one process (`postDue`); the rates count every process's sends;
 * an announcement's report goes to its operator from whichever process finishes its last delivery
 * (`finish`). Every method is one transaction: a crash leaves the state before it or after it.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Lang } from '../knowledge/schema.js';

export type Cadence = 'daily' | 'weekly';
export type Door = 'private' | 'group' | 'inline' | 'cli';
export type Outcome = 'answered' | 'partial' | 'declined' | 'greeting' | 'help';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'removed' | 'migrated';

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
  /** The answer came from a learned phrasing (an operator's teaching). */
  learned?: boolean | undefined;
}

/** A logged question as read back. */
export interface LogRow extends LoggedQuestion {
  id: number;
  at: number;
  vote: -1 | 1 | null;
  /** The "did you mean" choice the asker tapped, when one was. */
  picked?: { article: string; sentence: string } | undefined;
}

/** A logged question as both backends' LOG_SELECT reads it: SQL NULLs, the pick in two columns. */
export type RawLogRow = Omit<LogRow, 'score' | 'article' | 'sentence' | 'latencyMs' | 'picked' | 'learned'> & {
  learned: number | boolean | null;
  score: number | null;
  article: string | null;
  sentence: string | null;
  latencyMs: number | null;
  pickedArticle: string | null;
  pickedSentence: string | null;
};

export function logRow({ pickedArticle, pickedSentence, ...r }: RawLogRow): LogRow {
  return {
    ...r,
    score: r.score ?? undefined,
    article: r.article ?? undefined,
    sentence: r.sentence ?? undefined,
    latencyMs: r.latencyMs ?? undefined,
    learned: r.learned ? true : undefined,
    picked: pickedArticle && pickedSentence ? { article: pickedArticle, sentence: pickedSentence } : undefined,
  };
}

/**
 * What an operator taught about a question (/review, `npm run review`): that a sentence answers it
 * (`phrasing`), that the articles do not (`decline`), or to leave it out of the review (`skip`).
 * Kept until undone; who taught it only as a hash.
 */
export interface Teaching {
  /** The question, folded as the report groups questions (learned.ts questionKey). */
  key: string;
  /** The question as logged (personal data scrubbed). */
  question: string;
  lang: string;
  kind: 'phrasing' | 'decline' | 'skip';
  article: string | null;
  sentence: string | null;
  /** The sentence's text hash when taught: a re-ingest that changes it makes the teaching stale. */
  version: string | null;
  /** A hash of the operator's id, or `terminal` / `import`. */
  taughtBy: string;
}

export interface TeachingRow extends Teaching {
  id: number;
  at: number;
}

/** A message sent, as the send log keeps it (for two minutes). */
export interface Send {
  chatId: number;
  at: number;
  source: 'queue' | 'answer';
}

/** A conversation's subject, as replicas share it: a hashed key, the subject, when it expires. */
export interface SharedSubject {
  key: string;
  subject: string;
  until: number;
}

/** A question waiting to be written: its id (random, given at once) and time. */
export interface PendingQuestion {
  id: number;
  at: number;
  row: LoggedQuestion;
}

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

export type NewSubscription = Omit<Subscription, 'nextFact'> & { createdBy?: number | undefined };

/** What to do with a due subscription (see `postDue`): post this and move on, or only move on. */
export type DuePlan = { html: string; nextAt: number; nextFact: number } | { skipTo: number };

export interface Delivery {
  announcementId: number;
  chatId: number;
  status: DeliveryStatus;
  attempts: number;
  html: string;
}

/** A delivery this process claimed: it alone sends it, until its lease lapses. */
export interface ClaimedDelivery extends Delivery {
  /** Parts of a long message already sent (a resumed delivery starts after them). */
  partsSent: number;
}

/** What `claim` found: a delivery to send now, or how long to wait before asking again. */
export type Claim = { delivery: ClaimedDelivery } | { delivery?: undefined; waitMs: number };

export interface ClaimLimits {
  /** How long the claim holds: past it, another process may take the delivery over. */
  leaseMs: number;
  /** Announcement messages per second, over every process on this database. */
  perSecond: number;
  /** Messages per minute to one group (answers included), over every process on this database. */
  perGroupPerMinute: number;
}

export interface Report {
  sent: number;
  failed: number;
  removed: number;
  pending: number;
}

/** Who gets an announcement's report when its last delivery is done, and in which language. */
export interface ReportTo {
  chatId: number;
  lang: Lang;
}

/** The report message for an operator (see `finish`). */
export type ReportHtml = (report: Report, lang: Lang) => string;

export interface MarkExtra {
  messageId?: number;
  error?: string;
  /** Counts a try. */
  attempt?: boolean;
  /** Delays the next try until then (epoch ms). */
  notBefore?: number;
}

export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  /** Where the data is, for messages: the file, or the database URL without its password. */
  readonly where: string;
  /** This process in claims (see `claim`). */
  readonly owner: string;
  close(): Promise<void>;
  /** False once the database this store opened is no longer the one its settings name (a SQLite file deleted or replaced). */
  sameDatabase(): boolean;

  // Chat settings
  lang(chatId: number): Promise<Lang | undefined>;
  setLang(chatId: number, lang: Lang | undefined, now?: number): Promise<void>;
  /** Chats whose setting changed at `since` (epoch ms) or later; lang undefined: back to the default. */
  langsSince(since: number): Promise<{ chatId: number; lang: Lang | undefined; at: number }[]>;

  // Subscriptions
  subscribe(s: NewSubscription, now?: number): Promise<void>;
  unsubscribe(chatId: number): Promise<boolean>;
  subscription(chatId: number): Promise<Subscription | undefined>;
  subscriptions(): Promise<Subscription[]>;
  /**
   * Takes the subscriptions due at `now` and, for each, does what `plan` says in the same
   * transaction: records the post (an announcement with one delivery) and moves the subscription
   * on. Each due subscription is taken by exactly one process. How many posts were recorded.
   */
  postDue(now: number, plan: (s: Subscription) => DuePlan): Promise<number>;

  // Announcements and deliveries
  /** Records an announcement and a pending delivery for each chat, in one transaction; its id. */
  announce(kind: string, html: string, chatIds: number[], createdBy?: number, now?: number, reportTo?: ReportTo): Promise<number>;
  /** Deliveries not finished: in-flight ones first, then a chat's own posts before broadcasts, oldest first. */
  openDeliveries(limit?: number): Promise<Delivery[]>;
  /**
   * Claims the next delivery to send, so that no other process can: a pending one whose retry time
   * has come, or one whose claim has lapsed; skipping groups at their per-minute limit; none while
   * the announcements sent in the last second reach `perSecond`. The claim counts as a send. With
   * nothing to send now, says how long to wait.
   */
  claim(now: number, limits: ClaimLimits): Promise<Claim>;
  /** One more part of a long message went out. */
  partSent(announcementId: number, chatId: number, partsSent: number, messageId: number | undefined, now?: number): Promise<void>;
  /** Marks a delivery, releasing its claim. A delivery's first message id is kept. */
  mark(announcementId: number, chatId: number, status: DeliveryStatus, extra?: MarkExtra, now?: number): Promise<void>;
  /** The chat blocked or removed the bot: the delivery is 'removed' and its subscription gone, together. */
  markRemoved(announcementId: number, chatId: number, error: string, now?: number): Promise<void>;
  /** The group became a supergroup: settings follow it, a delivery to the new id is added, this one is 'migrated'. */
  markMigrated(announcementId: number, chatId: number, to: number, now?: number): Promise<void>;
  /**
   * Closes the announcements with no delivery left open (`id`'s only, or every one) and, in the same
   * transaction, queues the report to the operator of each that asked for one: whichever process
   * closes it sends it, once. Without `html` (a process that cannot write reports), those that asked
   * for one stay open for a process that can. How many were closed.
   */
  finish(now: number, html: ReportHtml | undefined, id?: number): Promise<number>;
  delivery(announcementId: number, chatId: number): Promise<{ status: DeliveryStatus; messageId: number | null; error: string | null } | undefined>;
  report(announcementId: number): Promise<Report>;
  /** Open announcements recorded for this chat by its own members (not broadcasts). */
  openPostsIn(chatId: number): Promise<number>;
  /** Announcements with deliveries still to make. */
  unfinished(): Promise<number[]>;
  /** Deliveries waiting to be sent (pending or sending), over every process. */
  pendingDeliveries(): Promise<number>;
  /** Logs a message this process sent to a chat (an announcement's part, or an answer): the rates count it. */
  recordSend(chatId: number, source: 'queue' | 'answer', now?: number): Promise<void>;
  /** The same for several messages at once (a batch of answers). */
  recordSends(batch: Send[]): Promise<void>;
  /**
   * The sends logged after `cursor` (0: from the oldest kept), by other processes, at most `limit`
   * rows read; with the cursor to ask from next time. How replicas see each other's messages for the
   * limits on replies (see store/shared-sends.ts).
   */
  sendsAfter(cursor: number, limit?: number): Promise<{ cursor: number; sends: Send[] }>;
  /** Forgets sends older than any rate window. */
  pruneSends(now?: number): Promise<void>;
  /** Releases the claims of processes known to be gone (a restart on the same host): resent at once, not after the lease. */
  releaseDeadClaims(): Promise<number>;

  // Conversation subjects shared by replicas (see qa/conversation.ts)
  /** Remembers subjects (keys are hashes, never chat or user ids), keeping the later of two. */
  rememberSubjects(batch: SharedSubject[], now?: number): Promise<void>;
  /** Subjects remembered at `since` or later that have not expired by `now`. */
  subjectsSince(since: number, now: number): Promise<(SharedSubject & { at: number })[]>;
  /** Forgets expired subjects; how many. */
  pruneSubjects(now: number): Promise<number>;

  // The question log and votes
  /** Writes logged questions (already scrubbed: see scrub.ts), all or none. */
  logQuestions(batch: PendingQuestion[]): Promise<void>;
  /** Records a vote on a logged answer: false when there is no such question or it has a vote already. */
  vote(id: number, up: boolean, now?: number): Promise<boolean>;
  /** Records the asker's pick among a logged question's choices: false when there is no such question or it has a pick already. */
  pick(id: number, article: string, sentence: string, now?: number): Promise<boolean>;
  /** The logged questions since `since` (epoch ms), oldest first. */
  questionsSince(since: number): Promise<LogRow[]>;
  question(id: number): Promise<LogRow | undefined>;
  /** Forgets logged questions older than `before` (epoch ms); how many. */
  pruneQuestions(before: number): Promise<number>;

  // What operators taught (learned phrasings)
  /** Records a teaching; its id. */
  teach(t: Teaching, now?: number): Promise<number>;
  /** Takes back the latest teaching of `taughtBy` still in effect (kind `skip` included); it, or undefined. */
  unteach(taughtBy: string, now?: number): Promise<TeachingRow | undefined>;
  /** The teachings in effect, oldest first. */
  teachings(): Promise<TeachingRow[]>;
  /** Changes whenever a teaching is added or taken back: what replicas poll. */
  teachingStamp(): Promise<string>;
}

/** What went wrong with the storage, in words an operator can act on. */
export type StorageFault = 'busy' | 'full' | 'readonly' | 'gone' | 'unreachable' | 'io';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The storage fault behind an error thrown by either backend, or undefined for any other error (a
 * bug, or a row the schema refuses).
 */
export function storageFault(err: unknown): StorageFault | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
    if (code === 'SQLITE_FULL') return 'full';
    if (code === 'SQLITE_READONLY_DBMOVED') return 'gone';
    if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return 'readonly';
    return 'io';
  }
  // The driver's lost connections (EPIPE would pass for a SQLSTATE), then PostgreSQL's SQLSTATE codes.
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'unreachable';
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === '40001' || code === '40P01' || code === '55P03') return 'busy';
    if (code === '53100') return 'full';
    if (code === '25006') return 'readonly';
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return 'unreachable';
    if (code.startsWith('53') || code.startsWith('58')) return 'io';
    return undefined;
  }
  const message = err instanceof Error ? err.message : '';
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(message)) return 'unreachable';
  return undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a storage call, retrying while the database is locked elsewhere or out of reach, with a
 * growing pause between tries (25 ms … `maxPauseMs`) during which the event loop is free. Gives up
 * after `deadlineMs` by throwing the last error; any other error is thrown at once.
 */
export async function retryBusy<T>(call: () => T | Promise<T>, o: { deadlineMs?: number; maxPauseMs?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<T> {
  const deadline = Date.now() + (o.deadlineMs ?? 5_000);
  for (let pause = 25; ; pause = Math.min(pause * 2, o.maxPauseMs ?? 500)) {
    try {
      return await call();
    } catch (err) {
      const fault = storageFault(err);
      if ((fault !== 'busy' && fault !== 'unreachable') || Date.now() + pause > deadline) throw err;
      await (o.sleep ?? sleep)(pause);
    }
  }
}

/** The database cannot be opened or written at start: the message names it and the fix. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** A process's name in claims: host, pid and a random part (a restarted pid 1 is someone new). */
export function ownerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Whether a claim's owner (see ownerName) is a process on this host that is gone, or was this pid before a restart. */
export function deadOwner(owner: string, self: string): boolean {
  const [ownerHost, pid] = owner.split(':');
  if (owner === self || ownerHost !== hostname()) return false;
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as { code?: string }).code !== 'EPERM';
  }
}

/** Counts of deliveries by status, as a report. */
export function toReport(rows: { status: DeliveryStatus; n: number }[]): Report {
  const count = (...s: DeliveryStatus[]) => rows.filter((r) => s.includes(r.status)).reduce((a, r) => a + Number(r.n), 0);
  return { sent: count('sent'), failed: count('failed'), removed: count('removed'), pending: count('pending', 'sending') };
}
