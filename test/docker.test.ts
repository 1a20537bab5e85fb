/**
 * There is no Docker engine here, so this runs the Dockerfile's own instructions outside Docker:
 * each stage in a folder of its own (WORKDIR), COPY from the project or an earlier stage, RUN in a
 * shell, then the runtime stage's CMD against the Bot API stand-in and its HEALTHCHECK. If the
 * Dockerfile's commands do not build or start the bot, this fails.
 */
import { execSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStandin } from './support/bot-api-standin.js';
import { freePort } from './support/free-port.js';

interface Stage {
  name: string;
  dir: string;
  env: Record<string, string>;
  user?: string;
  cmd?: string[];
  healthcheck?: string[];
}

const ROOT = process.cwd();
const work = mkdtempSync(path.join(tmpdir(), 'dockerfile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Joins continuation lines and drops comments. */
function instructions(dockerfile: string): [string, string][] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const at = l.indexOf(' ');
      return [l.slice(0, at).toUpperCase(), l.slice(at + 1).trim()];
    });
}

function runDockerfile(): Stage[] {
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  for (const [op, arg] of instructions(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))) {
    if (op === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(arg)?.[1] ?? `stage${stages.length}`;
      stage = { name, dir: path.join(work, name), env: {} };
      mkdirSync(stage.dir, { recursive: true });
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${op} before FROM`);
    if (op === 'COPY') {
      const from = /^--from=(\S+)\s+/.exec(arg);
      const parts = arg.replace(/^--from=\S+\s+/, '').split(/\s+/);
      const dest = parts.pop()!;
      const source = from ? stages.find((s) => s.name === from[1])! : undefined;
      for (const p of parts) {
        const src = source ? path.join(source.dir, p.replace(/^\/app\/?/, '')) : path.join(ROOT, p);
        const target = dest.endsWith('/') ? path.join(stage.dir, dest, path.basename(p)) : path.join(stage.dir, dest);
        cpSync(src, target, { recursive: true });
      }
    } else if (op === 'RUN') {
      execSync(arg, { cwd: stage.dir, stdio: 'pipe', env: { ...process.env, ...stage.env }, timeout: 240_000 });
    } else if (op === 'ENV') {
      const [k, v] = arg.split('=');
      stage.env[k!] = v ?? '';
    } else if (op === 'USER') {
      stage.user = arg;
    } else if (op === 'CMD') {
      stage.cmd = JSON.parse(arg) as string[];
    } else if (op === 'HEALTHCHECK') {
      stage.healthcheck = JSON.parse(arg.slice(arg.indexOf('CMD') + 3).trim()) as string[];
    }
  }
  return stages;
}


describe('Dockerfile', () => {
  it('builds with its own commands, and the runtime stage starts the bot and passes its healthcheck', async () => {
    // Every stage is on Node 24 LTS; CI runs this test under the machine's Node and under Node 24.
    const bases = [...readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) expect(base).toMatch(/^node:24-/);
    const stages = runDockerfile();
    const runtime = stages.at(-1)!;
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.user).toBe('node');
    expect(runtime.cmd?.[0]).toBe('node');
    expect(existsSync(path.join(runtime.dir, 'dist/main.js'))).toBe(true);
    expect(existsSync(path.join(runtime.dir, 'node_modules/telegraf'))).toBe(true);
    expect(existsSync(path.join(runtime.dir, 'node_modules/typescript'))).toBe(false);

    const standin = await startStandin({ maxPollMs: 300 });
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      ...runtime.env,
      BOT_TOKEN: standin.token,
      TELEGRAM_API_ROOT: standin.url,
      BOT_MODE: 'webhook',
      WEBHOOK_DOMAIN: 'bot.example.org',
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_SECRET: 'docker-secret-0123456789',
      // As `docker run -e` would: the image's /home/node/data is not this machine's to write.
      DATA_DIR: path.join(work, 'data'),
    };
    const child = spawn(runtime.cmd![0]!, runtime.cmd!.slice(1), { cwd: runtime.dir, env, stdio: 'ignore' });
    try {
      await standin.waitFor('setWebhook', 20_000);
      const health = spawnSync(runtime.healthcheck![0]!, runtime.healthcheck!.slice(1), { cwd: runtime.dir, env, timeout: 10_000 });
      expect(health.status).toBe(0);
      // Metrics are not on the webhook port (they have their own, METRICS_PORT, on loopback).
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      const after = spawnSync(runtime.healthcheck![0]!, runtime.healthcheck!.slice(1), { cwd: runtime.dir, env, timeout: 10_000 });
      expect(after.status).not.toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await standin.close();
    }

    // The image can ingest an article into a mounted knowledge folder, and regenerate it, with its
    // production dependencies only (no tsx).
    const knowledge = path.join(work, 'knowledge');
    cpSync(path.join(runtime.dir, 'knowledge'), knowledge, { recursive: true });
    const ingest = spawnSync('node', ['dist/cli/ingest.js', path.resolve('test/fixtures/chengdu.raw.txt'), '--knowledge', knowledge], { cwd: runtime.dir, env, encoding: 'utf8', timeout: 120_000 });
    expect(ingest.status, ingest.stderr).toBe(0);
    expect(ingest.stdout).toContain('四川日報');
    expect(existsSync(path.join(knowledge, 'sichuanribao-2020-11-23', 'article.json'))).toBe(true);
    const check = spawnSync('node', ['dist/cli/knowledge.js', '--check'], { cwd: runtime.dir, env, encoding: 'utf8', timeout: 120_000 });
    expect(check.status, check.stderr).toBe(0);
    // And the operator's report over the bot's database.
    const report = spawnSync('node', ['dist/cli/report.js', '--json'], { cwd: runtime.dir, env, encoding: 'utf8', timeout: 60_000 });
    expect(report.status, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).total).toBe(0);
  }, 300_000);
});
