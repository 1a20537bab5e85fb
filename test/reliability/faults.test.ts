/**
 * Faults caused for real against `npm start`'s program (a child process) and the Bot API stand-in:
 * another process holding the database's write lock, a second process sending from the same
 * database, a user's 429s, a flood, a busy group. Each checks that nothing stops, nothing is sent
 * twice and nobody waits behind somebody else.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore as Store } from '../../src/store/sqlite-store.js';
import { BotApiError, startStandin, type BotApiStandin, type Params } from '../support/bot-api-standin.js';
import { holdWriteLock, killChildren, maxInWindow, run, until, type Child } from '../support/process.js';

const OPERATOR = 4242;
let standin: BotApiStandin;
let dir: string;
let file: string;
/** When each chat received each message (stand-in arrival time). */
let received: Map<number, number[]>;

beforeEach(async () => {
  standin = await startStandin({ maxPollMs: 300 });
  dir = mkdtempSync(path.join(tmpdir(), 'faults-'));
  file = path.join(dir, 'bot.sqlite');
  received = new Map();
  const base = standin.builtinHandler('sendMessage');
  standin.onMethod('sendMessage', (params) => record(params, base));
});

afterEach(async () => {
  killChildren();
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

function record(params: Params, base: (p: Params) => unknown): unknown {
  const result = base(params);
  const chatId = Number(params.chat_id);
  received.set(chatId, [...(received.get(chatId) ?? []), Date.now()]);
  return result;
}

const env = (extra: Record<string, string> = {}) => ({
  BOT_TOKEN: standin.token,
  TELEGRAM_API_ROOT: standin.url,
  DATA_DIR: dir,
  ADMIN_IDS: String(OPERATOR),
  ...extra,
});

async function startBot(extra: Record<string, string> = {}): Promise<Child> {
  const bot = run('src/main.ts', [], env(extra));
  await standin.waitFor('setMyCommands', 20_000);
  return bot;
}

/** Groups subscribed before the bot starts (their next scheduled post far away unless given). */
async function subscribeGroups(count: number, first: number, nextAt = Date.now() + 1e9): Promise<number[]> {
  const store = new Store(file);
  const groups = Array.from({ length: count }, (_, i) => first - i);
  for (const chatId of groups) await store.subscribe({ chatId, chatType: 'supergroup', cadence: 'daily', weekday: null, time: '09:00', nextAt });
  await store.close();
  return groups;
}

const count = (chatId: number) => received.get(chatId)?.length ?? 0;
const reached = (chats: number[]) => chats.filter((c) => count(c) > 0).length;

/** Seconds from asking to the bot's answer in that private chat. */
async function timeToAnswer(userId: number, question: string): Promise<number> {
  const asked = Date.now();
  standin.privateText(question, { userId });
  await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === userId && c.state === 'done', 10_000);
  return Date.now() - asked;
}

describe('storage faults', () => {
  it('an 8 s write lock during a broadcast to 60 groups: every group once, answers on time, later posts delivered', async () => {
    const groups = await subscribeGroups(60, -100_000_001);
    const bot = await startBot({ ANNOUNCE_PER_SECOND: '10' });
    standin.privateText('/broadcast 减证便民：琶洲驿站24小时不打烊', { userId: OPERATOR });
    await until(() => reached(groups) >= 20, 20_000, '20 groups reached');

    const lock = await holdWriteLock(file, 8_000);
    const lockedAt = reached(groups);
    // While the lock is held: a question is answered at once; a setting that cannot be saved is said so.
    expect(await timeToAnswer(5001, '南沙落户要多久')).toBeLessThan(1_500);
    standin.privateText('/lang en', { userId: 5003 });
    const refused = await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === 5003, 10_000);
    expect(String(refused.params.text)).toMatch(/暂时无法保存|Cannot save/);
    await lock.released;
    expect(lockedAt).toBeLessThan(60);

    await until(() => reached(groups) === 60, 30_000, 'all 60 groups reached');
    for (const g of groups) expect(count(g), `group ${g}`).toBe(1);
    const report = await standin.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === OPERATOR && /Broadcast done/.test(String(c.params.text)), 15_000);
    expect(String(report.params.text)).toContain('sent 60, failed 0');

    // The queue still runs: a later /announce in a group is delivered.
    const later = -100_000_500;
    standin.groupText('/announce', { chatId: later, userId: OPERATOR });
    await until(() => count(later) === 1, 10_000, 'the later announcement');
    expect(bot.process.exitCode).toBeNull();
    expect(bot.output()).toContain('storage unavailable, retrying');
    expect(bot.output()).toContain('storage is back');
  }, 90_000);

  it('a scheduled post falling due during a 25 s lock: the bot stays up and posts it after', async () => {
    // Due 20 s from now; the lock runs from 4 s before that to 21 s after, so the first scheduler
    // tick after the due time (ticks are 20 s apart) meets it.
    const due = Date.now() + 20_000;
    const [group] = await subscribeGroups(1, -100_000_900, due);
    const bot = await startBot();
    await new Promise((r) => setTimeout(r, Math.max(0, due - 4_000 - Date.now())));
    const lock = await holdWriteLock(file, 25_000);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(count(group!)).toBe(0);
    // Meanwhile questions are answered on time.
    expect(await timeToAnswer(5002, '琶洲驿站几点关门')).toBeLessThan(1_500);
    await lock.released;
    await until(() => count(group!) === 1, 15_000, 'the scheduled post');
    expect(bot.process.exitCode).toBeNull();
    expect(bot.output()).toContain('scheduler: storage unavailable');
  }, 80_000);
});

