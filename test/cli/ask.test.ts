import { spawnSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';

// Every test here starts the built command (dist/) as a child process: seconds on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

const ask = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['dist/cli/ask.js', ...args], { input, encoding: 'utf8', timeout: 30_000 });

describe('ask command', () => {
  it('prints the reply a person would read', () => {
    const run = ask(['南沙落户要多久']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('只需10个工作日');
    expect(run.stdout).toContain('广州日报');
  });

  it('--jsonl answers one JSON object per line, in order, with the evaluation contract', () => {
    const run = ask(['--jsonl'], '南沙落户要多久\n北京落户要多久\n\n这篇文章是谁写的\n');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.question)).toEqual(['南沙落户要多久', '北京落户要多久', '', '这篇文章是谁写的']);
    expect(lines[0]).toMatchObject({
      found: true,
      quote: '現在來南沙落戶,不僅材料交得少了,從申報到落戶只需10個工作日即可。',
      source: { title: '“減證便民”,用減法為獲得感充值', publication: '廣州日報', author: '毛梓銘', date: '2019-07-16', editors: ['段星宇', '王倩'] },
      paragraph: 2,
      sentence: 'p2s5',
      lang: 'zh-Hans',
    });
    expect(lines[0].short_answer).toContain('10个工作日');
    expect(lines[0].reply).toContain('第2段');
    expect(typeof lines[0].score).toBe('number');
    expect(lines[1]).toMatchObject({ found: false, quote: null, source: null, short_answer: null, choices: [] });
    expect(lines[0].choices).toEqual([]);
    expect(lines[2].found).toBe(false);
    expect(lines[3]).toMatchObject({ found: true, quote: null, short_answer: '毛梓铭' });
  });
});

describe('follow-ups on the command line', () => {
  it('--jsonl is stateless; with --session the lines are one conversation and say what a follow-up was read with', () => {
    const input = '琶洲那个驿站是做什么的\n能办多少项？\n';
    const alone = ask(['--jsonl'], input)
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alone[1]).toMatchObject({ found: false });
    expect(alone[1]).not.toHaveProperty('read_with');
    const session = ask(['--jsonl', '--session'], input)
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(session[0].read_with).toBeNull();
    expect(session[1]).toMatchObject({ found: true, read_with: '琶洲驿站' });
    expect(session[1].short_answer).toContain('100项');
    expect(session[1].reply).toMatch(/^（接着问：琶洲驿站）/);
  }, 30_000);
});

describe('partial replies and maintainers’ views', () => {
  it('--jsonl gives a partial reply as found: false with the closest sentence in related', () => {
    const run = ask(['--jsonl'], '三个零距离服务是哪三个\n南沙落户要多久\n');
    expect(run.status).toBe(0);
    const [partial, answer] = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(partial).toMatchObject({ found: false, quote: null, sentence: null, related: { paragraph: 1, sentence: 'p1s1' } });
    expect(partial.related.quote).toContain('“三個零距離服務”惠及企業群眾');
    expect(partial.reply).toMatch(/^文章提到了“三个零距离服务”，但没有/);
    expect(answer.related).toBeNull();
  });

  it('--jsonl gives "did you mean" choices as sentence, article and label when there is no confident answer', () => {
    const run = ask(['--jsonl'], '收审分离具体是怎么操作的,先交材料还是先审?\n');
    expect(run.status).toBe(0);
    const [line] = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(line.found).toBe(false);
    expect(line.choices.length).toBeGreaterThan(0);
    for (const c of line.choices) {
      expect(Object.keys(c).sort()).toEqual(['article', 'label', 'sentence']);
      expect(c.sentence).toMatch(/^p\d+s\d+$/);
      expect(line.reply).toContain(c.label);
    }
  });

  it('--explain shows how a question was read, what it asks for and the outcome', () => {
    const run = ask(['--explain', '哪九个城市']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('outcome: partial: list');
    expect(run.stdout).toMatch(/asks for: list/);
  });
});

describe('chat command', () => {
  const chat = (input: string) => spawnSync(process.execPath, ['dist/cli/chat.js'], { input, encoding: 'utf8', timeout: 30_000 });

  it('handles /start, /help, /facts, /source, /lang and /ask as the bot does; a question is answered', () => {
    const run = chat('/facts\n/source\n/lang en\n/ask 南沙落户要多久\n/help\n南沙落戶要幾耐\n/quit\n');
    expect(run.status).toBe(0);
    const out = run.stdout;
    // /facts lists the key facts; /source names the article; /lang en switches the replies to English.
    expect(out).toContain('430');
    expect(out).toContain('毛梓铭');
    expect(out).toMatch(/10 working days/);
    expect(out).toContain('Guangzhou Daily');
    // Commands are never sent to the engine as questions: no "Sorry" among the replies.
    expect(out).not.toMatch(/Sorry|抱歉/);
  });
});

describe('configuration and knowledge errors', () => {
  it('a bad KNOWLEDGE_DIR names the variable and the fix, exit 1, no stack trace', () => {
    const run = spawnSync(process.execPath, ['dist/cli/ask.js', '南沙'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, KNOWLEDGE_DIR: '/nonexistent/knowledge' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('KNOWLEDGE_DIR: directory does not exist; set it to the folder holding synonyms.json');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
