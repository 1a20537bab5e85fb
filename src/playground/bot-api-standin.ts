/**
 * A small, dependency-free stand-in for the Telegram Bot API: for tests, and for `npm run playground`.
 *
 * It is an HTTP server on 127.0.0.1 (random free port) that a real telegraf bot talks to through
 *   new Telegraf(standin.token, { telegram: { apiRoot: standin.url } })
 * Telegraf calls `POST {apiRoot}/bot{token}/{method}` with a JSON body (multipart when uploading
 * files) and expects `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`.
 * For HTTP status >= 500 telegraf ignores the body and throws TelegramError(status, statusText).
 *
 * Besides answering, the stand-in records every call (`calls`, `callsTo`, `sent`, `waitFor`),
 * validates what Telegram validates (HTML entities, text length, inline keyboards, inline query
 * results, query ids), queues updates for long polling (`pushUpdate` and the builders), and can
 * inject faults (`failNext`).
 *
 * Deliberate differences from the real Bot API (stricter, so a bot that passes here passes there):
 *  - HTML: `&name;` with an unknown name is an error (Telegram keeps it literally) and `<a>` needs
 *    an href (Telegram then links the inner text). Turn off with `strictHtml: false`.
 *  - the 4096 limit is counted in UTF-16 code units of the visible text.
 *  - callback query ids, like inline query ids, can be answered once and expire after `queryTtlMs`.
 * Markdown / MarkdownV2 are accepted but not parsed (the raw text is the visible text).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Types (a loose subset of the Bot API's)

export type Params = Record<string, unknown>;

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export type ApiResponse =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

export interface RecordedCall {
  method: string;
  params: Params;
  /** ms timestamp of the request's arrival */
  at: number;
  /** the JSON response; null while pending or when no response was sent */
  response: ApiResponse | null;
  /** pending: not answered yet (long poll); done: answered; dropped: socket destroyed / client went away */
  state: 'pending' | 'done' | 'dropped';
}

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  [k: string]: unknown;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  [k: string]: unknown;
}

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: { id: number; is_bot: boolean; first_name: string };
}

export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  sender_chat?: TgChat;
  text?: string;
  entities?: MessageEntity[];
  reply_to_message?: TgMessage;
  reply_markup?: unknown;
  edit_date?: number;
  [k: string]: unknown;
}

export interface TgInlineQuery {
  id: string;
  from: TgUser;
  query: string;
  offset: string;
  chat_type?: string;
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  chat_instance: string;
  data?: string;
  message?: TgMessage;
  inline_message_id?: string;
}

export interface Update {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  channel_post?: TgMessage;
  edited_channel_post?: TgMessage;
  inline_query?: TgInlineQuery;
  callback_query?: TgCallbackQuery;
  my_chat_member?: ChatMemberUpdated;
  chat_member?: ChatMemberUpdated;
  [k: string]: unknown;
}

export interface ChatMemberUpdated {
  chat: TgChat;
  from: TgUser;
  date: number;
  old_chat_member: ChatMember;
  new_chat_member: ChatMember;
}

export type ChatMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

export interface ChatMember {
  status: ChatMemberStatus;
  user: TgUser;
  [k: string]: unknown;
}

export interface SentMessageParams extends Params {
  chat_id: number | string;
  text: string;
  parse_mode?: string;
  reply_markup?: unknown;
}

export type Fault =
  | { status: number; description?: string; retry_after?: number; parameters?: ResponseParameters }
  | { networkError: true };

export interface BotIdentity {
  id: number;
  username: string;
  first_name: string;
}

export interface StandinOptions {
  /** token accepted in `/bot{token}/...`; default '123456:AAHtest-token-0123456789abcdefghijk' (the shape @BotFather gives) */
  token?: string;
  /** getMe identity; default id = the token's numeric prefix, username 'reform_qa_bot' */
  bot?: Partial<BotIdentity>;
  /** cap on a getUpdates long poll, whatever `timeout` asks for; default 1000 ms */
  maxPollMs?: number;
  /** inline / callback query ids expire after this; default 10 000 ms */
  queryTtlMs?: number;
  /** see the header comment; default true */
  strictHtml?: boolean;
  /** pinChatMessage succeeds (default) or fails with 400 'not enough rights' */
  canPin?: boolean;
}

/** Options shared by the update builders. */
export interface BuildOptions {
  /** queue the update for getUpdates (default true); false just builds it (e.g. for postUpdate) */
  enqueue?: boolean;
  /** unix seconds; default now */
  date?: number;
}

export interface UserOptions {
  userId?: number;
  firstName?: string;
  lastName?: string;
  username?: string;
  /** default 'en'; null leaves it out */
  languageCode?: string | null;
}

export interface GroupOptions {
  chatId?: number;
  chatType?: 'group' | 'supergroup';
  title?: string;
}

type Handler = (params: Params, ctx: HandlerContext) => unknown;
interface HandlerContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
}

/** Throw from a method handler (also from `onMethod` overrides) to answer with an error. */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(`${code}: ${description}`);
  }
}

const bad = (what: string): BotApiError => new BotApiError(400, `Bad Request: ${what}`);

// ---------------------------------------------------------------------------------------------
// HTML parsing, the way Telegram does it (td/telegram/MessageEntity.cpp, do_parse_html)

const HTML_TAGS = new Set([
  'a', 'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler',
  'code', 'pre', 'blockquote', 'tg-emoji',
]);
const TAG_ENTITY: Record<string, string> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', span: 'spoiler',
  'tg-spoiler': 'spoiler', code: 'code', pre: 'pre', blockquote: 'blockquote', 'tg-emoji': 'custom_emoji',
};
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** A text that Telegram refuses to parse: the message is the part after "can't parse entities: ". */
export class HtmlParseError extends Error {}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

/**
 * Parses Telegram-flavoured HTML into the visible text and its entities (offsets in UTF-16 units).
 * Throws HtmlParseError with Telegram's wording.
 */
