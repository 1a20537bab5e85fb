/**
 * Button data: within Telegram's 64 bytes, the same after a restart (nothing kept in memory), and a
 * vote kept in the database counts once, across a restart too. Personal data is scrubbed first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { articleKey, contextData, factData, parseCallback, voteData } from '../../src/bot/callbacks.js';
import { storeQuestionLog } from '../../src/store/question-log.js';
import { LANGS } from '../../src/knowledge/schema.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { scrubPersonalData } from '../../src/store/scrub.js';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';

describe('callback data', () => {
  it('every fact and every sentence button fits in 64 bytes and reads back as made', async () => {
    const { engine } = openEngine();
    for (const k of engine.knowledge.articles) {
      for (const f of k.facts) expect(parseCallback(factData(f.id))).toEqual({ kind: 'fact', factId: f.id });
      for (const p of k.article.paragraphs) {
        for (const s of p.sentences) {
          for (const lang of LANGS) {
            const data = contextData(k.article.id, s.id, lang)!;
            expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
            expect(parseCallback(data)).toEqual({ kind: 'context', lang, articleKey: articleKey(k.article.id), sentenceId: s.id });
          }
        }
      }
    }
    expect(parseCallback(voteData(123456, false))).toEqual({ kind: 'vote', up: false, answerId: 123456 });
  });

  it('the same after a restart: a second engine makes and reads the same data', async () => {
    const first = openEngine().engine;
    const second = openEngine().engine;
    const id = first.knowledge.articles[0]!.article.id;
    const parsed = parseCallback(contextData(id, 'p2s5', 'en'));
    expect(parsed?.kind === 'context' && second.articles().find((a) => articleKey(a.source.articleId) === parsed.articleKey)?.source.articleId).toBe(id);
    expect(second.paragraphOf(id, 'p2s5')?.paragraph).toBe(2);
  });

  it('data this bot never made, or too long to send, is refused', async () => {
    for (const data of [undefined, '', 'f:', 'x:q:12345678:p1s1', 'x:s:xyz:p1s1', 'v:+:', 'v:*:1', 'hello']) expect(parseCallback(data)).toBeUndefined();
    expect(factData('x'.repeat(70))).toBeUndefined();
  });
});

describe('votes', () => {
  it('count once, and still count after a restart (a new store on the same file)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'votes-'));
    try {
      const file = path.join(dir, 'bot.sqlite');
      const before = new Store(file);
      const kept = storeQuestionLog(before);
      const id = kept.record({ door: 'private', question: '南沙落户要多久', result: openEngine().engine.answer('南沙落户要多久'), latencyMs: 0.2 });
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
    ['身份证440106199001011234', '身份证<number>'],
    ['mail me: li.ming@example.com', 'mail me: <email>'],
    ['@li_ming_gz 南沙落户要多久', '<user> 南沙落户要多久'],
    ['南沙落户要10个工作日吗', '南沙落户要10个工作日吗'],
    ['2019年7月16日的文章', '2019年7月16日的文章'],
  ])('%s', (text, kept) => {
    expect(scrubPersonalData(text)).toBe(kept);
  });
});
