/**
 * The Telegram bot, wired top to bottom: context (logging, limits, retries), then the features,
 * then one error boundary. Everything it needs comes in through `deps`, so tests can build one
 * against a Bot API stand-in with a fake clock.
 */
import { Agent } from 'node:http';
import { Telegraf } from 'telegraf';
import type { BotContext, BotDeps } from './deps.js';
import { announceFeature } from './features/announce.js';
import { askFeature } from './features/ask.js';
import { buttonsFeature } from './features/buttons.js';
import { factsFeature } from './features/facts.js';
import { fallbackFeature } from './features/fallback.js';
import { helpFeature } from './features/help.js';
import { inlineFeature } from './features/inline.js';
import { langFeature } from './features/lang.js';
import { membershipFeature } from './features/membership.js';
import { sourceFeature } from './features/source.js';
import { contextMiddleware, inFlightCounter, type InFlight } from './middlewares/context.js';
import { fillEntities } from './middlewares/entities.js';
import { createRateLimiter } from './rate-limit.js';
import { withRetries } from './telegram-retry.js';
import { TEXTS } from './texts.js';

export interface CreatedBot {
  bot: Telegraf<BotContext>;
  inFlight: InFlight;
}

export interface TelegramOptions {
  token: string;
  /** Bot API root, e.g. https://api.telegram.org or a stand-in's http://127.0.0.1:PORT */
  apiRoot: string;
}

export function createBot(telegram: TelegramOptions, deps: BotDeps): CreatedBot {
  const bot = new Telegraf<BotContext>(telegram.token, {
    // A path in the root (a self-hosted server under /api) survives only with a trailing slash.
    // webhookReply off: every reply is a real call, so it is retried and logged like the others.
    telegram: { apiRoot: `${telegram.apiRoot.replace(/\/+$/, '')}/`, webhookReply: false },
    handlerTimeout: 30_000,
  });
  withRetries(bot.telegram, { log: deps.log, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  const inFlight = inFlightCounter();
  // telegraf keeps connections alive to an https Bot API (Telegram's) but opens a new one for every
  // call to an http one (a self-hosted server on the same host): keep those alive too.
  const agent = telegram.apiRoot.startsWith('http://') ? new Agent({ keepAlive: true, keepAliveMsecs: 10_000 }) : undefined;
  if (agent) bot.telegram.options.agent = agent;

  bot.use(async (ctx, next) => {
    if (agent) ctx.telegram.options.agent = agent;
    return next();
  });
  bot.use(contextMiddleware(deps, createRateLimiter(deps.limits, deps.now), inFlight));
  bot.use(fillEntities);
  bot.use(helpFeature(deps));
  bot.use(sourceFeature(deps));
  bot.use(factsFeature(deps));
  bot.use(langFeature(deps));
  bot.use(announceFeature(deps));
  bot.use(askFeature(deps));
  bot.use(buttonsFeature(deps));
  bot.use(inlineFeature(deps));
  bot.use(membershipFeature(deps));
  bot.use(fallbackFeature(deps));

  bot.catch((err, ctx) => {
    (ctx.log ?? deps.log).error({ err, update_id: ctx.update.update_id }, 'update failed');
  });
  return { bot, inFlight };
}

/** The command menu, per language: English by default, both Chinese scripts for zh users. */
export async function registerCommands(bot: Telegraf<BotContext>): Promise<void> {
  const zh = TEXTS['zh-Hans'].commands.map((c, i) => {
    const hant = TEXTS['zh-Hant'].commands[i]!.description;
    return { command: c.command, description: hant === c.description ? c.description : `${c.description}｜${hant}` };
  });
  await bot.telegram.setMyCommands(TEXTS.en.commands);
  await bot.telegram.setMyCommands(TEXTS.en.commands, { language_code: 'en' });
  await bot.telegram.setMyCommands(zh, { language_code: 'zh' });
}
