/**
 * The Telegram bot, wired top to bottom: context (logging, limits, retries), then the features,
 * then one error boundary. Everything it needs comes in through `deps`, so tests can build one
 * against a Bot API stand-in with a fake clock.
 */
import { Agent } from 'node:http';
import { Telegraf } from 'telegraf';
import type { Engine } from '../qa/engine.js';
import type { Logger } from '../log.js';
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
import { privacyFeature } from './features/privacy.js';
import { reviewFeature } from './features/review.js';
import { storageFault } from '../store/store.js';
import { Callbacks } from './callbacks.js';
import { contextMiddleware } from './middlewares/context.js';
import { dispatcher, type InFlight } from './middlewares/dispatch.js';
import { fillEntities } from './middlewares/entities.js';
import { replyLang } from './lang.js';
import { sendText } from './reply.js';
import { withRetries } from './telegram-retry.js';
import { TEXTS } from './texts.js';
import { knownUpdates } from './middlewares/update-type.js';
import { boundUpdates } from './middlewares/bounds.js';

/** Updates handled at once, over all chats (one chat's run one after another; see the dispatcher for floods). */
const MAX_IN_FLIGHT = 64;

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
  const context = contextMiddleware(deps, new Callbacks(telegram.token));
  const { middleware: dispatch, inFlight } = dispatcher({
    maxInFlight: MAX_IN_FLIGHT,
    onError: (err, ctx) => failed(err, ctx, deps),
    onShed: (ctx) => {
      deps.log.debug({ update_type: ctx.updateType }, 'update shed: flood');
      if (ctx.chat?.type !== 'private' || ctx.updateType !== 'message' || !deps.limits.slowDown(ctx.chat.id)) return undefined;
      return async () => {
        if (agent) ctx.telegram.options.agent = agent;
        await context(ctx, () => slowDownNote(ctx));
      };
    },
  });
  // telegraf keeps connections alive to an https Bot API (Telegram's) but opens a new one for every
  // call to an http one (a self-hosted server on the same host): keep those alive too.
  const agent = telegram.apiRoot.startsWith('http://') ? new Agent({ keepAlive: true, keepAliveMsecs: 10_000 }) : undefined;
  if (agent) bot.telegram.options.agent = agent;

  bot.use(knownUpdates(deps.log));
  bot.use(boundUpdates(deps.log));
  bot.use(dispatch);
  bot.use(async (ctx, next) => {
    if (agent) ctx.telegram.options.agent = agent;
    return next();
  });
  bot.use(context);
  bot.use(fillEntities);
  bot.use(helpFeature(deps));
  bot.use(sourceFeature(deps));
  bot.use(privacyFeature(deps));
  bot.use(factsFeature(deps));
  bot.use(langFeature(deps));
  bot.use(announceFeature(deps));
  bot.use(reviewFeature(deps));
  bot.use(askFeature(deps));
  bot.use(buttonsFeature(deps));
  bot.use(inlineFeature(deps));
  bot.use(membershipFeature(deps));
  bot.use(fallbackFeature(deps));

  // Only the dispatcher itself runs under telegraf's boundary; the handlers end in `failed`.
  bot.catch((err, ctx) => failed(err, ctx, deps));
  return { bot, inFlight };
}

/** A private chat's flood was shed (see the dispatcher): it is told once a minute (limits.ts). */
async function slowDownNote(ctx: BotContext): Promise<void> {
  ctx.log.info('flood: updates shed, asked to slow down');
  await sendText(ctx, ctx.slowDownText(), { counted: true });
}

/**
 * The one error boundary: logs the failure; when the storage failed, the user is told it could not
 * be saved (rather than getting no reply at all).
 */
async function failed(err: unknown, ctx: BotContext, deps: BotDeps): Promise<void> {
  const log = ctx.log ?? deps.log;
  const fault = storageFault(err);
  log.error({ err, update_id: ctx.update.update_id, ...(fault ? { storage: fault } : {}) }, 'update failed');
  if (!fault || !ctx.chat) return;
  await sendText(ctx, TEXTS[replyLang(ctx, deps)].storageDown).catch((e: unknown) => log.warn({ err: e }, 'could not tell the user'));
}

/** The command menu, per language: English by default, both Chinese scripts for zh users. */
/**
 * The command menus: the default and English ones in English, the Chinese one in both scripts. Each
 * is registered on its own, so one refused does not keep the others from Telegram; each failure is
 * logged once. Resolves with how many failed.
 */
export async function registerCommands(bot: Telegraf<BotContext>, engine: Engine, log?: Logger): Promise<number> {
  const [hans, hant, en] = (['zh-Hans', 'zh-Hant', 'en'] as const).map((l) => TEXTS[l].commands(engine.example(l)));
  const zh = hans!.map((c, i) => {
    const traditional = hant![i]!.description;
    return { command: c.command, description: traditional === c.description ? c.description : `${c.description}｜${traditional}` };
  });
  const menus = [
    { menu: 'default', set: () => bot.telegram.setMyCommands(en!) },
    { menu: 'en', set: () => bot.telegram.setMyCommands(en!, { language_code: 'en' }) },
    { menu: 'zh', set: () => bot.telegram.setMyCommands(zh, { language_code: 'zh' }) },
  ];
  const results = await Promise.allSettled(menus.map((m) => m.set()));
  let failed = 0;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    failed++;
    log?.warn({ err: r.reason, menu: menus[i]!.menu }, 'command menu not registered; it may be stale');
  });
  return failed;
}