export function parseTelegramHtml(input: string, { strict = true }: { strict?: boolean } = {}): ParsedText {
  const n = input.length;
  const byteOffset = (pos: number): number => Buffer.byteLength(input.slice(0, pos), 'utf8');
  const fail = (msg: string): never => {
    throw new HtmlParseError(msg);
  };
  // Decodes an entity at `pos` (input[pos] === '&'); returns [decoded, length] or null for a literal '&'.
  const entityAt = (pos: number): [string, number] | null => {
    const m = /^&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([a-zA-Z]+))(;?)/.exec(input.slice(pos, pos + 40));
    if (!m) return null;
    const [whole, hex, dec, name, semi] = m;
    if (name !== undefined) {
      const ch = NAMED_ENTITIES[name];
      if (ch !== undefined) return [ch, whole.length];
      if (strict && semi) fail(`Unsupported HTML entity "&${name};" at byte offset ${byteOffset(pos)}`);
      return null;
    }
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    if (!(cp > 0 && cp < 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff) || whole.length - semi!.length >= 10) {
      if (strict) fail(`Invalid numeric HTML entity "${whole}" at byte offset ${byteOffset(pos)}`);
      return null;
    }
    return [String.fromCodePoint(cp), whole.length];
  };

  interface Open {
    tag: string;
    start: number;
    attrs: Map<string, string>;
  }
  const stack: Open[] = [];
  const entities: MessageEntity[] = [];
  let out = '';
  let i = 0;
  while (i < n) {
    const c = input[i]!;
    if (c === '&') {
      const e = entityAt(i);
      if (e) {
        out += e[0];
        i += e[1];
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }
    const begin = i;
    if (input[i + 1] !== '/') {
      // start tag
      i++;
      while (i < n && !isSpace(input[i]) && input[i] !== '>') i++;
      if (i >= n) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      const tag = input.slice(begin + 1, i).toLowerCase();
      if (!HTML_TAGS.has(tag)) fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(begin)}`);
      const attrs = new Map<string, string>();
      for (;;) {
        while (i < n && isSpace(input[i])) i++;
        if (i >= n) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
        if (input[i] === '>') {
          i++;
          break;
        }
        const nameBegin = i;
        while (i < n && !isSpace(input[i]) && input[i] !== '=' && input[i] !== '>') i++;
        const name = input.slice(nameBegin, i).toLowerCase();
        if (!name) fail(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        while (i < n && isSpace(input[i])) i++;
        if (input[i] !== '=') {
          if (tag === 'blockquote' && name === 'expandable') {
            attrs.set(name, '');
            continue;
          }
          fail(`Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        }
        i++;
        while (i < n && isSpace(input[i])) i++;
        if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`);
        let value = '';
        const q = input[i];
        if (q === '"' || q === "'") {
          i++;
          while (i < n && input[i] !== q) {
            if (input[i] === '&') {
              const e = entityAt(i);
              if (e) {
                value += e[0];
                i += e[1];
                continue;
              }
            }
            value += input[i];
            i++;
          }
          if (i >= n) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
          i++;
        } else {
          const tokenBegin = i;
          while (i < n && /[A-Za-z0-9.-]/.test(input[i]!)) i++;
          value = input.slice(tokenBegin, i).toLowerCase();
          if (i < n && !isSpace(input[i]) && input[i] !== '>') {
            fail(`Unexpected end of name token at byte offset ${byteOffset(tokenBegin)}`);
          }
          if (i >= n) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
        }
        attrs.set(name, value);
      }
      if (tag === 'span' && attrs.get('class') !== 'tg-spoiler') {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
      }
      if (tag === 'a' && strict && !attrs.has('href')) {
        fail(`Tag "a" must have attribute "href" at byte offset ${byteOffset(begin)}`);
      }
      if (tag === 'tg-emoji' && !attrs.get('emoji-id')) {
        fail(`Tag "tg-emoji" must have attribute "emoji-id" at byte offset ${byteOffset(begin)}`);
      }
      stack.push({ tag, start: out.length, attrs });
    } else {
      // end tag
      if (stack.length === 0) fail(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
      i += 2;
      while (i < n && !isSpace(input[i]) && input[i] !== '>') i++;
      const endName = input.slice(begin + 2, i).toLowerCase();
      while (i < n && isSpace(input[i])) i++;
      if (input[i] !== '>') fail(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
      i++;
      const open = stack.pop()!;
      if (endName && endName !== open.tag) {
        fail(`Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${open.tag}>", found "</${endName}>"`);
      }
      const length = out.length - open.start;
      if (length <= 0) continue;
      const offset = open.start;
      const last = entities[entities.length - 1];
      if (open.tag === 'a') {
        const url = open.attrs.get('href') || out.slice(open.start);
        const userId = /^tg:\/\/user\?id=(\d+)$/.exec(url)?.[1];
        if (userId) entities.push({ type: 'text_mention', offset, length, user: { id: Number(userId), is_bot: false, first_name: '' } });
        else entities.push({ type: 'text_link', offset, length, url });
      } else if (open.tag === 'code') {
        const lang = (open.attrs.get('class') ?? '').startsWith('language-') ? open.attrs.get('class')!.slice(9) : '';
        entities.push({ type: 'code', offset, length, ...(lang ? { language: lang } : {}) });
      } else if (open.tag === 'pre') {
        // <pre><code class="language-x">...</code></pre> → one pre entity with a language
        if (last && last.type === 'code' && last.offset === offset && last.length === length) {
          last.type = 'pre';
        } else {
          entities.push({ type: 'pre', offset, length });
        }
      } else if (open.tag === 'blockquote') {
        entities.push({ type: open.attrs.has('expandable') ? 'expandable_blockquote' : 'blockquote', offset, length });
      } else if (open.tag === 'tg-emoji') {
        entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.attrs.get('emoji-id')! });
      } else {
        entities.push({ type: TAG_ENTITY[open.tag]!, offset, length });
      }
    }
  }
  if (stack.length > 0) fail(`Can't find end tag corresponding to start tag "${stack[stack.length - 1]!.tag}"`);
  for (const e of entities) if (e.type === 'code') delete e.language;
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}

/** Trims the text like Telegram does and moves/clips the entities accordingly. */
function trimFormatted({ text, entities }: ParsedText): ParsedText {
  const left = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const out: MessageEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - left);
    const end = Math.min(trimmed.length, e.offset + e.length - left);
    if (end > start) out.push({ ...e, offset: start, length: end - start });
  }
  return { text: trimmed, entities: out };
}

/**
 * The entities Telegram computes on a user's text: bot_command (`/cmd`, `/cmd@bot`) and mention
 * (`@username`), offsets in UTF-16 units.
 */
