/**
 * What a button carries (callback data: at most 64 bytes, and nothing a restart forgets): a fact to
 * answer, a paragraph to show, or a vote on a logged answer.
 *
 *   f:<fact id>                                    answer this fact
 *   c:<s|t|e>:<article key>:<sentence id>          answer with this sentence in that language (a "did you mean" choice)
 *   p:<s|t|e>:<article key>:<sentence id>:<question id>:<tag>
 *                                                  the same, recorded as the asker's pick for a logged question (private chats)
 *   x:<s|t|e>:<article key>:<sentence id>:<tag>    show this sentence's paragraph in that language
 *   v:<+|->:<question id>:<tag>                    👍 / 👎 on a logged answer (question-log.ts)
 *   r:t:<question id>:<article key>:<sentence id>:<tag>
 *                                                  /review: this sentence answers the logged question's group
 *   r:<n|s>:<question id>:<tag>                    /review: not in the article / skip
 *   r:m:<question id>:<offset>:<tag>               /review: the candidates from this offset
 *
 * The article key is the first 8 hex digits of the SHA-1 of the article id: short, and the same
 * after a restart or a re-ingest. Anyone can send any callback data for any message of the bot (a
 * modified client), so the buttons that change a message or the database carry a tag: an HMAC of the
 * rest, keyed by a key derived from the bot token (the same in every replica and after a restart;
 * a new token makes old buttons "expired"). Whether the data sits on the message it was pressed on
 * is checked where the message is at hand (`onMessage`).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Lang } from '../knowledge/schema.js';

const MAX_BYTES = 64;
/** Characters of base64url HMAC in a tag: 48 bits. */
const TAG_CHARS = 8;
const LANG_CODE: Record<Lang, string> = { 'zh-Hans': 's', 'zh-Hant': 't', en: 'e' };
const CODE_LANG: Record<string, Lang> = { s: 'zh-Hans', t: 'zh-Hant', e: 'en' };

export type Callback =
  | { kind: 'fact'; factId: string }
  | { kind: 'choice'; lang: Lang; articleKey: string; sentenceId: string }
  | { kind: 'pick'; lang: Lang; articleKey: string; sentenceId: string; answerId: number }
  | { kind: 'context'; lang: Lang; articleKey: string; sentenceId: string }
  | { kind: 'vote'; up: boolean; answerId: number }
  | ReviewCallback;

/** A /review button: what it teaches about the question a logged row belongs to. */
export type ReviewCallback =
  | { kind: 'review'; action: 'teach'; rowId: number; articleKey: string; sentenceId: string }
  | { kind: 'review'; action: 'decline' | 'skip'; rowId: number }
  | { kind: 'review'; action: 'more'; rowId: number; offset: number };

export function articleKey(articleId: string): string {
  return createHash('sha1').update(articleId).digest('hex').slice(0, 8);
}

const fits = (data: string): string | undefined => (Buffer.byteLength(data) <= MAX_BYTES ? data : undefined);

/** A fact's button: it answers a question anyone may ask, so it needs no tag. */
export const factData = (factId: string): string | undefined => fits(`f:${factId}`);

/** A "did you mean" choice's button, answered in the asker's language: it quotes a sentence anyone may read, so it needs no tag either. */
export const choiceData = (articleId: string, sentenceId: string, lang: Lang): string | undefined => fits(`c:${LANG_CODE[lang]}:${articleKey(articleId)}:${sentenceId}`);

/**
 * Makes and reads the buttons' data.
 *
 * ```ts
 * const callbacks = new Callbacks(token);
 * const data = callbacks.context('guangzhou-daily-2019-07-16', 'p2s5', 'en'); // 'x:e:1a2b3c4d:p2s5:Zk3…'
 * callbacks.parse(data); // { kind: 'context', lang: 'en', articleKey: '1a2b3c4d', sentenceId: 'p2s5' }
 * callbacks.parse('x:e:1a2b3c4d:p1s1:forged00'); // undefined
 * ```
 */
export class Callbacks {
  private readonly key: Buffer;

  /** `secret`: the bot token (only a key derived from it is kept). */
  constructor(secret: string) {
    this.key = createHash('sha256').update('reform-qa-bot callback tags\0').update(secret).digest();
  }

