/**
 * `npm start`: configuration → knowledge → engine → bot (polling or webhook) → graceful stop.
 * A bad setting or malformed knowledge stops here with one clear message and exit code 1, before
 * anything has started.
 */
import type { Server } from 'node:http';
import { Telegram, TelegramError, type Telegraf } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import { factHtml, rotation } from './announce/content.js';
import { DeliveryQueue } from './announce/delivery-queue.js';
import { runDue } from './announce/scheduler.js';
import { createBot, registerCommands } from './bot/create-bot.js';
import { storeSettings, type BotContext } from './bot/deps.js';
import { broadcastReportHtml } from './bot/features/announce.js';
import type { InFlight } from './bot/middlewares/dispatch.js';
import { storeQuestionLog } from './store/question-log.js';
import { shareSends } from './store/shared-sends.js';
import { shareSubjects } from './store/shared-subjects.js';
import { startMetricsServer, watchLearned, watchQueue } from './metrics.js';
import { OutboundLimits } from './limits.js';
import { openStore } from './store/open-store.js';
import { databasePassword, PostgresStore } from './store/postgres-store.js';
import { createWebhookServer } from './bot/webhook-server.js';
import { configureOrExit, orExit, orExitAsync } from './cli/or-exit.js';
import { syncTeachings } from './review/sync.js';
import { BotConfigSchema, type BotConfig } from './config.js';
import { createLogger, scrub, type Logger } from './log.js';
import { openEngine, type OpenEngine } from './qa/open-engine.js';

/** A stop waits at most this long for updates in flight. */
const STOP_GRACE_MS = 9_000;
/** How often due subscriptions are looked for. */
const SCHEDULE_TICK_MS = 20_000;
/** How soon a tick that met a storage error is tried again. */
const SCHEDULE_RETRY_MS = 2_000;
/** How often the database file is checked to still be the one opened. */
const FILE_CHECK_MS = 5_000;
/** How often a standby replica (polling mode, PostgreSQL) tries to become the one that polls. */
const LEAD_RETRY_MS = 1_000;
/** Logged questions are pruned once a day. */
const DAY_MS = 24 * 60 * 60_000;

/** getMe at start: tries, each given this long, with these pauses between (all within 5 s). */
const IDENTIFY_TRIES = 3;
const IDENTIFY_TIMEOUT_MS = 1_000;
const IDENTIFY_PAUSE_MS = [250, 500];

/**
 * The bot's own identity (getMe), or exit 1 with one line: a token Telegram rejects names BOT_TOKEN,
 * a Bot API that cannot be reached (after IDENTIFY_TRIES) names the host and the last error. The
 * stack only with LOG_LEVEL=debug. Its own short retries (not the bot's): a person is waiting.
 */
async function identify(token: string, apiRoot: string, log: Logger, debug: boolean): Promise<UserFromGetMe> {
  const telegram = new Telegram(token, { apiRoot: `${apiRoot}/` });
  for (let attempt = 1; ; attempt++) {
    try {
      // telegraf types the signal as the abort-controller package's; node-fetch takes Node's own.
      return await telegram.callApi('getMe', {}, { signal: AbortSignal.timeout(IDENTIFY_TIMEOUT_MS) as never });
    } catch (err) {
      const rejected = err instanceof TelegramError && err.code < 500 && err.code !== 429;
      if (!rejected && attempt < IDENTIFY_TRIES) {
        await new Promise((resolve) => setTimeout(resolve, IDENTIFY_PAUSE_MS[attempt - 1]));
        continue;
      }
      failedToIdentify(err, apiRoot, log, debug);
    }
  }
}

function failedToIdentify(err: unknown, apiRoot: string, log: Logger, debug: boolean): never {
  if (debug) log.debug({ err }, 'getMe failed');
  const code = err instanceof TelegramError ? err.code : undefined;
  console.error(
    code === 401 || code === 404
      ? `BOT_TOKEN was rejected by the Bot API at ${apiRoot} (${code}) — check it with @BotFather (/mybots → API Token)`
      : code !== undefined
        ? `the Bot API at ${apiRoot} refused getMe (${code}: ${(err as TelegramError).description}) — check TELEGRAM_API_ROOT`
        : `cannot reach the Bot API at ${new URL(apiRoot).host}: ${(err as Error).message} — check TELEGRAM_API_ROOT and the network`,
  );
  process.exit(1);
}