describe('two processes on one database', () => {
  it('npm run broadcast beside the running bot: every group once, never more than 30 messages a second', async () => {
    const groups = await subscribeGroups(200, -200_000_001);
    const bot = await startBot();
    // The bot also sends announcements of its own while the command line broadcasts.
    standin.groupText('/announce', { chatId: groups[0]!, userId: OPERATOR });
    const cli = run('src/cli/broadcast.ts', ['减证便民：南沙落户只需10个工作日'], env({ ANNOUNCE_PER_SECOND: '25', LOG_LEVEL: 'warn' }));
    expect(await cli.exited(60_000)).toBe(0);
    const last = JSON.parse(cli.output().trim().split('\n').at(-1)!) as { sent: number; pending: number };
    expect(last).toMatchObject({ sent: 200, pending: 0 });

    await until(() => count(groups[0]!) === 2, 10_000, 'the group announcement');
    for (const g of groups.slice(1)) expect(count(g), `group ${g}`).toBe(1);
    const times = [...received.values()].flat();
    expect(maxInWindow(times, 1_000)).toBeLessThanOrEqual(30);
    expect(bot.process.exitCode).toBeNull();
  }, 90_000);
});

describe('nobody waits behind somebody else', () => {
  it("one user's 429s do not delay another user's answer", async () => {
    const slow = 6001;
    let throttled = 0;
    const base = standin.builtinHandler('sendMessage');
    standin.onMethod('sendMessage', (params) => {
      if (Number(params.chat_id) === slow && throttled < 3) {
        throttled++;
        throw new BotApiError(429, 'Too Many Requests: retry after 2', { retry_after: 2 });
      }
      return record(params, base);
    });
    await startBot();
    standin.privateText('南沙落户要多久', { userId: slow });
    await until(() => throttled >= 1, 10_000, 'the first 429');
    expect(await timeToAnswer(6002, '琶洲驿站几点关门')).toBeLessThan(1_500);
    await until(() => count(slow) === 1, 15_000, 'the throttled answer, after its retries');
    expect(throttled).toBe(3);
  }, 40_000);

  it('a user sending 100 messages in 5 s gets a few answers and one "slow down"; another user is answered on time', async () => {
    const flooder = 7001;
    await startBot();
    const waits: Promise<number>[] = [];
    for (let i = 0; i < 100; i++) {
      standin.privateText(`南沙落户要多久 ${i}`, { userId: flooder });
      if (i === 50) waits.push(timeToAnswer(7002, '琶洲驿站几点关门'));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await waits[0]!).toBeLessThan(1_500);
    await new Promise((r) => setTimeout(r, 1_000));
    const texts = standin.sent().filter((m) => m.chat_id === flooder).map((m) => String(m.text));
    expect(texts.length).toBeLessThanOrEqual(20);
    expect(texts.length).toBeGreaterThanOrEqual(5);
    expect(texts.filter((t) => /slow down|慢一点|慢一點/.test(t))).toHaveLength(1);
  }, 40_000);

  it('50 /announce in one private chat: a few digests and one "slow down", not 50 queued posts', async () => {
    const user = 7101;
    await startBot();
    for (let i = 0; i < 50; i++) standin.privateText('/announce', { userId: user });
    await until(() => standin.sent().some((m) => m.chat_id === user && /slow down|慢一点/.test(String(m.text))), 10_000, 'the slow-down note');
    await new Promise((r) => setTimeout(r, 2_000));
    const db = new Database(file, { readonly: true });
    const posts = (db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE chat_id = ?').get(user) as { n: number }).n;
    db.close();
    expect(posts).toBeGreaterThanOrEqual(1);
    expect(posts).toBeLessThanOrEqual(5);
    expect(count(user)).toBeLessThanOrEqual(10);
  }, 30_000);

  it('15 /announce and 20 /ask in one group: at most 20 messages in any minute', async () => {
    const group = -300_000_001;
    await startBot();
    for (let i = 0; i < 15; i++) {
      standin.groupText('/announce', { chatId: group, userId: OPERATOR });
      standin.groupText(`/ask 南沙落户要多久 ${i}`, { chatId: group, userId: 8000 + i });
    }
    for (let i = 15; i < 20; i++) standin.groupText(`/ask 琶洲驿站几点关门 ${i}`, { chatId: group, userId: 8000 + i });
    await until(() => count(group) >= 20, 20_000, '20 messages in the group');
    // Give the queue time to try to send more within the minute.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(maxInWindow(received.get(group)!, 60_000)).toBeLessThanOrEqual(20);
  }, 60_000);
});

/** Whether this machine lets the tests mount a small tmpfs (root in a container that allows it). */
function canMount(): boolean {
  const probe = mkdtempSync(path.join(tmpdir(), 'mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const mountable = canMount();

describe.skipIf(!mountable)('a full disk and a read-only one (a real tmpfs)', () => {
  let mnt: string | undefined;
  const mount = (size: string) => {
    mnt = mkdtempSync(path.join(tmpdir(), 'tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt]);
    dir = path.join(mnt, 'data');
    file = path.join(dir, 'bot.sqlite');
    return mnt;
  };
  afterEach(() => {
    killChildren();
    if (mnt) execFileSync('umount', ['-l', mnt]);
    mnt = undefined;
  });

  it('a disk full for 3 s during a broadcast: the queue waits it out, every group once', async () => {
    const root = mount('32m');
    const groups = await subscribeGroups(60, -400_000_001);
    const bot = await startBot({ ANNOUNCE_PER_SECOND: '10' });
    standin.privateText('/broadcast 减证便民：琶洲驿站24小时不打烊', { userId: OPERATOR });
    await until(() => reached(groups) >= 20, 20_000, '20 groups reached');
    // Fill the disk: write until there is no space left.
    const filler = path.join(root, 'filler');
    const chunk = Buffer.alloc(1 << 20);
    const fd = openSync(filler, 'w');
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    await new Promise((r) => setTimeout(r, 3_000));
    const whileFull = reached(groups);
    unlinkSync(filler);
    await until(() => reached(groups) === 60, 30_000, 'all 60 groups reached');
    for (const g of groups) expect(count(g), `group ${g}`).toBe(1);
    expect(whileFull).toBeLessThan(60);
    expect(bot.output()).toContain('"fault":"full"');
    expect(bot.process.exitCode).toBeNull();
  }, 60_000);

  it('a read-only database at start: exit 1 with one line naming the file and the fix', async () => {
    const root = mount('4m');
    await subscribeGroups(1, -400_100_001);
    execFileSync('mount', ['-o', 'remount,ro', root]);
    const bot = run('src/main.ts', [], env());
    expect(await bot.exited(20_000)).toBe(1);
    const out = bot.output().trim();
    expect(out).toContain(file);
    expect(out).toMatch(/DATA_DIR/);
    expect(out).not.toMatch(/\n\s+at /);
    expect(standin.callsTo('getUpdates')).toHaveLength(0);
  }, 30_000);
});

describe('the database file deleted while running', () => {
  it('the bot notices and exits for the supervisor instead of writing into a deleted file', async () => {
    const bot = await startBot();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    expect(await bot.exited(15_000)).toBe(1);
    expect(bot.output()).toContain('deleted or replaced');
  }, 30_000);
});
