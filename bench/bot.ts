/**
 * `npm run bench:bot`: updates per second and latency through the webhook handler on loopback, for
 * the reform bot and for a telegraf echo bot (the framework's floor), measured in the same run
 * behind the same webhook server, against the same Bot API stand-in. Private-chat questions from
 * many users (no group limits apply), a fixed number of concurrent senders, bounded in count and time.
 * Each bot runs in a child process (bench/bot-server.ts); the senders and a minimal Bot API run here.
 * The Bot API is a sink that answers every call at once with a fixed result: the test stand-in
 * validates HTML and records every call, work that would weigh on the bot with the longer replies
 * and muddy the comparison. The updates are built with the stand-in's helpers. An update counts as
 * done when the bot's reply reaches the sink (the reform bot acknowledges an update before it has
 * answered it, so the webhook's response alone would flatter it).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEngine } from '../src/qa/open-engine.js';
import { storeQuestionLog } from '../src/store/question-log.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { postUpdate, startStandin, type BotApiStandin } from '../test/support/bot-api-standin.js';

const UPDATES = Number(process.env.BENCH_UPDATES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = 5;
const SECRET = 'bench-secret-0123456789';

interface Run {
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  failed: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Sink = Awaited<ReturnType<typeof startSink>>;

async function drive(standin: BotApiStandin, sink: Sink, url: string, questions: string[]): Promise<Run> {
  const updates = Array.from({ length: UPDATES }, (_, i) => standin.privateText(questions[i % questions.length]!, { userId: 10_000 + (i % 500), enqueue: false }));
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + 60_000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < updates.length && performance.now() < deadline) {
        const update = updates[next++]!;
        const t0 = performance.now();
        const replied = sink.reply(update.message!.chat.id, 10_000);
        const status = await postUpdate(url, update, SECRET, 10_000).catch(() => 0);
        const ok = status === 200 && (await replied);
        latencies.push(performance.now() - t0);
        if (!ok) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), failed };
}

/**
 * A Bot API that accepts every call: getMe answers the bot's identity, everything else a message.
 * `reply(chatId)` resolves true when the next sendMessage to that chat arrives (false after timeoutMs).
 */