type WebhookConfig = Extract<BotConfig, { BOT_MODE: 'webhook' }>;

/** The knowledge, read and warmed up (a malformed file: one line naming it, exit 1). */
function openKnowledge(config: BotConfig, log: Logger): OpenEngine {
  const opened = orExit(() => openEngine(config.KNOWLEDGE_DIR));
  opened.engine.warmUp();
  log.info({ version: opened.engine.version, articles: opened.engine.articles().length }, 'knowledge loaded');
  for (const folder of opened.engine.knowledge.unreadable) {
    log.warn({ folder }, `knowledge: ${folder}/ cannot be read by this user, so its article is not loaded: make it readable (chmod -R a+rX)`);
  }
  return opened;
}

/**
 * The database (PostgreSQL with DATABASE_URL, else the SQLite file in DATA_DIR; one line and exit 1
 * when it cannot be used) and what lives in it: chat settings, the question log, the delivery queue
 * and the schedule.
 */
async function openStorage(config: BotConfig, log: Logger, { engine, ctx: render }: OpenEngine) {
  const store = await orExitAsync(() => openStore(config, log.child({ component: 'storage' })));
  log.info({ backend: store.backend, where: store.where }, 'storage open');
  const settings = await storeSettings(store, log);
  // One set of limits for everything this process sends: replies and announcements.
  const limits = new OutboundLimits({ groupPerMinute: config.ANNOUNCE_PER_GROUP_PER_MINUTE });
  // The queue's own client retries nothing by itself: the queue decides and records what to retry.
  const queue = new DeliveryQueue({
    store,
    limits,
    telegram: new Telegram(config.BOT_TOKEN, { apiRoot: `${config.TELEGRAM_API_ROOT}/` }),
    log: log.child({ component: 'announcements' }),
    perSecond: config.ANNOUNCE_PER_SECOND,
    perGroupPerMinute: config.ANNOUNCE_PER_GROUP_PER_MINUTE,
    reportHtml: broadcastReportHtml,
  });
  const facts = rotation(engine);
  const schedule = {
    store,
    queue,
    log: log.child({ component: 'scheduler' }),
    zone: config.ANNOUNCE_TZ,
    factCount: () => facts.length,
    factHtml: (i: number, chatId: number) => factHtml(engine, render, facts[i]!, settings.lang(chatId) ?? 'zh-Hans'),
  };
  const questionLog = config.QUESTION_LOG_DAYS > 0 ? storeQuestionLog(store, Date.now, log) : undefined;
  // Replicas (PostgreSQL) share every reply's limits and conversation subjects; a single process
  // (SQLite) logs only group replies (for the queue's group budget) and keeps subjects in memory.
  const replicas = store.backend === 'postgres';
  const sends = shareSends(store, limits, log, { pull: replicas });
  const subjects = replicas && config.FOLLOW_UP_MINUTES > 0 ? shareSubjects(store, log) : undefined;
  // What operators taught (/review), applied now and whenever another replica teaches.
  const teachings = await orExitAsync(() => syncTeachings(store, engine, log.child({ component: 'review' })));
  watchLearned(() => engine.learned.applied);
  return { store, settings, limits, queue, schedule, questionLog, sends, subjects, teachings };
}
type Storage = Awaited<ReturnType<typeof openStorage>>;

