/**
 * The image, run for real by a container engine (`npm run test:container`, which `.ci/run` runs:
 * `.ci/container` builds the image first and sets CONTAINER_IMAGE, and runs these checks under
 * podman and again under Docker's own engine, CONTAINER_ENGINE=docker). Every check goes through the
 * engine's own commands against the Bot API stand-in on loopback (the containers share the host's
 * network): it starts and polls and answers; it runs as the `node` user; the data folder exists in
 * the image, owned by `node`, and a fresh named volume mounted there (which copies that owner, as
 * Docker does) takes the database; a stop exits 0 within the grace period; in webhook mode
 * `/healthz` and the image's HEALTHCHECK say healthy and a posted update is answered; `ask.js`
 * answers; the documented ingest command adds an article that the bot, running as `node`, loads and
 * answers. Skipped without CONTAINER_IMAGE.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { scoreFold } from '../helpers/score.js';
import { postUpdate, startStandin, type BotApiStandin, type RecordedCall } from '../support/bot-api-standin.js';
import { freePort } from '../support/free-port.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';
import { until } from '../support/process.js';

const IMAGE = process.env.CONTAINER_IMAGE;
const ENGINE = process.env.CONTAINER_ENGINE ?? 'podman';
/** Docker runs healthchecks itself (every second here); podman without systemd runs none, so the test asks it to run one. */
const DOCKER = ENGINE === 'docker';
const run = Boolean(IMAGE);

let standin: BotApiStandin;
let work: string;
const names: string[] = [];
const volumes: string[] = [];
let nextUser = 5_500_000;

