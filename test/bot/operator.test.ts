/**
 * The operator's view through `npm start`'s program (a child) and the Bot API stand-in: the question
 * log, `npm run report`, and Prometheus metrics on METRICS_PORT — and no personal data in any of them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type BotApiStandin } from '../support/bot-api-standin.js';
import { killChildren, run, type Child } from '../support/process.js';

let standin: BotApiStandin;
let dir: string;
let bot: Child;
let metricsPort: number;
/** User ids and a name nobody would write by chance: none may reach the log, the report or the metrics. */
const USERS = [918273645, 918273646, 918273647, 918273648, 918273649, 918273650];
const PHONE = '13912345678';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const report = (args: string[]) =>
  spawnSync(process.execPath, ['dist/cli/report.js', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR!, DATA_DIR: dir }, encoding: 'utf8', timeout: 30_000 });

beforeAll(async () => {
  standin = await startStandin({ maxPollMs: 300 });
  dir = mkdtempSync(path.join(tmpdir(), 'operator-'));
  metricsPort = await freePort();
  bot = run('src/main.ts', [], { BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url, DATA_DIR: dir, METRICS_PORT: String(metricsPort) });
  await standin.waitFor('setMyCommands', 20_000);
}, 30_000);

afterAll(async () => {
  killChildren();
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('after six questions', () => {
  it('metrics, the report and the database say what was asked, and nothing about who asked', async () => {
    const questions = ['南沙落户要多久', '南沙落户要多久', '北京落户要多久', '今天天气怎么样', `我的电话是${PHONE}，广州取消了多少证明事项`, 'How long does settling in Nansha take?'];
    for (const [i, q] of questions.entries()) {
      standin.privateText(q, { userId: USERS[i]!, firstName: 'Zhang Weiqiang', username: 'zhang_weiqiang_gz' });
      await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === USERS[i] && c.response?.ok === true, 10_000);
    }

    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const metrics = await res.text();
    expect(metrics).toMatch(/reformbot_answers_total\{outcome="answered",lang="zh-Hans",door="private"\} 3/);
    expect(metrics).toMatch(/reformbot_answers_total\{outcome="declined",lang="zh-Hans",door="private"\} 1/);
    expect(metrics).toMatch(/reformbot_answer_latency_seconds_bucket\{le="0\.1",door="private"\} 6/);
    expect(metrics).toMatch(/reformbot_telegram_calls_total\{method="sendMessage",result="ok"\} 6/);
    expect(metrics).toMatch(/reformbot_updates_total\{type="message"\} 6/);
    expect(metrics).toMatch(/reformbot_delivery_queue_length 0/);
    expect(metrics).toMatch(/process_cpu_seconds_total/);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);

    // The log is written in batches (every 200 ms): a stop writes what is pending.
    bot.process.kill('SIGTERM');
    expect(await bot.exited(15_000)).toBe(0);

    const run = report(['--json', '--since', '7d']);
    expect(run.status, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout) as {
      total: number;
      by_outcome: Record<string, number>;
      by_lang: Record<string, number>;
      top_questions: { question: string; count: number }[];
      declined_questions: { question: string; count: number }[];
      partial_questions: unknown[];
      feedback: { up: number; down: number; down_questions: unknown[] };
    };
    expect(r.total).toBe(6);
    expect(r.by_outcome).toMatchObject({ answered: 4, declined: 1, help: 1 });
    expect(r.by_lang).toMatchObject({ 'zh-Hans': 5, en: 1 });
    expect(r.top_questions[0]).toEqual({ question: '南沙落户要多久', count: 2, outcome: 'answered', sentence: 'p2s5' });
    expect(r.declined_questions).toEqual([{ question: '北京落户要多久', count: 1 }]);
    expect(r.feedback).toEqual({ up: 0, down: 0, down_questions: [] });

    const readable = report([]);
    expect(readable.status).toBe(0);
    expect(readable.stdout).toContain('Questions');
    expect(readable.stdout).toContain('北京落户要多久');

    for (const out of [run.stdout, readable.stdout, metrics]) {
      expect(out).not.toContain(PHONE);
      expect(out).not.toContain('Zhang');
      expect(out).not.toContain('zhang_weiqiang');
      for (const id of USERS) expect(out).not.toContain(String(id));
    }
    for (const file of ['bot.sqlite', 'bot.sqlite-wal']) {
      const bytes = existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file)).toString('latin1') : '';
      expect(bytes).not.toContain(PHONE);
      expect(bytes).not.toContain('zhang_weiqiang');
    }
  }, 60_000);
});

describe('with QUESTION_LOG_DAYS=0', () => {
  it('nothing is logged and answers carry no vote buttons', async () => {
    const off = mkdtempSync(path.join(tmpdir(), 'operator-off-'));
    try {
      standin.clearCalls();
      const child = run('src/main.ts', [], { BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url, DATA_DIR: off, QUESTION_LOG_DAYS: '0' });
      await standin.waitFor('setMyCommands', 20_000);
      standin.privateText('南沙落户要多久', { userId: 5551 });
      const answer = await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === 5551 && c.response?.ok === true, 10_000);
      const buttons = ((answer.params.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard ?? []).flat().map((b) => b.text);
      expect(buttons).toEqual(['上下文']);
      child.process.kill('SIGTERM');
      expect(await child.exited(15_000)).toBe(0);
      const empty = spawnSync(process.execPath, ['dist/cli/report.js', '--json'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR!, DATA_DIR: off }, encoding: 'utf8' });
      expect(JSON.parse(empty.stdout).total).toBe(0);
    } finally {
      rmSync(off, { recursive: true, force: true });
    }
  }, 60_000);
});