  context(articleId: string, sentenceId: string, lang: Lang): string | undefined {
    return fits(this.signed(`x:${LANG_CODE[lang]}:${articleKey(articleId)}:${sentenceId}`));
  }

  /** A choice whose tap is also recorded as the asker's pick for a logged question. */
  pick(answerId: number, articleId: string, sentenceId: string, lang: Lang): string | undefined {
    return fits(this.signed(`p:${LANG_CODE[lang]}:${articleKey(articleId)}:${sentenceId}:${answerId}`));
  }

  /** /review's buttons (operators only: the handler checks who pressed). */
  reviewTeach(rowId: number, articleId: string, sentenceId: string): string | undefined {
    return fits(this.signed(`r:t:${rowId}:${articleKey(articleId)}:${sentenceId}`));
  }

  reviewVerdict(rowId: number, action: 'decline' | 'skip'): string {
    return this.signed(`r:${action === 'decline' ? 'n' : 's'}:${rowId}`);
  }

  reviewMore(rowId: number, offset: number): string {
    return this.signed(`r:m:${rowId}:${offset}`);
  }

  vote(answerId: number, up: boolean): string {
    return this.signed(`v:${up ? '+' : '-'}:${answerId}`);
  }

  /** What a button's data asks for; undefined for data this bot never made (a wrong or missing tag included). */
  parse(data: string | undefined): Callback | undefined {
    if (!data || data.length > MAX_BYTES) return undefined;
    if (data.startsWith('f:') && data.length > 2) return { kind: 'fact', factId: data.slice(2) };
    const choice = /^c:([ste]):([0-9a-f]{8}):([^\s:]+)$/.exec(data);
    if (choice) return { kind: 'choice', lang: CODE_LANG[choice[1]!]!, articleKey: choice[2]!, sentenceId: choice[3]! };
    const cut = data.lastIndexOf(':');
    if (cut < 0 || !this.tagged(data.slice(0, cut), data.slice(cut + 1))) return undefined;
    const body = data.slice(0, cut);
    let m = /^x:([ste]):([0-9a-f]{8}):([^\s:]+)$/.exec(body);
    if (m) return { kind: 'context', lang: CODE_LANG[m[1]!]!, articleKey: m[2]!, sentenceId: m[3]! };
    m = /^p:([ste]):([0-9a-f]{8}):([^\s:]+):(\d{1,15})$/.exec(body);
    if (m) return { kind: 'pick', lang: CODE_LANG[m[1]!]!, articleKey: m[2]!, sentenceId: m[3]!, answerId: Number(m[4]) };
    m = /^v:([+-]):(\d{1,15})$/.exec(body);
    if (m) return { kind: 'vote', up: m[1] === '+', answerId: Number(m[2]) };
    m = /^r:t:(\d{1,15}):([0-9a-f]{8}):([^\s:]+)$/.exec(body);
    if (m) return { kind: 'review', action: 'teach', rowId: Number(m[1]), articleKey: m[2]!, sentenceId: m[3]! };
    m = /^r:([ns]):(\d{1,15})$/.exec(body);
    if (m) return { kind: 'review', action: m[1] === 'n' ? 'decline' : 'skip', rowId: Number(m[2]) };
    m = /^r:m:(\d{1,15}):(\d{1,2})$/.exec(body);
    if (m) return { kind: 'review', action: 'more', rowId: Number(m[1]), offset: Number(m[2]) };
    return undefined;
  }

  private tag(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, TAG_CHARS);
  }

  private signed(body: string): string {
    return `${body}:${this.tag(body)}`;
  }

  private tagged(body: string, tag: string): boolean {
    const expected = Buffer.from(this.tag(body));
    const given = Buffer.from(tag);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/**
 * Whether `data` is on one of the buttons of `message`, as Telegram sends it back with a press (a
 * message too old to be seen has none). A press on a message of the bot with data from elsewhere (a
 * forged callback) is not.
 */
export function onMessage(message: object, data: string): boolean {
  const markup = 'reply_markup' in message ? (message.reply_markup as { inline_keyboard?: unknown } | undefined) : undefined;
  const rows = Array.isArray(markup?.inline_keyboard) ? (markup.inline_keyboard as unknown[]) : [];
  return rows.some((row) => Array.isArray(row) && row.some((b: { callback_data?: unknown }) => b?.callback_data === data));
}
