/**
 * Button data: within Telegram's 64 bytes, the same after a restart (nothing kept in memory), and a
 * vote kept in the database counts once, across a restart too. Personal data is scrubbed first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { articleKey, Callbacks, choiceData, factData, onMessage } from '../../src/bot/callbacks.js';
import { storeQuestionLog } from '../../src/store/question-log.js';
import { LANGS } from '../../src/knowledge/schema.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { scrubPersonalData } from '../../src/store/scrub.js';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const TOKEN = '123456789:AAF-test-token-0123456789abcdefghij';
const callbacks = new Callbacks(TOKEN);

describe('callback data', () => {
  it('every fact and every sentence button fits in 64 bytes and reads back as made', async () => {
    const { engine } = openEngine(TEST_KNOWLEDGE);
    for (const k of engine.knowledge.articles) {
      for (const f of k.facts) expect(callbacks.parse(factData(f.id))).toEqual({ kind: 'fact', factId: f.id });
      for (const p of k.article.paragraphs) {
        for (const s of p.sentences) {
          for (const lang of LANGS) {
            const data = callbacks.context(k.article.id, s.id, lang)!;
            expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
            expect(callbacks.parse(data)).toEqual({ kind: 'context', lang, articleKey: articleKey(k.article.id), sentenceId: s.id });
          }
        }
      }
    }
    expect(callbacks.parse(callbacks.vote(123456, false))).toEqual({ kind: 'vote', up: false, answerId: 123456 });
    expect(Buffer.byteLength(callbacks.vote(2 ** 47, true))).toBeLessThanOrEqual(64);
  });

  it('a "did you mean" choice for every sentence fits in 64 bytes and reads back with its language', () => {
    const { engine } = openEngine(TEST_KNOWLEDGE);
    for (const k of engine.knowledge.articles) {
      for (const p of k.article.paragraphs) {
        for (const sentence of p.sentences) {
          for (const lang of LANGS) {
            const data = choiceData(k.article.id, sentence.id, lang)!;
            expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
            expect(callbacks.parse(data)).toEqual({ kind: 'choice', lang, articleKey: articleKey(k.article.id), sentenceId: sentence.id });
          }
        }
      }
    }
    expect(callbacks.parse('c:x:1a2b3c4d:p1s1')).toBeUndefined();
    // A pick is recorded in the log: tagged, and within 64 bytes with the largest question id.
    const id = engine.knowledge.articles[0]!.article.id;
    const pick = callbacks.pick(2 ** 47 - 1, id, 'p12s10', 'zh-Hant')!;
    expect(Buffer.byteLength(pick)).toBeLessThanOrEqual(64);
    expect(callbacks.parse(pick)).toEqual({ kind: 'pick', lang: 'zh-Hant', articleKey: articleKey(id), sentenceId: 'p12s10', answerId: 2 ** 47 - 1 });
    expect(callbacks.parse(pick.replace(/:\d+:/, ':12345:'))).toBeUndefined();
    expect(callbacks.parse(new Callbacks('another token').pick(5, id, 'p1s1', 'en'))).toBeUndefined();
    expect(callbacks.parse('c:s:1a2b3c4d:p1 s1')).toBeUndefined();
  });

  it('the same after a restart: a second engine and codec make and read the same data', async () => {
    const first = openEngine(TEST_KNOWLEDGE).engine;
    const second = openEngine(TEST_KNOWLEDGE).engine;
    const id = first.knowledge.articles[0]!.article.id;
    const data = callbacks.context(id, 'p2s5', 'en')!;
    expect(new Callbacks(TOKEN).context(id, 'p2s5', 'en')).toBe(data);
    const parsed = new Callbacks(TOKEN).parse(data);
    expect(parsed?.kind === 'context' && second.articles().find((a) => articleKey(a.source.articleId) === parsed.articleKey)?.source.articleId).toBe(id);
    expect(second.paragraphOf(id, 'p2s5')?.paragraph).toBe(2);
  });

  it('data this bot never made, or too long to send, is refused', async () => {
    for (const data of [undefined, '', 'f:', 'x:q:12345678:p1s1', 'x:s:xyz:p1s1', 'v:+:', 'v:*:1', 'hello', 'x'.repeat(65)]) expect(callbacks.parse(data)).toBeUndefined();
    expect(factData('x'.repeat(70))).toBeUndefined();
  });

  it('a context or vote button without its tag, with a wrong one, or made with another token is refused', async () => {
    const id = openEngine(TEST_KNOWLEDGE).engine.knowledge.articles[0]!.article.id;
    const made = callbacks.context(id, 'p2s5', 'en')!;
    const untagged = made.slice(0, made.lastIndexOf(':'));
    const other = new Callbacks('987654321:AAF-other-token-0123456789abcdefghi');
    for (const forged of [untagged, `${untagged}:AAAAAAAA`, callbacks.context(id, 'p2s5', 'en')!.replace(':p2s5:', ':p3s1:'), other.context(id, 'p2s5', 'en'), other.vote(42, true), `v:+:42`]) {
      expect(callbacks.parse(forged), forged).toBeUndefined();
    }
  });

  it('a button belongs to the message that carries it', () => {
    const data = callbacks.vote(7, true);
    const message = { message_id: 1, reply_markup: { inline_keyboard: [[{ text: '👍', callback_data: data }]] } };
    expect(onMessage(message, data)).toBe(true);
    expect(onMessage({ message_id: 2, reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: callbacks.vote(8, true) }]] } }, data)).toBe(false);
    expect(onMessage({ message_id: 3 }, data)).toBe(false);
    expect(onMessage({ message_id: 4, date: 0 }, data)).toBe(false);
  });
});

describe('votes', () => {
  it('count once, and still count after a restart (a new store on the same file)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'votes-'));
    try {
      const file = path.join(dir, 'bot.sqlite');
      const before = new Store(file);
      const kept = storeQuestionLog(before);
      const id = kept.record({ door: 'private', question: '南沙落户要多久', result: openEngine(TEST_KNOWLEDGE).engine.answer('南沙落户要多久'), latencyMs: 0.2 });
      await kept.flush();
      await before.close();
      const after = new Store(file);
      const log = storeQuestionLog(after);
      expect(await log.vote(id, true)).toBe(true);
      expect(await log.vote(id, false)).toBe(false);
      expect(await log.vote(id + 1000, true)).toBe(false);
      expect(await after.question(id)).toMatchObject({ vote: 1, question: '南沙落户要多久' });
      expect(await after.pruneQuestions(Date.now() + 1)).toBe(1);
      expect(await after.question(id)).toBeUndefined();
      await after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scrubPersonalData', () => {
  it.each([
    ['我的电话13800138000', '我的电话<number>'],
    ['call me on +86 138 0013 8000 please', 'call me on <number> please'],
    ['身份证440106199001011234', '身份证<id>'],
    ['mail me: li.ming@example.com', 'mail me: <email>'],
    ['@li_ming_gz 南沙落户要多久', '<user> 南沙落户要多久'],
    ['南沙落户要10个工作日吗', '南沙落户要10个工作日吗'],
    ['2019年7月16日的文章', '2019年7月16日的文章'],
  ])('%s', (text, kept) => {
    expect(scrubPersonalData(text)).toBe(kept);
  });
});