/** Webhook mode: the server (updates, /healthz) and setWebhook. Returns the server to close. */
async function startWebhook(config: WebhookConfig, bot: Telegraf<BotContext>, engine: OpenEngine['engine'], storage: Storage, log: Logger): Promise<Server> {
  const server = createWebhookServer(bot, {
    path: config.WEBHOOK_PATH,
    secret: config.WEBHOOK_SECRET,
    version: engine.version,
    health: () => ({ queue: storage.queue.health() }),
    log,
  });
  await new Promise<void>((resolve) => server.listen(config.WEBHOOK_PORT, config.WEBHOOK_HOST, resolve));
  const domain = config.WEBHOOK_DOMAIN.replace(/^https:\/\//, '');
  await bot.telegram.setWebhook(`https://${domain}${config.WEBHOOK_PATH}`, { secret_token: config.WEBHOOK_SECRET });
  log.info({ port: config.WEBHOOK_PORT, path: config.WEBHOOK_PATH }, 'webhook listening');
  return server;
}

/**
 * Polling mode: getUpdates. Returns whether this process polls (a standby does not, yet).
 * On PostgreSQL only one replica may poll (Telegram answers 409 to a second): the others stand by,
 * delivering announcements, and try for the leadership every LEAD_RETRY_MS; a leader that loses its
 * database connection exits, for its supervisor to start it again as a standby.
 */
function startPolling(bot: Telegraf<BotContext>, { store }: Storage, log: Logger): { polling: () => boolean } {
  let polling = false;
  const poll = () => {
    polling = true;
    // launch() resolves only when polling stops; failures to start are logged and end the process.
    bot.launch({ dropPendingUpdates: false }).catch((err: unknown) => {
      log.fatal({ err }, 'polling failed');
      process.exit(1);
    });
    log.info('polling');
  };
  if (store instanceof PostgresStore) {
    const lost = () => {
      log.fatal('lost the polling leadership with the database connection: exiting so that a restart stands by');
      process.exit(1);
    };
    let announced = false;
    const tryLead = async () => {
      try {
        if (await store.lead(lost)) return poll();
        if (!announced) log.info('standing by: another replica polls (announcements are still delivered here)');
        announced = true;
      } catch (err) {
        log.warn({ err }, 'polling leadership not checked: tried again shortly');
      }
      setTimeout(() => void tryLead(), LEAD_RETRY_MS).unref();
    };
    void tryLead();
  } else poll();
  return { polling: () => polling };
}

/** The metrics server, when METRICS_PORT is set (either mode; loopback unless METRICS_HOST says otherwise). */
function startMetrics(config: BotConfig, log: Logger): Server | undefined {
  if (config.METRICS_PORT === undefined) return undefined;
  log.info({ port: config.METRICS_PORT, host: config.METRICS_HOST }, 'metrics at /metrics');
  return startMetricsServer(config.METRICS_PORT, config.METRICS_HOST);
}

/**
 * What runs beside the bot: the delivery queue (unfinished deliveries first), the schedule (retried
 * every few seconds while the storage fails), the check that the database file is still the one
 * opened, and the daily pruning of the question log. Returns what stops them.
 */
function startBackground(config: BotConfig, { store, queue, schedule }: Storage, log: Logger): () => Promise<void> {
  watchQueue(() => store.pendingDeliveries());
  queue.start();
  let retryTick: NodeJS.Timeout | undefined;
  let ticking = false;
  const tick = () => {
    if (ticking) return;
    ticking = true;
    clearTimeout(retryTick);
    void runDue(schedule).then((queued) => {
      ticking = false;
      if (queued === undefined) retryTick = setTimeout(tick, SCHEDULE_RETRY_MS);
    });
  };
  tick();
  const ticker = setInterval(tick, SCHEDULE_TICK_MS);
  // A database file deleted or replaced under a running bot would take every later write with it:
  // stop, for the supervisor to start again on the file now at the path.
  const fileCheck = setInterval(() => {
    if (store.sameDatabase()) return;
    log.fatal({ file: store.where }, 'the database file was deleted or replaced while running: exiting so that a restart opens the new one');
    process.exit(1);
  }, FILE_CHECK_MS);
  fileCheck.unref();
  // Logged questions older than QUESTION_LOG_DAYS go: now, and once a day.
  const prune = async () => {
    if (config.QUESTION_LOG_DAYS <= 0) return;
    try {
      const removed = await store.pruneQuestions(Date.now() - config.QUESTION_LOG_DAYS * DAY_MS);
      if (removed) log.info({ removed }, 'old logged questions deleted');
    } catch (err) {
      log.warn({ err }, 'old logged questions not deleted: tried again tomorrow');
    }
  };
  void prune();
  const pruner = setInterval(() => void prune(), DAY_MS);
  pruner.unref();
  return async () => {
    clearInterval(ticker);
    clearTimeout(retryTick);
    clearInterval(fileCheck);
    clearInterval(pruner);
    await queue.stop();
  };
}

/** What is running, filled in as start-up goes on: a signal during start-up stops what has started. */
interface Running {
  storage: Storage;
  bot?: Telegraf<BotContext>;
  inFlight?: InFlight;
  server?: Server | undefined;
  metrics?: Server | undefined;
  polling?: () => boolean;
  background?: () => Promise<void>;
  /** Set once a signal came: start-up goes no further. */
  stopping?: boolean;
}

/** Stops getUpdates; telegraf refuses while launch() is still starting, and the exit at the end of the stop ends that. */
function stopPolling(bot: Telegraf<BotContext>, signal: string): void {
  try {
    bot.stop(signal);
  } catch {
    // Not polling yet ("Bot is not running!"): nothing to stop.
  }
}

/**
 * A graceful stop on SIGINT/SIGTERM, from the moment the database is open: no new updates, those in
 * flight finished (at most STOP_GRACE_MS), the background stopped, the question log and the shared
 * state written, the database closed, exit 0.
 */
function stopOnSignal(running: Running, log: Logger): void {
  const stop = async (signal: string) => {
    if (running.stopping) return;
    running.stopping = true;
    const { bot, inFlight, server, metrics, polling, background, storage } = running;
    const started = Date.now();
    const inFlightAtSignal = inFlight?.count ?? 0;
    const hardStop = setTimeout(() => {
      log.warn({ in_flight: inFlight?.count ?? 0 }, 'updates still in flight at the deadline; exiting');
      process.exit(0);
    }, STOP_GRACE_MS);
    hardStop.unref();
    // The server's close callback runs once every request in progress has had its response.
    if (server) await new Promise((resolve) => server.close(resolve));
    else if (polling?.()) stopPolling(bot!, signal);
    await inFlight?.idle();
    metrics?.close();
    await background?.();
    storage.settings.stop();
    storage.teachings.stop();
    await storage.subjects?.stop();
    await storage.sends.stop();
    await storage.questionLog?.flush().catch((err: unknown) => log.warn({ err }, 'logged questions not written at stop'));
    await storage.store.close();
    log.info({ signal, in_flight: inFlightAtSignal, ms: Date.now() - started }, 'stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

async function main(): Promise<void> {
  // Whatever this process creates (the SQLite file and its WAL, the data folder) is its owner's alone.
  process.umask(0o077);
  const config = configureOrExit(BotConfigSchema);
  const log = createLogger({ level: config.LOG_LEVEL, secrets: [config.BOT_TOKEN, config.BOT_MODE === 'webhook' ? config.WEBHOOK_SECRET : '', databasePassword(config.DATABASE_URL)] });
  // Handler errors never get here (bot.catch logs them and the bot goes on). Anything else that
  // escapes leaves the process in an unknown state: log it and exit, for the supervisor to restart.
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  const knowledge = openKnowledge(config, log);
  const storage = await openStorage(config, log, knowledge);
  // Before anything announces itself as ready: a supervisor's signal always finds its handler.
  const running: Running = { storage };
  stopOnSignal(running, log);
  const { bot, inFlight } = createBot(
    { token: config.BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT },
    {
      engine: knowledge.engine,
      render: knowledge.ctx,
      log,
      settings: storage.settings,
      limits: storage.limits,
      now: Date.now,
      followUpMs: config.FOLLOW_UP_MINUTES * 60_000,
      sends: storage.sends,
      ...(storage.subjects ? { subjects: storage.subjects } : {}),
      questionLog: storage.questionLog,
      questionLogDays: config.QUESTION_LOG_DAYS,
      announce: { store: storage.store, queue: storage.queue, adminIds: config.ADMIN_IDS, zone: config.ANNOUNCE_TZ },
    },
  );
  Object.assign(running, { bot, inFlight });
  bot.botInfo = await identify(config.BOT_TOKEN, config.TELEGRAM_API_ROOT, log, config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace');
  log.info({ username: bot.botInfo.username, mode: config.BOT_MODE }, 'bot starting');
  await registerCommands(bot, knowledge.engine, log);
  if (running.stopping) return;

  if (config.BOT_MODE === 'webhook') running.server = await startWebhook(config, bot, knowledge.engine, storage, log);
  else Object.assign(running, startPolling(bot, storage, log));
  running.metrics = startMetrics(config, log);
  if (!running.stopping) running.background = startBackground(config, storage, log);
}

main().catch((err: unknown) => {
  // Last resort: the logger may not exist yet, so scrub by hand.
  const secrets = [process.env.BOT_TOKEN ?? '', process.env.WEBHOOK_SECRET ?? '', databasePassword(process.env.DATABASE_URL)];
  console.error(scrub(`start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, secrets));
  process.exit(1);
});
