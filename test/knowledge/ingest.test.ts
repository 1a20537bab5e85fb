import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/knowledge/ingest.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { createEngine } from '../../src/qa/engine.js';
import { render } from '../../src/qa/render.js';
import { readCases, score } from '../helpers/score.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const FIRST = 'guangzhou-daily-2019-07-16';
const work = mkdtempSync(path.join(tmpdir(), 'ingest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run ingest', () => {
  it('re-running ingest on the first article’s raw file reproduces its committed cleaned article and its dictionary words', async () => {
    const dir = path.join(work, 'first');
    cpSync(path.join(TEST_KNOWLEDGE, FIRST, 'corrections.json'), path.join(dir, FIRST, 'corrections.json'), { recursive: true });
    const r = await ingest(path.join(TEST_KNOWLEDGE, FIRST, 'raw.txt'), dir, { id: FIRST });
    expect(readFileSync(path.join(r.dir, 'article.json'), 'utf8')).toBe(readFileSync(path.join(TEST_KNOWLEDGE, FIRST, 'article.json'), 'utf8'));
    expect(readFileSync(path.join(r.dir, 'cedict.json'), 'utf8')).toBe(readFileSync(path.join(TEST_KNOWLEDGE, FIRST, 'cedict.json'), 'utf8'));
    expect(r.suspects).toEqual([]);
  }, 60_000);

  describe('an article the project has never seen, damaged the same way, ingested with one command', () => {
    const knowledge = path.join(work, 'knowledge');
    cpSync(TEST_KNOWLEDGE, knowledge, { recursive: true });
    const run = spawnSync(process.execPath, ['dist/cli/ingest.js', 'test/fixtures/second-article.raw.txt', '--id', 'nanfang-daily-2020-05-20', '--knowledge', knowledge], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    // What the command wrote, read back the way the engine will.
    let r: Awaited<ReturnType<typeof ingest>> & { output: string };
    beforeAll(async () => {
      r = { ...(await ingest(path.join(knowledge, 'nanfang-daily-2020-05-20', 'raw.txt'), knowledge, { id: 'nanfang-daily-2020-05-20' })), output: run.stdout };
    }, 60_000);

    it("the article's folder has knowledge/'s mode (readable by a bot running as another user); a folder the bot cannot read is named at load", () => {
      const folder = path.join(knowledge, 'nanfang-daily-2020-05-20');
      expect(statSync(folder).mode & 0o777).toBe(statSync(knowledge).mode & 0o777);
      expect(loadKnowledge(knowledge).unreadable).toEqual([]);
      // A folder the loading user may not enter (root ignores modes, so only checked as another user).
      if (process.getuid?.() !== 0) {
        chmodSync(folder, 0o000);
        try {
          expect(loadKnowledge(knowledge).unreadable).toEqual(['nanfang-daily-2020-05-20']);
        } finally {
          chmodSync(folder, 0o755);
        }
      }
    });

    it('prints what it did: metadata, junk dropped, suspected mojibake with file, paragraph, offset and span', () => {
      expect(run.status).toBe(0);
      expect(r.output).toContain('南方日報 · 李文華 · 2020-05-20');
      expect(r.output).toMatch(/dropped junk line: 佛山市\| 順德區/);
      expect(r.output).toMatch(/suspected damage: test\/fixtures\/second-article\.raw\.txt, paragraph p2, offset \d+: “[^”]*nèi/);
      expect(r.output).toMatch(/corrections\.json: \{"damaged":"[^"]*nèi[^"]*","original":""/);
    });

    it('is cleaned: metadata read, pinyin removed, Chinese in parentheses kept, junk dropped and reported', () => {
      expect(r.article.meta).toMatchObject({ publication: '南方日報', author: '李文華', date: '2020-05-20', editors: ['陳曉', '周寧'] });
      const text = r.article.paragraphs.flatMap((p) => p.sentences.map((s) => s.text)).join('');
      expect(text).not.toMatch(/\((?:shān|bào|biāo|tí|zé)\)/u);
      expect(text).toContain('各村(社區)都設有代辦點');
      expect(r.report.droppedLines).toEqual(['分享到：微信 微博 QQ空間', '佛山市| 順德區| 南海區| 禪城區| 高明區| 三水區|']);
    });

    it('reports suspected mojibake with paragraph, offset and span, and leaves it for corrections.json', () => {
      expect(r.suspects.length).toBeGreaterThan(0);
      const s = r.suspects[0]!;
      expect(s.paragraph).toBe('p2');
      expect(s.span).toContain('nèi');
      const p2 = r.article.paragraphs[1]!.sentences.map((x) => x.text).join('');
      expect(p2.slice(s.offset)).toMatch(/^[a-zà-ɏ?]/u);
      expect(p2).toContain('?nèi)杂');
    });

    it('answers questions about its own facts with its own attribution; the first article still cites 廣州日報', () => {
      const engine = createEngine(loadKnowledge(knowledge), { cacheSize: 0 });
      const foshan = engine.answer('佛山企业开办要多久');
      expect(foshan.found && foshan.quote).toContain('1個工作日');
      expect(foshan.found && foshan.source.publication).toBe('南方日報');
      expect(render(foshan, 'text', { sources: engine.sources })).toContain('李文华');

      const shunde = engine.answer('顺德的自助服务点有多少个');
      expect(shunde.found && shunde.quote).toContain('56個24小時自助服務點');

      const nansha = engine.answer('南沙落户要多久');
      expect(nansha.found && nansha.source.publication).toBe('廣州日報');
      expect(nansha.found && nansha.quote).toContain('只需10個工作日');
      const english = engine.answer('How long does settling in Nansha take?');
      expect(english.found && english.source.publication).toBe('廣州日報');
    });

    it('answers an English question about it though nobody translated it: CC-CEDICT maps the words', () => {
      const engine = createEngine(loadKnowledge(knowledge), { cacheSize: 0 });
      expect(readFileSync(path.join(knowledge, 'nanfang-daily-2020-05-20', 'cedict.json'), 'utf8')).toContain('CC BY-SA 4.0');
      const r = engine.answer('How long does it take to set up a company in Foshan?');
      expect(r.found && r.kind === 'sentence' && r.quote).toContain('1個工作日');
      expect(r.found && r.source.publication).toBe('南方日報');
      const self = engine.answer('How many self-service points does Shunde have?');
      expect(self.found && self.kind === 'sentence' && self.quote).toContain('56個24小時自助服務點');
    });

    it('when both articles cover a question, the better match wins and the reply names the other; a question naming one city is about that city only', () => {
      const engine = createEngine(loadKnowledge(knowledge), { cacheSize: 0 });
      const both = engine.answer('取消证明事项');
      expect(both.found && both.source.publication).toBe('廣州日報');
      expect(both.found && both.alsoIn.map((s) => s.publication)).toContain('南方日報');
      expect(render(both, 'text', { sources: engine.sources })).toMatch(/另见：李文华/);
      // Guangzhou's cancelled certificates do not answer whether Foshan cancelled any.
      const foshan = engine.answer('佛山取消了证明事项吗');
      expect(foshan.found && foshan.source.publication).toBe('南方日報');
      expect(foshan.found && foshan.alsoIn).toEqual([]);
    });

    it('adding the article does not make the first article’s answers worse: the dev set keeps its score', () => {
      const cases = readCases('test/fixtures/dev.jsonl');
      const before = score(createEngine(loadKnowledge(TEST_KNOWLEDGE), { cacheSize: 0 }), cases);
      const after = score(createEngine(loadKnowledge(knowledge), { cacheSize: 0 }), cases);
      expect(after.answered).toBeGreaterThanOrEqual(before.answered);
      expect(after.refused).toBe(after.outOfScope);
      expect(after.hardRefused).toBe(after.hard);
      expect(after.attributed).toBe(after.found);
    });
  });
});

describe('ingest is all or nothing', () => {
  /** Every file under the folder with its content: equal before and after means nothing changed. */
  const snapshot = (dir: string) =>
    (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
      .map((d) => path.join(d.parentPath, d.name))
      .sort()
      .map((f) => `${f}\n${statSync(f).isFile() ? readFileSync(f, 'utf8') : ''}`)
      .join('\n');
  const knowledge = path.join(work, 'all-or-nothing');
  cpSync(TEST_KNOWLEDGE, knowledge, { recursive: true });
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/cli/ingest.js', ...args, '--knowledge', knowledge], { encoding: 'utf8', timeout: 90_000 });

  const bad = path.join(work, 'bad');
  mkdirSync(bad, { recursive: true });
  writeFileSync(path.join(bad, 'empty.txt'), '');
  writeFileSync(path.join(bad, 'binary.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x00]));
  writeFileSync(path.join(bad, 'notes.txt'), '購物清單\n\n牛奶、雞蛋、麵包\n');

  it.each([
    ['a missing file', path.join(bad, 'missing.txt'), /missing\.txt: no such file/],
    ['an empty file', path.join(bad, 'empty.txt'), /empty\.txt: the file is empty/],
    ['a binary file', path.join(bad, 'binary.bin'), /binary\.bin: not UTF-8 text/],
    ['a text that is not an article', path.join(bad, 'notes.txt'), /notes\.txt: not an article in the expected layout/],
    ['a folder', bad, /bad: not a file/],
  ])('%s: one line saying what is wrong, exit 1, knowledge/ untouched', (_what, file, message) => {
    const before = snapshot(knowledge);
    const run = cli(file);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(snapshot(knowledge)).toBe(before);
  }, 60_000);

  it('an id that exists needs --force (which keeps the article’s corrections and facts); the default id is publication and date', () => {
    const first = cli('test/fixtures/second-article.raw.txt');
    expect(first.status).toBe(0);
    const id = 'nanfangribao-2020-05-20';
    expect(first.stdout).toContain(path.join(knowledge, id));
    writeFileSync(path.join(knowledge, id, 'facts.json'), '[]\n\n');
    const before = snapshot(knowledge);
    const again = cli('test/fixtures/second-article.raw.txt');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/exists; pass --force/);
    expect(snapshot(knowledge)).toBe(before);
    const forced = cli('test/fixtures/second-article.raw.txt', '--force');
    expect(forced.status).toBe(0);
    expect(readFileSync(path.join(knowledge, id, 'facts.json'), 'utf8')).toBe('[]\n\n');
    expect(readdirSync(knowledge).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('reports a U+FFFD, a control character and a rare character with their paragraph and a corrections entry', async () => {
    const raw = readFileSync('test/fixtures/second-article.raw.txt', 'utf8')
      .replace('代辦點', '代\uFFFD點')
      .replace('自助服務點', '自助服\u0007務點')
      .replace('各村', '各寯');
    const file = path.join(bad, 'damaged.raw.txt');
    writeFileSync(file, raw);
    const r = await ingest(file, knowledge, { id: 'damaged-2020-05-20' });
    const reasons = r.suspects.map((s) => `${s.paragraph} ${s.reason} ${s.correction.damaged}`);
    expect(reasons.some((x) => /^p\d+ replacement character \(U\+FFFD\).*\uFFFD/u.test(x))).toBe(true);
    expect(reasons.some((x) => /control character/.test(x))).toBe(true);
    expect(reasons.some((x) => /rare character \(in at most two dictionary words\).*寯/u.test(x))).toBe(true);
    for (const s of r.suspects) expect(raw).toContain(s.correction.damaged);
  }, 60_000);

  it('puts back a lost character CC-CEDICT can tell (公積�等 → 公積金), as a corrections entry; one it cannot tell stays a suspect', async () => {
    const raw = readFileSync('test/fixtures/second-article.raw.txt', 'utf8').replace('公積金', '公積\uFFFD').replace('代辦點', '代\uFFFD點');
    const file = path.join(bad, 'lost.raw.txt');
    writeFileSync(file, raw);
    const r = await ingest(file, knowledge, { id: 'lost-2020-05-20' });
    expect(r.restored).toEqual([expect.objectContaining({ char: '金', word: '公積金' })]);
    const text = r.article.paragraphs.flatMap((p) => p.sentences.map((s) => s.text)).join('');
    expect(text).toContain('社保、公積金等業務');
    const corrections = JSON.parse(readFileSync(path.join(r.dir, 'corrections.json'), 'utf8')) as { replacements: { damaged: string; original: string; reason: string }[] };
    expect(corrections.replacements).toEqual([expect.objectContaining({ original: expect.stringContaining('公積金'), reason: 'lost character restored from the CC-CEDICT word 公積金' })]);
    expect(r.suspects.map((s) => s.correction.damaged).join(' ')).toContain('代\uFFFD點');
    // Ingested again, the entry is kept and not added twice.
    const again = await ingest(path.join(r.dir, 'raw.txt'), knowledge, { id: 'lost-2020-05-20' });
    expect(again.restored).toEqual([]);
    expect((JSON.parse(readFileSync(path.join(r.dir, 'corrections.json'), 'utf8')) as { replacements: unknown[] }).replacements).toHaveLength(1);
  }, 60_000);
});