async function startSink(token: string, me: object) {
  let calls = 0;
  const waiting = new Map<number, ((ok: boolean) => void)[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      if (req.url?.endsWith('/sendMessage')) {
        const chatId = Number((JSON.parse(Buffer.concat(chunks).toString()) as { chat_id: number }).chat_id);
        waiting.get(chatId)?.shift()?.(true);
      }
      const result = req.url?.endsWith('/getMe') ? me : { message_id: calls, date: 0, chat: { id: 1, type: 'private' }, text: 'ok' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    token,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    reply: (chatId: number, timeoutMs: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiting.set(chatId, [
          ...(waiting.get(chatId) ?? []),
          (ok) => {
            clearTimeout(timer);
            resolve(ok);
          },
        ]);
      }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Starts one bot in a child process; resolves with its webhook URL and a stop function. */
async function serve(kind: 'reform' | 'echo', api: { token: string; url: string }, cache = true) {
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'bench/bot-server.ts', kind], {
    env: { ...process.env, BENCH_TOKEN: api.token, BENCH_API_ROOT: api.url, BENCH_SECRET: SECRET, BENCH_CACHE: cache ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} bot did not start`)), 30_000);
    child.stdout!.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve((JSON.parse(d.toString()) as { port: number }).port);
    });
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

/**
 * What logging a question costs the reply (storeQuestionLog.record: scrub and queue) and, apart, the
 * batched write (one transaction per FLUSH_MS), per question, on a real SQLite file.
 */
async function timeLogging(questions: string[]): Promise<{ recordP50: number; recordP99: number; writePerQuestion: number; batch: number }> {
  const { engine } = openEngine();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-log-'));
  const store = new SqliteStore(path.join(dir, 'bot.sqlite'));
  try {
    const log = storeQuestionLog(store);
    const results = questions.map((q) => engine.answer(q));
    const record: number[] = [];
    const writes: number[] = [];
    const BATCH = 200;
    for (let i = 0; i < 10_000; i++) {
      const q = i % questions.length;
      const t0 = process.hrtime.bigint();
      log.record({ door: 'private', question: questions[q]!, result: results[q]!, latencyMs: 0.3 });
      record.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if ((i + 1) % BATCH === 0) {
        const t1 = process.hrtime.bigint();
        await log.flush();
        writes.push(Number(process.hrtime.bigint() - t1) / 1e6 / BATCH);
      }
    }
    record.sort((a, b) => a - b);
    return { recordP50: percentile(record, 0.5), recordP99: percentile(record, 0.99), writePerQuestion: median(writes), batch: BATCH };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const standin = await startStandin();
  const { engine } = openEngine();
  const questions = engine.knowledge.articles.flatMap((k) => k.facts.flatMap((f) => [...f.questions['zh-Hans'], ...f.questions['zh-Hant'], ...f.questions.en]));
  const sink = await startSink(standin.token, standin.bot);
  const bots = {
    echo: await serve('echo', sink),
    reform: await serve('reform', sink),
    // The pool repeats its questions, so the answer cache serves most of them: the uncached bot
    // shows what answering every question anew costs.
    'reform, no cache': await serve('reform', sink, false),
  };
  const names = Object.keys(bots) as (keyof typeof bots)[];
  for (const name of names) await drive(standin, sink, bots[name].url, questions.slice(0, 50));
  // Rounds rotate through the bots so that slow spells of a shared machine hit all of them alike.
  const runs = Object.fromEntries(names.map((n) => [n, [] as Run[]])) as Record<keyof typeof bots, Run[]>;
  for (let round = 0; round < ROUNDS; round++) for (const name of names) runs[name].push(await drive(standin, sink, bots[name].url, questions));
  for (const name of names) await bots[name].close();
  await standin.close();
  await sink.close();

  const summary = (rs: Run[]) => ({
    perSecond: median(rs.map((r) => r.perSecond)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    failed: rs.reduce((n, r) => n + r.failed, 0),
  });
  /** Median over rounds of this bot's updates per second divided by the echo bot's in the same round. */
  const ratioOf = (name: keyof typeof bots) => median(runs[name].map((run, i) => run.perSecond / runs.echo[i]!.perSecond));
  const row = (name: string, s: ReturnType<typeof summary>, ratio?: number) =>
    `${name.padEnd(18)} ${s.perSecond.toFixed(0).padStart(9)}  ${s.p50.toFixed(2).padStart(7)}  ${s.p99.toFixed(2).padStart(7)}  ${String(s.failed).padStart(6)}  ${ratio === undefined ? '' : `${(ratio * 100).toFixed(0)}%`.padStart(8)}`;
  console.log(`bench:bot — ${UPDATES} updates × ${ROUNDS} rounds, ${CONCURRENCY} concurrent senders, webhook on loopback, medians of rounds`);
  console.log(`${'bot'.padEnd(18)} ${'updates/s'.padStart(9)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  ${'failed'.padStart(6)}  ${'vs echo'.padStart(8)}`);
  const results = Object.fromEntries(names.map((n) => [n, { ...summary(runs[n]), ratio: ratioOf(n) }]));
  for (const name of names) console.log(row(name, results[name]!, name === 'echo' ? undefined : results[name]!.ratio));
  const ratio = results.reform!.ratio;
  console.log(`reform bot / echo bot: ${(ratio * 100).toFixed(0)}% of the updates per second (target ≥ 60%): ${ratio >= 0.6 ? 'PASS' : 'FAIL'}`);
  const logging = await timeLogging(questions);
  console.log(
    `question log: record p50 ${logging.recordP50.toFixed(4)} ms, p99 ${logging.recordP99.toFixed(4)} ms (target ≤ 0.1 ms); ` +
      `batched write ${logging.writePerQuestion.toFixed(4)} ms a question (median batch of ${logging.batch}, off the reply path)`,
  );
  console.log(JSON.stringify({ bench: 'bot', updates: UPDATES, rounds: ROUNDS, concurrency: CONCURRENCY, results, questionLog: logging }));
}

await main();
