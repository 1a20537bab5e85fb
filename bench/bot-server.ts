/**
 * One bot behind the webhook server, in a process of its own so that the bench's load generator and
 * Bot API stand-in do not share its CPU: `node --import tsx bench/bot-server.ts reform|echo`.
 * Reads BENCH_TOKEN, BENCH_API_ROOT, BENCH_SECRET, BENCH_CACHE (0: no answer cache) and
 * BENCH_PRODUCTION (1: the outbound limits as in production, and announcements, for the flood
 * scenario; otherwise no limits, to measure throughput); prints {"port": N} when listening.
 */
import type { AddressInfo } from 'node:net';
import { Telegraf, Telegram } from 'telegraf';
import { DeliveryQueue } from '../src/announce/delivery-queue.js';
import { OutboundLimits } from '../src/limits.js';
import { createBot } from '../src/bot/create-bot.js';
import { memorySettings, type BotContext } from '../src/bot/deps.js';
import { storeQuestionLog } from '../src/store/question-log.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWebhookServer } from '../src/bot/webhook-server.js';
import { createLogger } from '../src/log.js';
import { openEngine } from '../src/qa/open-engine.js';

const kind = process.argv[2];
const token = process.env.BENCH_TOKEN!;
const apiRoot = process.env.BENCH_API_ROOT!;
const secret = process.env.BENCH_SECRET!;

// Both bots log every update at info level into a sink: logging is part of a bot's cost.
const log = createLogger({ level: 'info', secrets: [token], write: () => {} });
let bot: Telegraf<BotContext>;
let version = 'echo';
if (kind === 'reform') {
  const { engine, ctx: render } = openEngine(undefined, process.env.BENCH_CACHE === '0' ? { cacheSize: 0 } : {});
  engine.warmUp();
  version = engine.knowledge.version;
  // As in production: every question is logged (batched SQLite writes).
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-bot-'));
  const store = new SqliteStore(path.join(dir, 'bot.sqlite'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const production = process.env.BENCH_PRODUCTION === '1';
  const limits = production
    ? new OutboundLimits()
    : new OutboundLimits({ perUserMs: 0, groupPerMinute: 1e9, overallPerSecond: 1e9, privateBurst: 1e9, privatePerSecond: 1e9 });
  // Announcements (for /announce in a group): the queue is never started, no admin posts anything.
  const announce = production
    ? { store, queue: new DeliveryQueue({ store, limits, telegram: new Telegram(token, { apiRoot: `${apiRoot}/` }), log }), adminIds: new Set<number>(), zone: 'Asia/Shanghai' }
    : undefined;
  bot = createBot(
    { token, apiRoot },
    {
      engine,
      render,
      log,
      settings: memorySettings(),
      limits,
      now: Date.now,
      questionLog: storeQuestionLog(store),
      ...(announce ? { announce } : {}),
    },
  ).bot;
} else {
  bot = new Telegraf<BotContext>(token, { telegram: { apiRoot: `${apiRoot}/`, webhookReply: false } });
  bot.on('text', (ctx) => ctx.reply(ctx.message.text));
}
bot.botInfo = await bot.telegram.getMe();
const server = createWebhookServer(bot, { path: '/hook', secret, version, log: createLogger({ level: 'warn', secrets: [token, secret] }) });
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
