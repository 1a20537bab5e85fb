/**
 * What handlers may read of an update (src/bot/middlewares/bounds.ts): no more than Telegram sends.
 * A longer text is no update of Telegram's: dropped before any handler, however long.
 */
import { Context, Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/bot/deps.js';
import { boundUpdates, MAX_ENTITIES, MAX_INLINE_QUERY_CHARS, MAX_MESSAGE_CHARS } from '../../src/bot/middlewares/bounds.js';
import { createLogger } from '../../src/log.js';

const telegram = new Telegram('123456:AAHtest-token-0123456789abcdefghijk');
const from = { id: 5, is_bot: false, first_name: 'U' };
const chat = { id: 5, type: 'private' };
const lines: string[] = [];
const middleware = boundUpdates(createLogger({ level: 'info', secrets: [], write: (l) => void lines.push(l) }));

/** The update as the handlers see it, or undefined when it was dropped. */
async function seen(update: object): Promise<Update | undefined> {
  const ctx = new Context({ update_id: 1, ...update } as Update, telegram, undefined as never) as unknown as BotContext;
  let after: Update | undefined;
  await middleware(ctx, async () => void (after = ctx.update));
  return after;
}

describe('bounded updates', () => {
  it('a text at Telegram’s limit goes through, with at most 100 entities, each within the text', async () => {
    const text = '南'.repeat(MAX_MESSAGE_CHARS);
    const entities = [...Array.from({ length: 300 }, (_, i) => ({ type: 'bold', offset: i * 10, length: 5 })), { type: 'bold', offset: 4090, length: 50 }];
    const u = await seen({ message: { message_id: 1, date: 0, chat, from, text, entities } });
    const m = u!.message as { text: string; entities: { offset: number; length: number }[] };
    expect(m.text).toBe(text);
    expect(m.entities.length).toBeLessThanOrEqual(MAX_ENTITIES);
    for (const e of m.entities) expect(e.offset + e.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  });

  it.each([
    ['a message', { message: { message_id: 1, date: 0, chat, from, text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) } }],
    ['a caption', { message: { message_id: 1, date: 0, chat, from, photo: [], caption: 'x'.repeat(100_000) } }],
    ['an edited message', { edited_message: { message_id: 1, date: 0, edit_date: 0, chat, from, text: '南'.repeat(10_000) } }],
    ['a message it replies to', { message: { message_id: 2, date: 0, chat, from, text: 'hi', reply_to_message: { message_id: 1, date: 0, chat, text: 'y'.repeat(5_000) } } }],
    ['an inline query', { inline_query: { id: '1', from, query: 'a'.repeat(MAX_INLINE_QUERY_CHARS + 1), offset: '' } }],
    ['a chosen inline result', { chosen_inline_result: { result_id: '1', from, query: 'b'.repeat(1_000) } }],
  ])('longer than Telegram sends, %s: dropped, logged by update id only', async (_, update) => {
    lines.length = 0;
    expect(await seen(update)).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ update_id: 1, msg: 'update longer than Telegram sends: ignored' });
    expect(lines[0]).not.toMatch(/xxxx|南南|yyyy|aaaa|bbbb/);
  });

  it('an inline query at its limit goes through', async () => {
    expect(await seen({ inline_query: { id: '1', from, query: 'a'.repeat(MAX_INLINE_QUERY_CHARS), offset: '' } })).toBeDefined();
  });
});
