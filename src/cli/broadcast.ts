/**
 * `npm run broadcast -- "<text or fact keyword>"`: posts to every subscribed chat through the
 * delivery queue (same limits and crash safety as the bot) and prints the report.
 * `npm run broadcast -- --resume`: finishes what an interrupted broadcast left (the bot also does at start).
 */
import path from 'node:path';
import { Telegram } from 'telegraf';
import { DeliveryQueue } from '../announce/delivery-queue.js';
import { broadcastHtml } from '../bot/features/announce.js';
import { BotConfigSchema, ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { createLogger } from '../log.js';
import { openEngine } from '../qa/open-engine.js';
import { Store } from '../store/store.js';

const args = process.argv.slice(2);
const resume = args.includes('--resume');
const text = args.filter((a) => a !== '--resume').join(' ').trim();
if (!resume && !text) {
  console.error('usage: npm run broadcast -- "<text or fact keyword>"   |   npm run broadcast -- --resume');
  process.exit(2);
}

let config;
try {
  loadDotEnv();
  config = loadConfig(BotConfigSchema);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
const log = createLogger({ level: config.LOG_LEVEL, secrets: [config.BOT_TOKEN], write: (line) => process.stderr.write(line) });
const store = new Store(path.join(config.DATA_DIR, 'bot.sqlite'));
const queue = new DeliveryQueue({
  store,
  telegram: new Telegram(config.BOT_TOKEN, { apiRoot: `${config.TELEGRAM_API_ROOT}/` }),
  log,
  perSecond: config.ANNOUNCE_PER_SECOND,
  perGroupPerMinute: config.ANNOUNCE_PER_GROUP_PER_MINUTE,
});

const ids = store.unfinished();
if (text) {
  const { engine, ctx } = openEngine(config.KNOWLEDGE_DIR);
  const chats = store.subscriptions().map((s) => s.chatId);
  ids.push(store.announce('broadcast', broadcastHtml({ engine, render: ctx }, text, 'zh-Hans'), chats));
  console.error(`broadcasting to ${chats.length} chats`);
}
await queue.drain();
for (const id of ids) {
  const r = store.report(id);
  console.log(JSON.stringify({ announcement: id, sent: r.sent, failed: r.failed, removed: r.removed, pending: r.pending }));
}
store.close();
