/**
 * The playground: the real bot (`npm start`'s program, as a child process) talking to the Bot API
 * stand-in (bot-api-standin.ts) in this process, and a page on 127.0.0.1 where a person plays
 * Telegram: a private chat, a group (mentions, /ask, an admin switch for /announce), inline mode as
 * you type, and every button. No token, no network beyond loopback.
 *
 * The page gets messages as text and entities (what the stand-in parsed from the bot's HTML, as
 * Telegram does) and builds them with text nodes: the bot's HTML is never put into the page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTelegramHtml, startStandin, type BotApiStandin, type MessageEntity, type TgMessage } from './bot-api-standin.js';
import { PAGE_HTML, PAGE_SCRIPT } from './page.js';

/** The person playing: a user id, and the group they play in. */
/** You in the private chat: the bot's operator (ADMIN_IDS), so /review works there. */
const USER_ID = 424242;
/** You in the group: a member, or an admin with the page's switch (an operator would be an admin everywhere). */
const GROUP_USER_ID = 424243;
const GROUP_ID = -1001234567890;
/** Bodies the page sends are small; anything larger is refused. */
const MAX_BODY_BYTES = 16_384;
/** How long a typed inline query waits for the bot's results. */
const INLINE_WAIT_MS = 3_000;
const LANGS = new Set(['zh-hans', 'zh-hant', 'en']);

export interface PlaygroundOptions {
  /** Port of the page on 127.0.0.1; 0 for any free one. */
  port: number;
  /** The bot's data folder (SQLite); a temporary one, removed at close, when not given. */
  dataDir?: string;
  /** How to run the bot: `node dist/main.js` by default. */
  botCommand?: string[];
  /** Extra environment for the bot (LOG_LEVEL…). */
  env?: Record<string, string>;
  /** Where the bot's log lines go (default: nowhere). */
  log?: (line: string) => void;
}

export interface Playground {
  /** The page, http://127.0.0.1:PORT */
  url: string;
  standin: BotApiStandin;
  /** Stops the bot (SIGTERM), the page and the stand-in. */
  close(): Promise<void>;
}