export function autoEntities(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  const re = /(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)|(@[A-Za-z0-9_]{4,32})/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const prev = m.index > 0 ? text[m.index - 1]! : '';
    const next = text[m.index + m[0].length] ?? '';
    if (/[A-Za-z0-9_/@]/.test(prev) || /[A-Za-z0-9_/@]/.test(next)) continue;
    out.push({ type: m[1] ? 'bot_command' : 'mention', offset: m.index, length: m[0].length });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Request parsing

const NUMERIC_KEYS = new Set([
  'chat_id', 'user_id', 'message_id', 'offset', 'limit', 'timeout', 'reply_to_message_id', 'cache_time',
  'message_thread_id', 'until_date', 'max_connections', 'from_chat_id',
]);
const BOOLEAN_KEYS = new Set([
  'drop_pending_updates', 'disable_notification', 'show_alert', 'is_personal', 'protect_content',
  'disable_web_page_preview', 'allow_sending_without_reply', 'only_if_banned', 'revoke_messages',
]);
const JSON_KEYS = new Set([
  'reply_markup', 'results', 'allowed_updates', 'entities', 'reply_parameters', 'scope', 'commands',
  'link_preview_options', 'button', 'caption_entities',
]);

function coerce(key: string, value: string): unknown {
  if (JSON_KEYS.has(key)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (NUMERIC_KEYS.has(key) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (BOOLEAN_KEYS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function parseMultipart(body: Buffer, boundary: string): Params {
  const out: Params = {};
  const text = body.toString('latin1');
  for (const part of text.split(`--${boundary}`)) {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (!name) continue;
    const raw = Buffer.from(part.slice(sep + 4).replace(/\r\n$/, ''), 'latin1');
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    out[name] = filename !== undefined ? { filename, size: raw.length } : coerce(name, raw.toString('utf8'));
  }
  return out;
}

function parseParams(req: http.IncomingMessage, body: Buffer, url: URL): Params {
  const params: Params = {};
  for (const [k, v] of url.searchParams) params[k] = coerce(k, v);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length === 0) return params;
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw bad("can't parse JSON");
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = coerce(k, v);
  } else if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
    const b = boundary?.[1] ?? boundary?.[2];
    // the boundary is case-sensitive: read it from the original header
    const original = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
    if (b) Object.assign(params, parseMultipart(body, original?.[1] ?? original?.[2] ?? b));
    delete params['method'];
  }
  return params;
}

const readBody = (req: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

// ---------------------------------------------------------------------------------------------
// Helpers

const KNOWN_METHODS = [
  'getMe', 'getUpdates', 'sendMessage', 'editMessageText', 'editMessageReplyMarkup', 'deleteMessage',
  'answerInlineQuery', 'answerCallbackQuery', 'getChatMember', 'setMyCommands', 'deleteMyCommands',
  'getMyCommands', 'setWebhook', 'deleteWebhook', 'getWebhookInfo', 'pinChatMessage', 'sendChatAction',
  'leaveChat',
];
const UPDATE_TYPES = [
  'message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection',
  'business_message', 'edited_business_message', 'deleted_business_messages', 'message_reaction',
  'message_reaction_count', 'inline_query', 'chosen_inline_result', 'callback_query', 'shipping_query',
  'pre_checkout_query', 'purchased_paid_media', 'poll', 'poll_answer', 'my_chat_member', 'chat_member',
  'chat_join_request', 'chat_boost', 'removed_chat_boost',
];
const DEFAULT_ALLOWED = new Set(
  UPDATE_TYPES.filter((t) => t !== 'chat_member' && t !== 'message_reaction' && t !== 'message_reaction_count'),
);
const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);
const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};
const QUERY_INVALID = 'query is too old and response timeout expired or query ID is invalid';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const now = (): number => Math.floor(Date.now() / 1000);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const updateType = (u: Update): string => Object.keys(u).find((k) => k !== 'update_id') ?? '';
const asJson = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

interface Poller {
  offset: number;
  limit: number;
  allowed: Set<string>;
  timer: NodeJS.Timeout;
  finish: (result: Update[] | BotApiError | 'aborted', closing?: boolean) => void;
}

interface IssuedQuery {
  issuedAt: number;
  answered: boolean;
}

interface Waiter {
  predicate: (c: RecordedCall) => boolean;
  resolve: (c: RecordedCall) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

function summarize(calls: readonly RecordedCall[]): string {
  const lines: string[] = [];
  let emptyPolls = 0;
  const flush = (): void => {
    if (emptyPolls) lines.push(`  getUpdates → [] ×${emptyPolls}`);
    emptyPolls = 0;
  };
  for (const c of calls) {
    const r = c.response;
    if (c.method === 'getUpdates' && r?.ok && Array.isArray(r.result) && r.result.length === 0) {
      emptyPolls++;
      continue;
    }
    flush();
    const p = JSON.stringify(c.params);
    const outcome = c.state !== 'done' ? c.state : r?.ok ? 'ok' : `${r?.error_code} ${r?.description}`;
    lines.push(`  ${c.method} ${p.length > 160 ? `${p.slice(0, 160)}…` : p} → ${outcome}`);
  }
  flush();
  return lines.join('\n') || '  (none)';
}

// ---------------------------------------------------------------------------------------------
// The stand-in

export class BotApiStandin {
  readonly token: string;
  readonly bot: TgUser;
  /** every call, in order of arrival */
  readonly calls: RecordedCall[] = [];

  private readonly server: http.Server;
  private readonly maxPollMs: number;
  private readonly queryTtlMs: number;
  private readonly strictHtml: boolean;
  private port = 0;
  private closed = false;

  private queue: Update[] = [];
  private nextUpdateId = 100_000_001;
  private allowedUpdates: Set<string> = DEFAULT_ALLOWED;
  private pollers = new Set<Poller>();
  private waiters = new Set<Waiter>();
  private faults = new Map<string, Fault[]>();
  private handlers = new Map<string, Handler>();
  private methodNames = new Map<string, string>();

  private messages = new Map<number, Map<number, TgMessage>>();
  private lastMessageId = new Map<number, number>();
  private chats = new Map<number, TgChat>();
  private users = new Map<number, TgUser>();
  private memberStatus = new Map<string, ChatMemberStatus>();
  private inlineQueries = new Map<string, IssuedQuery>();
  private callbackQueries = new Map<string, IssuedQuery>();
  private nextQueryId = 4_000_000_000_000_000_001n;
  private notMember = new Map<number, string>();
  private pinAllowed = new Map<number | '*', boolean>();

  /** commands set with setMyCommands, by `${JSON.stringify(scope)}|${language_code}` */
  readonly commands = new Map<string, Array<{ command: string; description: string }>>();
  /** state set by setWebhook (url '' = none) */
  webhook: { url: string; secret_token?: string; allowed_updates?: string[]; max_connections?: number } = { url: '' };

  private constructor(opts: StandinOptions) {
    this.token = opts.token ?? '123456:AAHtest-token-0123456789abcdefghijk';
    const idFromToken = Number(/^(\d+):/.exec(this.token)?.[1] ?? 123456);
    this.bot = {
      id: opts.bot?.id ?? idFromToken,
      is_bot: true,
      first_name: opts.bot?.first_name ?? 'Reform QA',
      username: opts.bot?.username ?? 'reform_qa_bot',
    };
    this.maxPollMs = opts.maxPollMs ?? 1000;
    this.queryTtlMs = opts.queryTtlMs ?? 10_000;
    this.strictHtml = opts.strictHtml ?? true;
    this.pinAllowed.set('*', opts.canPin ?? true);
    for (const m of KNOWN_METHODS) this.methodNames.set(m.toLowerCase(), m);
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 1000;
  }

  static async start(opts: StandinOptions = {}): Promise<BotApiStandin> {
    const s = new BotApiStandin(opts);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  /** apiRoot for telegraf, e.g. http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `${url}/bot${token}/${method}`, for plain fetch */
  methodUrl(method: string, token = this.token): string {
    return `${this.url}/bot${token}/${method}`;
  }

  // ------------------------------------------------------------------ recording

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** params of the successful sendMessage calls, in order */
  sent(): SentMessageParams[] {
    return this.calls
      .filter((c) => c.method === 'sendMessage' && c.response?.ok)
      .map((c) => c.params as SentMessageParams);
  }

  /**
   * Resolves with the first finished call (already recorded or still to come) that matches
   * `predicate` (a method name or a function); rejects after `timeoutMs` listing the calls so far.
   */
  waitFor(predicate: string | ((c: RecordedCall) => boolean), timeoutMs = 5000): Promise<RecordedCall> {
    const test = typeof predicate === 'string' ? (c: RecordedCall) => c.method === predicate : predicate;
    const found = this.calls.find((c) => c.state !== 'pending' && test(c));
    if (found) return Promise.resolve(found);
    if (this.closed) return Promise.reject(new Error('bot-api-standin: closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate: test,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`bot-api-standin: waitFor timed out after ${timeoutMs} ms; calls so far:\n${summarize(this.calls)}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  private settle(call: RecordedCall): void {
    for (const w of [...this.waiters]) {
      let hit = false;
      try {
        hit = w.predicate(call);
      } catch (e) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      if (hit) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(call);
      }
    }
  }

  // ------------------------------------------------------------------ configuration

  /** The next `count` calls of `method` fail with `fault` (queued after earlier faults). */
  failNext(method: string, fault: Fault, count = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let k = 0; k < count; k++) list.push(fault);
    this.faults.set(method, list);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Replace or add a method; throw BotApiError from the handler to answer with an error. */
  onMethod(method: string, handler: (params: Params, standin: BotApiStandin) => unknown): void {
    this.methodNames.set(method.toLowerCase(), method);
    this.handlers.set(method, (params) => handler(params, this));
  }

  /**
   * The stand-in's own handler of a method (one that needs no request context, such as
   * sendMessage), to wrap in an `onMethod` override: a delay, or a fault for some chats only.
   */
  builtinHandler(method: string): (params: Params) => unknown {
    const handler = this.builtin(method);
    if (!handler) throw new Error(`bot-api-standin: no built-in ${method}`);
    return (params) => handler(params, undefined as never);
  }

  setChatMember(chatId: number, userId: number, status: ChatMemberStatus): void {
    this.memberStatus.set(`${chatId}:${userId}`, status);
  }

  /** pinChatMessage succeeds or fails with 'not enough rights', in one chat or (no chatId) everywhere */
  setCanPin(allowed: boolean, chatId?: number): void {
    this.pinAllowed.set(chatId ?? '*', allowed);
  }

  /** Messages the stand-in knows in a chat (sent by the bot or by users through updates). */
  messagesIn(chatId: number): TgMessage[] {
    return [...(this.messages.get(chatId)?.values() ?? [])];
  }

  /** The commands recorded by setMyCommands for a scope (default {type:'default'}) and language. */
  commandsFor(scope: Record<string, unknown> = { type: 'default' }, languageCode = ''): Array<{ command: string; description: string }> | undefined {
    return this.commands.get(this.commandsKey(scope, languageCode));
  }

  /** Updates queued and not yet confirmed. */
  pendingUpdates(): Update[] {
    return [...this.queue];
  }

  // ------------------------------------------------------------------ HTTP

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/bot([^/]*)\/(?:test\/)?([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    if (!m) {
      this.write(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const token = decodeURIComponent(m[1]!);
    const rawMethod = m[2]!;
    const method = this.methodNames.get(rawMethod.toLowerCase()) ?? rawMethod;
    const call: RecordedCall = { method, params: {}, at, response: null, state: 'pending' };
    this.calls.push(call);
    const reply = (response: ApiResponse, status = response.ok ? 200 : response.error_code, closing = false): void => {
      call.response = response;
      call.state = 'done';
      this.write(res, status, response, closing);
      this.settle(call);
    };
    const replyError = (e: BotApiError, closing = false): void =>
      reply(
        {
          ok: false,
          error_code: e.code,
          description: e.description,
          ...(e.parameters ? { parameters: e.parameters } : {}),
        },
        e.code >= 100 && e.code <= 599 ? e.code : 400,
        closing,
      );
    try {
      call.params = parseParams(req, body, url);
    } catch (e) {
      replyError(e instanceof BotApiError ? e : bad(String(e)));
      return;
    }
    if (token !== this.token) {
      replyError(new BotApiError(401, 'Unauthorized'));
      return;
    }
    const fault = this.faults.get(method)?.shift();
    if (fault) {
      if ('networkError' in fault) {
        call.state = 'dropped';
        req.socket.destroy();
        this.settle(call);
        return;
      }
      const code = fault.status;
      const retryAfter = fault.retry_after ?? (code === 429 ? 1 : undefined);
      const description =
        fault.description ?? (code === 429 ? `Too Many Requests: retry after ${retryAfter}` : DEFAULT_DESCRIPTIONS[code] ?? 'Error');
      const parameters = fault.parameters ?? (retryAfter !== undefined ? { retry_after: retryAfter } : undefined);
      replyError(new BotApiError(code, description, parameters));
      return;
    }
    const handler = this.handlers.get(method) ?? this.builtin(method);
    if (!handler) {
      replyError(new BotApiError(404, 'Not Found: method not found'));
      return;
    }
    try {
      const result = await handler(call.params, { req, res });
      if (result === ABORTED) {
        call.state = 'dropped';
        this.settle(call);
        return;
      }
      if (result instanceof Described) reply({ ok: true, result: result.result, description: result.description });
      else if (result instanceof Closing) reply({ ok: true, result: result.result }, 200, true);
      else reply({ ok: true, result });
    } catch (e) {
      if (e instanceof ClosingError) replyError(e.error, true);
      else if (e instanceof BotApiError) replyError(e);
      else reply({ ok: false, error_code: 500, description: `Internal Server Error: ${String(e)}` }, 500);
    }
  }

  private write(res: http.ServerResponse, status: number, body: ApiResponse, closing = false): void {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      ...(closing || this.closed ? { connection: 'close' } : {}),
    });
    res.end(json);
  }

  private builtin(method: string): Handler | undefined {
    switch (method) {
      case 'getMe':
        return () => ({
          ...this.bot,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: true,
          can_connect_to_business: false,
          has_main_web_app: false,
        });
      case 'getUpdates':
        return (p, ctx) => this.getUpdates(p, ctx);
      case 'sendMessage':
        return (p) => this.sendMessage(p);
      case 'editMessageText':
        return (p) => this.editMessage(p, true);
      case 'editMessageReplyMarkup':
        return (p) => this.editMessage(p, false);
      case 'deleteMessage':
        return (p) => {
          const chat = this.resolveChat(p['chat_id']);
          if (!this.messages.get(chat.id)?.delete(Number(p['message_id']))) throw bad('message to delete not found');
          return true;
        };
      case 'answerInlineQuery':
        return (p) => this.answerInlineQuery(p);
      case 'answerCallbackQuery':
        return (p) => {
          this.checkQuery(this.callbackQueries, p['callback_query_id']);
          const text = p['text'];
          if (text !== undefined && (typeof text !== 'string' || [...text].length > 200)) throw bad('MESSAGE_TOO_LONG');
          this.callbackQueries.get(String(p['callback_query_id']))!.answered = true;
          return true;
        };
      case 'getChatMember':
        return (p) => {
          const chat = this.resolveChat(p['chat_id']);
          const userId = Number(p['user_id']);
          if (!Number.isInteger(userId) || userId <= 0) throw bad('invalid user_id specified');
          return this.chatMember(chat.id, userId);
        };
      case 'setMyCommands':
        return (p) => {
          const commands = asJson(p['commands']);
          if (!Array.isArray(commands)) throw bad('field "commands" must be an Array');
          if (commands.length > 100) throw bad('too many commands specified');
          const list = commands.map((c: unknown) => {
            if (!isObject(c) || typeof c['command'] !== 'string' || typeof c['description'] !== 'string') {
              throw bad("can't parse BotCommand");
            }
            const command = c['command'].replace(/^\//, '');
            if (!/^[a-z0-9_]{1,32}$/.test(command)) throw bad('BOT_COMMAND_INVALID');
            if (c['description'].trim().length === 0 || c['description'].length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
            return { command, description: c['description'] };
          });
          this.commands.set(this.commandsKey(asJson(p['scope']), this.langCode(p['language_code'])), list);
          return true;
        };
      case 'deleteMyCommands':
        return (p) => {
          this.commands.delete(this.commandsKey(asJson(p['scope']), this.langCode(p['language_code'])));
          return true;
        };
      case 'getMyCommands':
        return (p) => this.commands.get(this.commandsKey(asJson(p['scope']), this.langCode(p['language_code']))) ?? [];
      case 'setWebhook':
        return (p) => {
          const url = typeof p['url'] === 'string' ? p['url'] : '';
          if (url && !/^https?:\/\/[^/\s]+/.test(url)) throw bad('bad webhook: invalid webhook URL specified');
          const secret = p['secret_token'];
          if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
            throw bad('secret token contains unallowed characters');
          }
          const allowed = asJson(p['allowed_updates']);
          this.webhook = {
            url,
            ...(typeof secret === 'string' ? { secret_token: secret } : {}),
            ...(Array.isArray(allowed) ? { allowed_updates: allowed.map(String) } : {}),
            ...(typeof p['max_connections'] === 'number' ? { max_connections: p['max_connections'] } : {}),
          };
          if (p['drop_pending_updates'] === true) this.queue = [];
          return new Described(true, url ? 'Webhook was set' : 'Webhook was deleted');
        };
      case 'deleteWebhook':
        return (p) => {
          const had = this.webhook.url !== '';
          this.webhook = { url: '' };
          if (p['drop_pending_updates'] === true) this.queue = [];
          return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
        };
      case 'getWebhookInfo':
        return () => ({
          url: this.webhook.url,
          has_custom_certificate: false,
          pending_update_count: this.queue.length,
          ...(this.webhook.max_connections !== undefined ? { max_connections: this.webhook.max_connections } : {}),
          ...(this.webhook.allowed_updates ? { allowed_updates: this.webhook.allowed_updates } : {}),
        });
      case 'pinChatMessage':
        return (p) => {
          const chat = this.resolveChat(p['chat_id']);
          this.checkMember(chat);
          const allowed = this.pinAllowed.get(chat.id) ?? this.pinAllowed.get('*') ?? true;
          if (!allowed) throw bad('not enough rights to manage pinned messages in the chat');
          if (!this.messages.get(chat.id)?.has(Number(p['message_id']))) throw bad('message to pin not found');
          return true;
        };
      case 'sendChatAction':
        return (p) => {
          const chat = this.resolveChat(p['chat_id']);
          this.checkMember(chat);
          if (typeof p['action'] !== 'string' || !CHAT_ACTIONS.has(p['action'])) throw bad('wrong parameter action in request');
          return true;
        };
      case 'leaveChat':
        return (p) => {
          const chat = this.resolveChat(p['chat_id']);
          if (chat.type === 'private') throw bad('chat member status can\'t be changed in private chats');
          this.notMember.set(chat.id, `Forbidden: bot is not a member of the ${chat.type} chat`);
          return true;
        };
      default:
        return undefined;
    }
  }

  // ------------------------------------------------------------------ methods

  private getUpdates(p: Params, ctx: HandlerContext): unknown {
    if (this.webhook.url) {
      throw new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // A newer getUpdates terminates the older one, as on Telegram.
    for (const old of [...this.pollers]) {
      old.finish(new BotApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    const offset = Number(p['offset'] ?? 0) || 0;
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.queue = this.queue.slice(offset);
    const limit = Math.min(100, Math.max(1, Number(p['limit'] ?? 100) || 100));
    const requested = asJson(p['allowed_updates']);
    if (Array.isArray(requested)) {
      this.allowedUpdates = requested.length === 0 ? DEFAULT_ALLOWED : new Set(requested.map(String));
    }
    const allowed = this.allowedUpdates;
    const ready = this.takeUpdates(offset, limit, allowed);
    const timeoutMs = Math.min(this.maxPollMs, Math.max(0, Number(p['timeout'] ?? 0) || 0) * 1000);
    if (ready.length > 0 || timeoutMs === 0 || this.closed) return ready;
    return new Promise<unknown>((resolve, reject) => {
      const poller: Poller = {
        offset,
        limit,
        allowed,
        timer: setTimeout(() => poller.finish(this.takeUpdates(offset, limit, allowed)), timeoutMs),
        finish: (result, closing = false) => {
          if (!this.pollers.delete(poller)) return;
          clearTimeout(poller.timer);
          ctx.res.off('close', onClose);
          if (result === 'aborted') resolve(ABORTED);
          else if (result instanceof BotApiError) reject(closing ? new ClosingError(result) : result);
          else resolve(closing ? new Closing(result) : result);
        },
      };
      const onClose = (): void => {
        if (!ctx.res.writableEnded) poller.finish('aborted');
      };
      ctx.res.on('close', onClose);
      this.pollers.add(poller);
    });
  }

  private takeUpdates(offset: number, limit: number, allowed: Set<string>): Update[] {
    // Updates of types the bot did not subscribe to are never delivered: forget them.
    this.queue = this.queue.filter((u) => allowed.has(updateType(u)));
    return this.queue.filter((u) => offset <= 0 || u.update_id >= offset).slice(0, limit);
  }

  private wakePollers(): void {
    for (const poller of [...this.pollers]) {
      const ready = this.takeUpdates(poller.offset, poller.limit, poller.allowed);
      if (ready.length > 0) poller.finish(ready);
    }
  }

  private sendMessage(p: Params): TgMessage {
    const chat = this.resolveChat(p['chat_id']);
    this.checkMember(chat);
    const formatted = this.formatText(p['text'], p['parse_mode'], p['entities']);
    const markup = validateReplyMarkup(p['reply_markup']);
    const replyTo = this.replyTarget(chat, p);
    const message: TgMessage = {
      message_id: this.nextMessageId(chat.id),
      ...(chat.type === 'channel' ? { sender_chat: chat } : { from: this.bot }),
      chat,
      date: now(),
      ...(typeof p['message_thread_id'] === 'number' ? { message_thread_id: p['message_thread_id'] } : {}),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      text: formatted.text,
      ...(formatted.entities.length ? { entities: formatted.entities } : {}),
      ...(isObject(markup) && 'inline_keyboard' in markup ? { reply_markup: markup } : {}),
    };
    this.storeMessage(message);
    return message;
  }

  private editMessage(p: Params, withText: boolean): unknown {
    const formatted = withText ? this.formatText(p['text'], p['parse_mode'], p['entities']) : null;
    const markup = validateReplyMarkup(p['reply_markup']);
    if (p['inline_message_id'] !== undefined) return true;
    const chat = this.resolveChat(p['chat_id']);
    const stored = this.messages.get(chat.id)?.get(Number(p['message_id']));
    if (!stored) throw bad('message to edit not found');
    if (stored.from?.id !== this.bot.id && stored.sender_chat === undefined) throw bad("message can't be edited");
    const next: TgMessage = { ...stored };
    if (formatted) {
      next.text = formatted.text;
      if (formatted.entities.length) next.entities = formatted.entities;
      else delete next.entities;
    }
    if (isObject(markup) && 'inline_keyboard' in markup) next.reply_markup = markup;
    else delete next.reply_markup;
    const same = (m: TgMessage): string => JSON.stringify([m.text, m.entities ?? [], m.reply_markup ?? null]);
    if (same(next) === same(stored)) {
      throw bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    next.edit_date = now();
    this.messages.get(chat.id)!.set(next.message_id, next);
    return next;
  }

  private answerInlineQuery(p: Params): true {
    this.checkQuery(this.inlineQueries, p['inline_query_id']);
    const results = asJson(p['results']);
    if (!Array.isArray(results)) throw bad("can't parse inline query results JSON object");
    if (results.length > 50) throw bad('RESULTS_TOO_MUCH');
    const ids = new Set<string>();
    for (const r of results) {
      if (!isObject(r)) throw bad("can't parse InlineQueryResult: must be an Object");
      if (typeof r['type'] !== 'string') throw bad(`can't parse InlineQueryResult: Field "type" must be of type String`);
      const id = r['id'];
      if (typeof id !== 'string' || bytes(id) < 1 || bytes(id) > 64) throw bad('RESULT_ID_INVALID');
      if (ids.has(id)) throw bad('RESULT_ID_DUPLICATE');
      ids.add(id);
      validateReplyMarkup(r['reply_markup']);
      if (r['type'] === 'article') {
        if (typeof r['title'] !== 'string' || r['title'].trim() === '') {
          throw bad(`can't parse InlineQueryResult: Field "title" must be of type String`);
        }
        const content = r['input_message_content'];
        if (!isObject(content)) {
          throw bad(`can't parse InlineQueryResult: Field "input_message_content" must be of type Object`);
        }
        if (!('message_text' in content)) {
          throw bad(`can't parse InputMessageContent: Field "message_text" must be of type String`);
        }
        this.formatText(content['message_text'], content['parse_mode'], content['entities']);
      }
    }
    const next = p['next_offset'];
    if (typeof next === 'string' && bytes(next) > 64) throw bad('NEXT_OFFSET_INVALID');
    this.inlineQueries.get(String(p['inline_query_id']))!.answered = true;
    return true;
  }

  private checkQuery(map: Map<string, IssuedQuery>, id: unknown): void {
    const q = map.get(String(id));
    if (!q || q.answered || Date.now() - q.issuedAt > this.queryTtlMs) throw bad(QUERY_INVALID);
  }

  /** Validates a message text (parse_mode, length, emptiness) and returns the visible text + entities. */
  private formatText(text: unknown, parseMode: unknown, entities: unknown): ParsedText {
    if (text === undefined || text === null) throw bad('message text is empty');
    if (typeof text === 'number' || typeof text === 'boolean') text = String(text);
    if (typeof text !== 'string') throw bad('message text must be a String');
    let parsed: ParsedText;
    const mode = typeof parseMode === 'string' ? parseMode : '';
    if (mode.toLowerCase() === 'html') {
      try {
        parsed = parseTelegramHtml(text, { strict: this.strictHtml });
      } catch (e) {
        if (e instanceof HtmlParseError) throw bad(`can't parse entities: ${e.message}`);
        throw e;
      }
    } else if (mode === '' || mode.toLowerCase() === 'markdown' || mode.toLowerCase() === 'markdownv2') {
      const given = asJson(entities);
      parsed = { text, entities: Array.isArray(given) && mode === '' ? (given as MessageEntity[]) : [] };
    } else {
      throw bad(`unsupported parse_mode "${mode}"`);
    }
    parsed = trimFormatted(parsed);
    if (parsed.text.length === 0) throw bad('message text is empty');
    if (parsed.text.length > 4096) throw bad('message is too long');
    return parsed;
  }

  private replyTarget(chat: TgChat, p: Params): TgMessage | undefined {
    const rp = asJson(p['reply_parameters']);
    let id: number | undefined;
    let allowMissing = p['allow_sending_without_reply'] === true;
    let targetChat = chat;
    if (isObject(rp)) {
      id = Number(rp['message_id']);
      allowMissing = rp['allow_sending_without_reply'] === true;
      if (rp['chat_id'] !== undefined) targetChat = this.resolveChat(rp['chat_id']);
    } else if (p['reply_to_message_id'] !== undefined) {
      id = Number(p['reply_to_message_id']);
    }
    if (id === undefined) return undefined;
    const target = this.messages.get(targetChat.id)?.get(id);
    if (!target) {
      if (allowMissing) return undefined;
      throw bad('message to be replied not found');
    }
    const { reply_to_message: _nested, ...flat } = target;
    return flat;
  }

  private chatMember(chatId: number, userId: number): ChatMember {
    const status = this.memberStatus.get(`${chatId}:${userId}`) ?? 'member';
    const user = userId === this.bot.id ? this.bot : this.users.get(userId) ?? { id: userId, is_bot: false, first_name: `User ${userId}` };
    switch (status) {
      case 'creator':
        return { status, user, is_anonymous: false };
      case 'administrator':
        return {
          status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true,
          can_manage_video_chats: true, can_restrict_members: true, can_promote_members: false, can_change_info: true,
          can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
          can_pin_messages: true,
        };
      case 'restricted':
        return { status, user, is_member: true, until_date: 0, can_send_messages: false };
      case 'kicked':
        return { status, user, until_date: 0 };
      default:
        return { status, user };
    }
  }

  private checkMember(chat: TgChat): void {
    const why = this.notMember.get(chat.id);
    if (why) throw new BotApiError(403, why);
  }

  private commandsKey(scope: unknown, languageCode: string): string {
    const s = isObject(scope) ? scope : { type: 'default' };
    const ordered = Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b)));
    return `${JSON.stringify(ordered)}|${languageCode}`;
  }

  private langCode(v: unknown): string {
    if (v === undefined || v === null || v === '') return '';
    if (typeof v !== 'string' || !/^[a-z]{2}$/.test(v)) throw bad('LANG_CODE_INVALID');
    return v;
  }

  // ------------------------------------------------------------------ chats, users, messages

  private resolveChat(chatId: unknown): TgChat {
    if (chatId === undefined || chatId === null || chatId === '') throw bad('chat_id is empty');
    if (typeof chatId === 'string' && chatId.startsWith('@')) {
      const name = chatId.slice(1).toLowerCase();
      const found = [...this.chats.values()].find((c) => c.username?.toLowerCase() === name);
      if (!found) throw bad('chat not found');
      return found;
    }
    const id = Number(chatId);
    if (!Number.isInteger(id) || id === 0) throw bad('chat not found');
    const known = this.chats.get(id);
    if (known) return known;
    const chat: TgChat =
      id > 0
        ? { id, first_name: this.users.get(id)?.first_name ?? `User ${id}`, type: 'private' }
        : id <= -1_000_000_000_000
          ? { id, title: 'Test supergroup', type: 'supergroup' }
          : { id, title: 'Test group', type: 'group' };
    this.chats.set(id, chat);
    return chat;
  }

  private nextMessageId(chatId: number): number {
    const id = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, id);
    return id;
  }

  private storeMessage(m: TgMessage): void {
    let map = this.messages.get(m.chat.id);
    if (!map) this.messages.set(m.chat.id, (map = new Map()));
    map.set(m.message_id, m);
    if ((this.lastMessageId.get(m.chat.id) ?? 0) < m.message_id) this.lastMessageId.set(m.chat.id, m.message_id);
  }

  /** A user object, remembered for chats and getChatMember. */
  user(opts: UserOptions = {}): TgUser {
    const id = opts.userId ?? 4242;
    const known = this.users.get(id);
    const u: TgUser = {
      id,
      is_bot: false,
      first_name: opts.firstName ?? known?.first_name ?? 'Test',
      ...(opts.lastName ?? known?.last_name ? { last_name: opts.lastName ?? known?.last_name } : {}),
      ...(opts.username ?? known?.username ? { username: opts.username ?? known?.username } : {}),
    };
    const lang = opts.languageCode === undefined ? known?.language_code ?? 'en' : opts.languageCode;
    if (lang !== null && lang !== undefined) u.language_code = lang;
    this.users.set(id, u);
    return u;
  }

  private privateChat(u: TgUser): TgChat {
    const chat: TgChat = {
      id: u.id,
      first_name: u.first_name,
      ...(u.last_name ? { last_name: u.last_name } : {}),
      ...(u.username ? { username: u.username } : {}),
      type: 'private',
    };
    this.chats.set(chat.id, chat);
    return chat;
  }

  private groupChat(opts: GroupOptions = {}): TgChat {
    const id = opts.chatId ?? -1_001_234_567_890;
    const known = this.chats.get(id);
    const type = opts.chatType ?? (known?.type === 'group' || known?.type === 'supergroup' ? known.type : id <= -1_000_000_000_000 ? 'supergroup' : 'group');
    const chat: TgChat = { id, title: opts.title ?? known?.title ?? 'Test group', type };
    this.chats.set(id, chat);
    return chat;
  }

  private userMessage(chat: TgChat, from: TgUser, extra: Record<string, unknown>, opts: BuildOptions & { messageId?: number }): TgMessage {
    return {
      message_id: opts.messageId ?? this.nextMessageId(chat.id),
      from,
      chat,
      date: opts.date ?? now(),
      ...extra,
    };
  }

  private botMessageFor(chat: TgChat, messageId: number | undefined): TgMessage {
    const map = this.messages.get(chat.id);
    if (messageId !== undefined) {
      const found = map?.get(messageId);
      if (found) return found;
    } else if (map) {
      const mine = [...map.values()].filter((m) => m.from?.id === this.bot.id);
      if (mine.length) return mine[mine.length - 1]!;
    }
    const m: TgMessage = { message_id: messageId ?? this.nextMessageId(chat.id), from: this.bot, chat, date: now(), text: '…' };
    this.storeMessage(m);
    return m;
  }

  private issueQueryId(): string {
    return String(this.nextQueryId++);
  }

  // ------------------------------------------------------------------ updates

  /** Queues an update (assigning update_id if missing) and registers what it carries. */
  pushUpdate(update: Partial<Update>, { enqueue = true }: { enqueue?: boolean } = {}): Update {
    const u: Update = { ...update, update_id: update.update_id ?? this.nextUpdateId };
    this.nextUpdateId = Math.max(this.nextUpdateId, u.update_id + 1);
    this.register(u);
    if (enqueue) {
      this.queue.push(u);
      this.queue.sort((a, b) => a.update_id - b.update_id);
      this.wakePollers();
    }
    return u;
  }

  private register(u: Update): void {
    for (const key of ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const) {
      const m = u[key];
      if (!m) continue;
      this.chats.set(m.chat.id, { ...this.chats.get(m.chat.id), ...m.chat });
      if (m.from && !m.from.is_bot) this.users.set(m.from.id, { ...this.users.get(m.from.id), ...m.from });
      this.storeMessage(m);
      const newMembers = m['new_chat_members'];
      if (Array.isArray(newMembers) && newMembers.some((x) => isObject(x) && x['id'] === this.bot.id)) this.notMember.delete(m.chat.id);
      const left = m['left_chat_member'];
      if (isObject(left) && left['id'] === this.bot.id) this.notMember.set(m.chat.id, `Forbidden: bot was kicked from the ${m.chat.type} chat`);
    }
    if (u.inline_query && !this.inlineQueries.has(u.inline_query.id)) {
      this.inlineQueries.set(u.inline_query.id, { issuedAt: Date.now(), answered: false });
    }
    if (u.callback_query && !this.callbackQueries.has(u.callback_query.id)) {
      this.callbackQueries.set(u.callback_query.id, { issuedAt: Date.now(), answered: false });
    }
    const mcm = u.my_chat_member;
    if (mcm) {
      this.chats.set(mcm.chat.id, { ...this.chats.get(mcm.chat.id), ...mcm.chat });
      const status = mcm.new_chat_member.status;
      if (status === 'left' || status === 'kicked') {
        this.notMember.set(
          mcm.chat.id,
          mcm.chat.type === 'private' ? 'Forbidden: bot was blocked by the user' : `Forbidden: bot was kicked from the ${mcm.chat.type} chat`,
        );
      } else {
        this.notMember.delete(mcm.chat.id);
      }
      this.setChatMember(mcm.chat.id, this.bot.id, status);
    }
  }

  /** A private text message from a user (bot_command / mention entities computed). */
  privateText(text: string, opts: UserOptions & BuildOptions & { messageId?: number; entities?: MessageEntity[]; replyToMessageId?: number } = {}): Update {
    const from = this.user(opts);
    const chat = this.privateChat(from);
    const entities = opts.entities ?? autoEntities(text);
    const replyTo = opts.replyToMessageId !== undefined ? this.messages.get(chat.id)?.get(opts.replyToMessageId) : undefined;
    const message = this.userMessage(
      chat,
      from,
      { ...(replyTo ? { reply_to_message: replyTo } : {}), text, ...(entities.length ? { entities } : {}) },
      opts,
    );
    return this.pushUpdate({ message }, opts);
  }

  /** A text message in a group (default a supergroup -1001234567890). */
  groupText(
    text: string,
    opts: UserOptions & GroupOptions & BuildOptions & {
      messageId?: number;
      entities?: MessageEntity[];
      /** reply to this message of the bot (synthesized if the stand-in has not seen it) */
      replyToBotMessageId?: number;
      replyToMessageId?: number;
    } = {},
  ): Update {
    const from = this.user(opts);
    const chat = this.groupChat(opts);
    const entities = opts.entities ?? autoEntities(text);
    let replyTo: TgMessage | undefined;
    if (opts.replyToBotMessageId !== undefined) replyTo = this.botMessageFor(chat, opts.replyToBotMessageId);
    else if (opts.replyToMessageId !== undefined) replyTo = this.messages.get(chat.id)?.get(opts.replyToMessageId);
    if (replyTo) {
      const { reply_to_message: _nested, ...flat } = replyTo;
      replyTo = flat;
    }
    const message = this.userMessage(
      chat,
      from,
      { ...(replyTo ? { reply_to_message: replyTo } : {}), text, ...(entities.length ? { entities } : {}) },
      opts,
    );
    return this.pushUpdate({ message }, opts);
  }

  /** An edited_message: the message `messageId` in `chatId` (default the user's private chat) with a new text. */
  editedText(text: string, opts: UserOptions & BuildOptions & { chatId?: number; messageId: number; entities?: MessageEntity[] }): Update {
    const from = this.user(opts);
    const chat = opts.chatId !== undefined && opts.chatId < 0 ? this.groupChat({ chatId: opts.chatId }) : this.privateChat(from);
    const original = this.messages.get(chat.id)?.get(opts.messageId);
    const entities = opts.entities ?? autoEntities(text);
    const { entities: _old, ...rest } = original ?? { message_id: opts.messageId, from, chat, date: now() };
    const edited: TgMessage = { ...rest, text, ...(entities.length ? { entities } : {}), edit_date: opts.date ?? now() };
    return this.pushUpdate({ edited_message: edited }, opts);
  }

  /** A channel_post in a channel (default -1009876543210). */
  channelPost(text: string, opts: BuildOptions & { chatId?: number; title?: string; username?: string; entities?: MessageEntity[] } = {}): Update {
    const chat: TgChat = {
      id: opts.chatId ?? -1_009_876_543_210,
      title: opts.title ?? 'Test channel',
      ...(opts.username ? { username: opts.username } : {}),
      type: 'channel',
    };
    this.chats.set(chat.id, chat);
    const entities = opts.entities ?? autoEntities(text);
    const post: TgMessage = {
      message_id: this.nextMessageId(chat.id),
      sender_chat: chat,
      chat,
      date: opts.date ?? now(),
      text,
      ...(entities.length ? { entities } : {}),
    };
    return this.pushUpdate({ channel_post: post }, opts);
  }

  private mediaMessage(extra: Record<string, unknown>, opts: UserOptions & BuildOptions & { chatId?: number }): Update {
    const from = this.user(opts);
    const chat = opts.chatId !== undefined && opts.chatId < 0 ? this.groupChat({ chatId: opts.chatId }) : this.privateChat(from);
    return this.pushUpdate({ message: this.userMessage(chat, from, extra, opts) }, opts);
  }

  private fileIds(kind: string): { file_id: string; file_unique_id: string } {
    const n = this.nextQueryId++;
    return { file_id: `${kind}-file-${n}`, file_unique_id: `${kind}-${n}` };
  }

  sticker(opts: UserOptions & BuildOptions & { chatId?: number; emoji?: string; setName?: string } = {}): Update {
    return this.mediaMessage(
      {
        sticker: {
          ...this.fileIds('sticker'), type: 'regular', width: 512, height: 512, is_animated: false, is_video: false,
          emoji: opts.emoji ?? '👍', ...(opts.setName ? { set_name: opts.setName } : {}), file_size: 12_345,
        },
      },
      opts,
    );
  }

  photo(opts: UserOptions & BuildOptions & { chatId?: number; caption?: string } = {}): Update {
    const sizes = [
      { ...this.fileIds('photo'), width: 90, height: 67, file_size: 1_234 },
      { ...this.fileIds('photo'), width: 1280, height: 960, file_size: 123_456 },
    ];
    const caption = opts.caption;
    const captionEntities = caption ? autoEntities(caption) : [];
    return this.mediaMessage(
      {
        photo: sizes,
        ...(caption ? { caption } : {}),
        ...(captionEntities.length ? { caption_entities: captionEntities } : {}),
      },
      opts,
    );
  }

  voice(opts: UserOptions & BuildOptions & { chatId?: number; duration?: number } = {}): Update {
    return this.mediaMessage(
      { voice: { ...this.fileIds('voice'), duration: opts.duration ?? 3, mime_type: 'audio/ogg', file_size: 8_192 } },
      opts,
    );
  }

  /** An inline query whose id answerInlineQuery will accept (once, within queryTtlMs). */
  inlineQuery(query: string, opts: UserOptions & BuildOptions & { offset?: string; chatType?: string } = {}): Update {
    const inline: TgInlineQuery = {
      id: this.issueQueryId(),
      from: this.user(opts),
      query,
      offset: opts.offset ?? '',
      ...(opts.chatType ? { chat_type: opts.chatType } : {}),
    };
    return this.pushUpdate({ inline_query: inline }, opts);
  }

  /**
   * A callback query on the bot's message `messageId` in `chatId` (default: the user's private chat,
   * the bot's latest message there; synthesized if the stand-in has none).
   */
  callbackQuery(
    data: string,
    opts: UserOptions & BuildOptions & { chatId?: number; messageId?: number; inlineMessageId?: string } = {},
  ): Update {
    const from = this.user(opts);
    const base = { id: this.issueQueryId(), from, chat_instance: `ci-${opts.chatId ?? from.id}`, data };
    if (opts.inlineMessageId !== undefined) {
      return this.pushUpdate({ callback_query: { ...base, inline_message_id: opts.inlineMessageId } }, opts);
    }
    const chat =
      opts.chatId !== undefined && opts.chatId !== from.id
        ? opts.chatId < 0
          ? this.groupChat({ chatId: opts.chatId })
          : this.resolveChat(opts.chatId)
        : this.privateChat(from);
    return this.pushUpdate({ callback_query: { ...base, message: this.botMessageFor(chat, opts.messageId) } }, opts);
  }

  /** A service message: `members` (or the bot itself) joined the group, added by the user. */
  newChatMembers(members: TgUser[] | 'bot', opts: UserOptions & GroupOptions & BuildOptions = {}): Update {
    const from = this.user(opts);
    const chat = this.groupChat(opts);
    const list = members === 'bot' ? [this.bot] : members;
    return this.pushUpdate({ message: this.userMessage(chat, from, { new_chat_members: list, new_chat_member: list[0] }, opts) }, opts);
  }

  /** A service message: `member` (a user, a user id, or the bot) left / was removed from the group. */
  leftChatMember(member: TgUser | number | 'bot', opts: UserOptions & GroupOptions & BuildOptions = {}): Update {
    const from = this.user(opts);
    const chat = this.groupChat(opts);
    const left = member === 'bot' ? this.bot : typeof member === 'number' ? this.user({ userId: member }) : member;
    return this.pushUpdate({ message: this.userMessage(chat, from, { left_chat_member: left }, opts) }, opts);
  }

  /** A my_chat_member update: the bot's status in a group changed (default: left → member). */
  myChatMember(
    opts: UserOptions & GroupOptions & BuildOptions & { oldStatus?: ChatMemberStatus; newStatus?: ChatMemberStatus; private?: boolean } = {},
  ): Update {
    const from = this.user(opts);
    const chat = opts.private ? this.privateChat(from) : this.groupChat(opts);
    const member = (status: ChatMemberStatus): ChatMember =>
      status === 'kicked' ? { status, user: this.bot, until_date: 0 } : { status, user: this.bot };
    return this.pushUpdate(
      {
        my_chat_member: {
          chat,
          from,
          date: opts.date ?? now(),
          old_chat_member: member(opts.oldStatus ?? 'left'),
          new_chat_member: member(opts.newStatus ?? 'member'),
        },
      },
      opts,
    );
  }

  /** The bot is added to a group: my_chat_member (left → member) then the new_chat_members message. */
  botAddedToGroup(opts: UserOptions & GroupOptions & BuildOptions = {}): [Update, Update] {
    return [this.myChatMember({ ...opts, oldStatus: 'left', newStatus: 'member' }), this.newChatMembers('bot', opts)];
  }

  // ------------------------------------------------------------------ lifecycle

  /** Stops the server: ends pending long polls (with []), rejects pending waitFor, closes every socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const poller of [...this.pollers]) poller.finish([], true);
    for (const w of [...this.waiters]) {
      clearTimeout(w.timer);
      w.reject(new Error(`bot-api-standin: closed while waiting; calls so far:\n${summarize(this.calls)}`));
    }
    this.waiters.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // let the long polls just ended write their `[]` (with Connection: close) before closing sockets
    await new Promise((resolve) => setImmediate(resolve));
    this.server.closeIdleConnections();
    const hard = setTimeout(() => this.server.closeAllConnections(), 200);
    await closed;
    clearTimeout(hard);
  }
}

const ABORTED = Symbol('aborted');
class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}
class Closing {
  constructor(readonly result: unknown) {}
}
class ClosingError {
  constructor(readonly error: BotApiError) {}
}

/** Validates reply_markup the way Telegram does for inline keyboards; returns it parsed. */
export function validateReplyMarkup(raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const markup = asJson(raw);
  if (!isObject(markup)) throw bad("can't parse reply keyboard markup JSON object");
  if (!('inline_keyboard' in markup)) return markup;
  const rows = markup['inline_keyboard'];
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const ACTIONS = [
    'callback_data', 'url', 'switch_inline_query', 'switch_inline_query_current_chat',
    'switch_inline_query_chosen_chat', 'web_app', 'login_url', 'callback_game', 'pay', 'copy_text',
  ];
  for (const row of rows as unknown[][]) {
    for (const b of row) {
      if (!isObject(b)) throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      if (typeof b['text'] !== 'string') throw bad(`can't parse inline keyboard button: Field "text" must be of type String`);
      if (b['text'].trim() === '') throw bad('BUTTON_TEXT_EMPTY');
      const actions = ACTIONS.filter((k) => b[k] !== undefined && b[k] !== null);
      if (actions.length === 0) throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      if (actions.length > 1) {
        throw bad(`can't parse inline keyboard button: exactly one of the optional fields must be used, found ${actions.join(', ')}`);
      }
      const data = b['callback_data'];
      if (data !== undefined && (typeof data !== 'string' || bytes(data) < 1 || bytes(data) > 64)) throw bad('BUTTON_DATA_INVALID');
      const url = b['url'];
      if (url !== undefined) {
        let ok = typeof url === 'string';
        if (typeof url === 'string') {
          try {
            ok = ['http:', 'https:', 'tg:'].includes(new URL(url).protocol);
          } catch {
            ok = false;
          }
        }
        if (!ok) throw bad(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
      }
      for (const k of ['switch_inline_query', 'switch_inline_query_current_chat']) {
        if (b[k] !== undefined && typeof b[k] !== 'string') throw bad(`can't parse inline keyboard button: Field "${k}" must be of type String`);
      }
    }
  }
  return markup;
}

export function startStandin(opts: StandinOptions = {}): Promise<BotApiStandin> {
  return BotApiStandin.start(opts);
}

/**
 * POSTs `update` as JSON to a webhook URL (with X-Telegram-Bot-Api-Secret-Token when `secret` is
 * given) and resolves with the HTTP status. Uses a fresh connection that is closed afterwards.
 */
export function postUpdate(url: string, update: Update | Record<string, unknown>, secret?: string, timeoutMs = 5000): Promise<number> {
  const body = JSON.stringify(update);
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
          ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`postUpdate: no response from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
