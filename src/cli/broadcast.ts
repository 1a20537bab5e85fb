/**
 * `npm run broadcast -- "<text or fact keyword>"`: posts to every subscribed chat through the
 * delivery queue (same limits and crash safety as the bot) and prints the report once every chat
 * has it. Safe beside running bots on the same database (DATA_DIR, or DATABASE_URL): each delivery
 * is claimed by one process, and the rates are shared through the database.
 * `npm run broadcast -- --resume`: finishes what an interrupted broadcast left (the bot also does at start).
 */
import { Telegram } from 'telegraf';
import { DeliveryQueue } from '../announce/delivery-queue.js';
import { BROADCAST_MAX_CHARS, broadcastHtml } from '../announce/content.js';
import { BotConfigSchema } from '../config.js';
import { configureOrExit, orExit, orExitAsync } from './or-exit.js';
import { createLogger } from '../log.js';
import { openEngine } from '../qa/open-engine.js';
import { openStore } from '../store/open-store.js';
import { databasePassword } from '../store/postgres-store.js';
import { retryBusy } from '../store/store.js';

const args = process.argv.slice(2);
const resume = args.includes('--resume');
const text = args.filter((a) => a !== '--resume').join(' ').trim();
if (!resume && !text) {
  console.error('usage: npm run broadcast -- "<text or fact keyword>"   |   npm run broadcast -- --resume');
  process.exit(2);
}
if (text.length > BROADCAST_MAX_CHARS) {
  console.error(`too long to broadcast: ${text.length} characters, and a Telegram message holds at most ${BROADCAST_MAX_CHARS}; shorten it`);
  process.exit(2);
}

const config = configureOrExit(BotConfigSchema);
const log = createLogger({ level: config.LOG_LEVEL, secrets: [config.BOT_TOKEN, databasePassword(config.DATABASE_URL)], write: (line) => process.stderr.write(line) });
const store = await orExitAsync(() => openStore(config, log));
const queue = new DeliveryQueue({
  store,
  telegram: new Telegram(config.BOT_TOKEN, { apiRoot: `${config.TELEGRAM_API_ROOT}/` }),
  log,
  perSecond: config.ANNOUNCE_PER_SECOND,
  perGroupPerMinute: config.ANNOUNCE_PER_GROUP_PER_MINUTE,
});

const ids = await store.unfinished();
if (text) {
  const { engine, ctx } = orExit(() => openEngine(config.KNOWLEDGE_DIR));
  const chats = (await store.subscriptions()).map((s) => s.chatId);
  const html = broadcastHtml(engine, ctx, text, 'zh-Hans');
  ids.push(await retryBusy(() => store.announce('broadcast', html, chats), { deadlineMs: 60_000 }));
  console.error(`broadcasting to ${chats.length} chats`);
}
await queue.drain(ids);
for (const id of ids) {
  const r = await store.report(id);
  console.log(JSON.stringify({ announcement: id, sent: r.sent, failed: r.failed, removed: r.removed, pending: r.pending }));
}
await store.close();