interface Button {
  text: string;
  data?: string;
  url?: string;
  /** A switch to inline mode with this query. */
  inline?: string;
}
interface PageMessage {
  id: string;
  fromBot: boolean;
  name: string;
  text: string;
  entities: MessageEntity[];
  buttons: Button[][];
  /** The message this one replies to, shortened. */
  replyTo?: string;
  edited: boolean;
  /** An inline message: sent by the user through the bot (its buttons are pressed as inline). */
  via?: boolean;
}
interface InlineMessage {
  id: string;
  chat: number;
  /** Shown after this many of the chat's other messages. */
  after: number;
  text: string;
  entities: MessageEntity[];
  buttons: Button[][];
  edited: boolean;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the stand-in, the bot and the page. */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const standin = await startStandin({ maxPollMs: 500, queryTtlMs: 60_000 });
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'playground-'));
  const inline = new Map<string, InlineMessage>();
  let lang = 'zh-hans';
  let admin = false;
  let nextInline = 1;

  // Edits of inline messages (the context button) are kept here: the stand-in only acknowledges them.
  const edit = standin.builtinHandler('editMessageText');
  standin.onMethod('editMessageText', (params) => {
    const id = params['inline_message_id'];
    const message = typeof id === 'string' ? inline.get(id) : undefined;
    if (message) {
      const parsed = parseTelegramHtml(String(params['text'] ?? ''), { strict: false });
      message.text = parsed.text;
      message.entities = parsed.entities;
      message.buttons = buttonsOf(params['reply_markup']);
      message.edited = true;
    }
    return edit(params);
  });
  standin.setChatMember(GROUP_ID, GROUP_USER_ID, 'member');
  standin.botAddedToGroup({ chatId: GROUP_ID, userId: GROUP_USER_ID, title: 'Playground group', firstName: 'You' });

  const command = options.botCommand ?? [process.execPath, path.join(ROOT, 'dist', 'main.js')];
  const bot: ChildProcess = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      ...options.env,
      BOT_TOKEN: standin.token,
      TELEGRAM_API_ROOT: standin.url,
      BOT_MODE: 'polling',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      ADMIN_IDS: String(USER_ID),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [bot.stdout!, bot.stderr!]) stream.on('data', (d: Buffer) => options.log?.(d.toString().trimEnd()));
  let closing = false;
  bot.once('exit', (code, signal) => {
    if (!closing) options.log?.(`playground: the bot stopped (${signal ?? `exit ${code}`}); the page stays up without it`);
  });

  const user = (chat?: unknown) => ({ userId: chat === 'group' ? GROUP_USER_ID : USER_ID, firstName: 'You', languageCode: lang });
  const chatOf = (name: unknown): number => (name === 'group' ? GROUP_ID : USER_ID);

  const messages = (chat: number): PageMessage[] => {
    const out: PageMessage[] = standin.messagesIn(chat).map((m) => pageMessage(m, standin.bot.id));
    const own = [...inline.values()].filter((m) => m.chat === chat);
    for (const m of own.sort((a, b) => b.after - a.after)) {
      out.splice(Math.min(m.after, out.length), 0, { id: m.id, fromBot: false, name: 'You', text: m.text, entities: m.entities, buttons: m.buttons, edited: m.edited, via: true });
    }
    return out;
  };
  /** What the bot said when a button was pressed (answerCallbackQuery with a text), newest last. */
  const notices = (): string[] =>
    standin
      .callsTo('answerCallbackQuery')
      .map((c) => c.params['text'])
      .filter((t): t is string => typeof t === 'string' && t !== '')
      .slice(-5);

  const routes: Record<string, (body: Record<string, unknown>, url: URL) => Promise<unknown> | unknown> = {
    'GET /api/state': (_, url) => ({
      bot: standin.bot.username,
      lang,
      admin,
      messages: messages(chatOf(url.searchParams.get('chat'))),
      notices: notices(),
    }),
    'POST /api/message': (body) => {
      const text = String(body['text'] ?? '').slice(0, 4096);
      if (!text.trim()) return { ok: false };
      if (body['chat'] === 'group') standin.groupText(text, { ...user('group'), chatId: GROUP_ID, title: 'Playground group' });
      else standin.privateText(text, user());
      return { ok: true };
    },
    'POST /api/press': (body) => {
      const data = String(body['data'] ?? '');
      const id = String(body['id'] ?? '');
      if (inline.has(id)) standin.callbackQuery(data, { ...user(), inlineMessageId: id });
      else standin.callbackQuery(data, { ...user(body['chat']), chatId: chatOf(body['chat']), messageId: Number(id) });
      return { ok: true };
    },
    'POST /api/inline': async (body) => {
      const query = String(body['query'] ?? '').slice(0, 256);
      const update = standin.inlineQuery(query, user());
      const queryId = update.inline_query!.id;
      const call = await standin.waitFor((c) => c.method === 'answerInlineQuery' && c.params['inline_query_id'] === queryId, INLINE_WAIT_MS).catch(() => undefined);
      const results = Array.isArray(call?.params['results']) ? (call!.params['results'] as Record<string, unknown>[]) : typeof call?.params['results'] === 'string' ? (JSON.parse(call.params['results']) as Record<string, unknown>[]) : [];
      return {
        results: results.map((r) => {
          const content = (r['input_message_content'] ?? {}) as Record<string, unknown>;
          const parsed = parseTelegramHtml(String(content['message_text'] ?? ''), { strict: false });
          return { id: String(r['id']), title: String(r['title'] ?? ''), description: String(r['description'] ?? ''), text: parsed.text, entities: parsed.entities, buttons: buttonsOf(r['reply_markup']) };
        }),
      };
    },
    'POST /api/pick': (body) => {
      const chat = chatOf(body['chat']);
      const id = `inline-${nextInline++}`;
      const buttons = Array.isArray(body['buttons']) ? (body['buttons'] as Button[][]) : [];
      inline.set(id, { id, chat, after: standin.messagesIn(chat).length, text: String(body['text'] ?? '').slice(0, 4096), entities: entitiesOf(body['entities']), buttons: sanitizeButtons(buttons), edited: false });
      return { ok: true };
    },
    'POST /api/admin': (body) => {
      admin = body['admin'] === true;
      standin.setChatMember(GROUP_ID, GROUP_USER_ID, admin ? 'administrator' : 'member');
      return { ok: true, admin };
    },
    'POST /api/lang': (body) => {
      if (typeof body['lang'] === 'string' && LANGS.has(body['lang'])) lang = body['lang'];
      return { ok: true, lang };
    },
  };

  const server = http.createServer((req, res) => void serve(req, res));
  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    try {
      if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:" });
        return void res.end(PAGE_HTML);
      }
      if (req.method === 'GET' && url.pathname === '/app.js') {
        res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' });
        return void res.end(PAGE_SCRIPT);
      }
      const route = routes[`${req.method} ${url.pathname}`];
      if (!route) {
        res.writeHead(404, headers);
        return void res.end();
      }
      const body = req.method === 'POST' ? await readJson(req) : {};
      const result = await route(body, url);
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    } catch (err) {
      res.writeHead(400, { ...headers, 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: (err as Error).message.slice(0, 200) }));
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    standin,
    close: async () => {
      closing = true;
      if (bot.exitCode === null && bot.signalCode === null) {
        const exited = new Promise((resolve) => bot.once('exit', resolve));
        bot.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await standin.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Whether `dist/` holds the bot (the playground runs the built bot, as `npm start` does). */
export const builtBot = (): boolean => existsSync(path.join(ROOT, 'dist', 'main.js'));

function pageMessage(m: TgMessage, botId: number): PageMessage {
  const fromBot = m.from?.id === botId;
  const reply = m.reply_to_message?.text;
  // A service message (the bot added to the group) has no text of its own.
  const service = m.text === undefined && Array.isArray(m['new_chat_members']) ? 'added the bot to the group' : undefined;
  return {
    id: String(m.message_id),
    fromBot,
    name: fromBot ? (m.from?.first_name ?? 'bot') : (m.from?.first_name ?? 'You'),
    text: m.text ?? service ?? '',
    entities: m.entities ?? [],
    buttons: buttonsOf(m.reply_markup),
    ...(reply ? { replyTo: reply.slice(0, 60) } : {}),
    edited: m.edit_date !== undefined,
  };
}

/** An inline keyboard as the page's buttons (callback data, URLs, inline switches; nothing else). */
function buttonsOf(markup: unknown): Button[][] {
  const raw = typeof markup === 'string' ? (JSON.parse(markup) as unknown) : markup;
  const rows = raw && typeof raw === 'object' && Array.isArray((raw as { inline_keyboard?: unknown }).inline_keyboard) ? ((raw as { inline_keyboard: unknown[] }).inline_keyboard as unknown[]) : [];
  return sanitizeButtons(rows);
}

function sanitizeButtons(rows: unknown[]): Button[][] {
  return rows.filter(Array.isArray).map((row) =>
    (row as Record<string, unknown>[]).map((b) => ({
      text: String(b['text'] ?? ''),
      ...(typeof b['callback_data'] === 'string' ? { data: b['callback_data'] } : typeof b['data'] === 'string' ? { data: b['data'] } : {}),
      ...(typeof b['url'] === 'string' && /^https?:\/\//.test(b['url']) ? { url: b['url'] } : {}),
      ...(typeof b['switch_inline_query_current_chat'] === 'string' ? { inline: b['switch_inline_query_current_chat'] } : typeof b['inline'] === 'string' ? { inline: b['inline'] } : {}),
    })),
  );
}

function entitiesOf(raw: unknown): MessageEntity[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((e): e is MessageEntity => !!e && typeof e === 'object' && typeof (e as MessageEntity).type === 'string' && Number.isInteger((e as MessageEntity).offset) && Number.isInteger((e as MessageEntity).length))
    .map((e) => ({ type: e.type, offset: e.offset, length: e.length, ...(typeof e.url === 'string' ? { url: e.url } : {}) }));
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
        resolve(value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
      } catch {
        reject(new Error('not JSON'));
      }
    });
    req.on('error', reject);
  });
}