/** The engine's command; throws with its output when it fails. */
const engine = (args: string[], timeout = 60_000): string => execFileSync(ENGINE, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const logs = (name: string) => {
  const r = spawnSync(ENGINE, ['logs', name], { encoding: 'utf8' });
  return r.stdout + r.stderr;
};

/** Starts a container of the image in the background, on the host's network, with the stand-in as its Bot API. */
function start(name: string, env: Record<string, string>, extra: string[] = []): string {
  names.push(name);
  const e = Object.entries({ BOT_TOKEN: standin.token, TELEGRAM_API_ROOT: standin.url, ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  engine(['run', '-d', '--name', name, '--network', 'host', '--health-interval', DOCKER ? '1s' : 'disable', ...e, ...extra, IMAGE!]);
  return name;
}

const okTo = (chatId: number, after: number) => (c: RecordedCall) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.response?.ok === true && c.at >= after;
async function ask(question: string): Promise<string> {
  const user = ++nextUser;
  const at = Date.now();
  standin.privateText(question, { userId: user });
  return String((await standin.waitFor(okTo(user, at), 20_000)).params.text);
}

/** The first article's sentence that answers 南沙落户要多久, from the knowledge the image was built with. */
const first = loadKnowledge(TEST_KNOWLEDGE).articles[0]!;
const nansha = first.article.paragraphs.flatMap((p) => p.sentences).find((s) => /南沙/.test(s.text) && /工作日/.test(s.text))!;

beforeAll(async () => {
  if (!run) return;
  standin = await startStandin({ maxPollMs: 300 });
  work = mkdtempSync(path.join(tmpdir(), 'container-'));
});

afterAll(async () => {
  if (!run) return;
  for (const n of names) spawnSync(ENGINE, DOCKER ? ['rm', '-f', n] : ['rm', '-f', '-t', '0', n], { encoding: 'utf8' });
  for (const v of volumes) spawnSync(ENGINE, ['volume', 'rm', '-f', v], { encoding: 'utf8' });
  await standin.close();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe.runIf(run)(`the image (${IMAGE}) under ${ENGINE}`, () => {
  it('the data folder is in the image, owned by node; the process runs as node', () => {
    expect(engine(['run', '--rm', '--entrypoint', 'stat', IMAGE!, '-c', '%U:%G', '/home/node/data'])).toBe('node:node');
    expect(engine(['run', '--rm', IMAGE!, 'id', '-un'])).toBe('node');
  });

  it('polling with a fresh named volume: starts, polls, answers with the quote and its source; the database is in the volume; a stop exits 0 within the grace period', async () => {
    const volume = `reform-test-${process.pid}`;
    volumes.push(volume);
    engine(['volume', 'create', volume]);
    const before = standin.callsTo('getUpdates').length;
    const name = start(`reform-poll-${process.pid}`, {}, ['-v', `${volume}:/home/node/data`]);
    await until(() => standin.callsTo('getUpdates').length > before, 30_000, 'polling').catch((e: unknown) => {
      throw new Error(`${String(e)}\n${logs(name)}`);
    });
    const answer = await ask('南沙落户要多久');
    expect(scoreFold(answer)).toContain(scoreFold(nansha.text).slice(0, 12));
    expect(answer).toMatch(/[广廣]州日[报報]/);
    expect(engine(['exec', name, 'id', '-u'])).toBe('1000');
    expect(engine(['exec', name, 'ls', '/home/node/data']).split('\n')).toContain('bot.sqlite');

    const started = Date.now();
    engine(['stop', '-t', '15', name], 30_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(engine(['inspect', name, '--format', '{{.State.ExitCode}}'])).toBe('0');
    const out = logs(name);
    expect(out).toMatch(/"msg":"stopped"/);
    expect(out).not.toMatch(/"level":(40|50|60)/);
  }, 90_000);

  it('webhook mode: /healthz and the HEALTHCHECK say healthy, a posted update is answered', async () => {
    const port = await freePort();
    const secret = 'container-secret-0123456789abcdef';
    const before = standin.callsTo('setWebhook').length;
    const name = start(`reform-hook-${process.pid}`, { BOT_MODE: 'webhook', WEBHOOK_DOMAIN: 'bot.example.org', WEBHOOK_SECRET: secret, WEBHOOK_PORT: String(port), WEBHOOK_PATH: '/hook' });
    await until(() => standin.callsTo('setWebhook').length > before, 30_000, 'setWebhook').catch((e: unknown) => {
      throw new Error(`${String(e)}\n${logs(name)}`);
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    if (DOCKER) await until(() => engine(['inspect', name, '--format', '{{.State.Health.Status}}']) === 'healthy', 30_000, 'healthy');
    else expect(spawnSync(ENGINE, ['healthcheck', 'run', name], { encoding: 'utf8' }).status).toBe(0);
    const user = ++nextUser;
    const at = Date.now();
    expect(await postUpdate(`http://127.0.0.1:${port}/hook`, standin.privateText('南沙落户要多久', { userId: user, enqueue: false }), secret)).toBe(200);
    expect(scoreFold(String((await standin.waitFor(okTo(user, at), 20_000)).params.text))).toContain(scoreFold(nansha.text).slice(0, 12));
    engine(['stop', '-t', '15', name], 30_000);
    expect(engine(['inspect', name, '--format', '{{.State.ExitCode}}'])).toBe('0');
  }, 90_000);

  it('ask.js answers', () => {
    expect(scoreFold(engine(['run', '--rm', IMAGE!, 'node', 'dist/cli/ask.js', '南沙落户要多久']))).toContain(scoreFold(nansha.text).slice(0, 12));
  });

  it('the documented ingest command adds an article; the bot, running as node, loads it and answers about it', async () => {
    const knowledge = path.join(work, 'knowledge');
    cpSync(TEST_KNOWLEDGE, knowledge, { recursive: true });
    const raw = path.resolve('test/fixtures/articles/hangzhou-daily-2020-05-20/raw.txt');
    const uid = `${process.getuid!()}:${process.getgid!()}`;
    // docs/articles.md: docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/knowledge:/app/knowledge" -v "$PWD/new.raw.txt:/in.txt:ro" reform-qa-bot node dist/cli/ingest.js /in.txt
    const out = engine(['run', '--rm', '--user', uid, '-v', `${knowledge}:/app/knowledge`, '-v', `${raw}:/in.txt:ro`, IMAGE!, 'node', 'dist/cli/ingest.js', '/in.txt'], 120_000);
    expect(out).toMatch(/hangzhouribao-2020-05-20/);
    const article = JSON.parse(readFileSync(path.join(knowledge, 'hangzhouribao-2020-05-20', 'article.json'), 'utf8')) as { meta: { publication: string } };

    const before = standin.callsTo('getUpdates').length;
    const name = start(`reform-ingested-${process.pid}`, {}, ['-v', `${knowledge}:/app/knowledge:ro`]);
    await until(() => standin.callsTo('getUpdates').length > before, 30_000, 'polling').catch((e: unknown) => {
      throw new Error(`${String(e)}\n${logs(name)}`);
    });
    expect(logs(name)).toMatch(/"articles":2/);
    expect(logs(name)).not.toMatch(/cannot be read by this user/);
    const reply = await ask(`${article.meta.publication}那篇是哪天发的`);
    expect(reply).toMatch(/2020/);
    engine(['stop', '-t', '15', name], 30_000);
  }, 180_000);
});
