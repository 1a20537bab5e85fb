/**
 * `npm run playground` in a real browser (Debian's chromium, driven by playwright-core): the real bot
 * (`npm start`'s program) against the Bot API stand-in, played through the page as a person would.
 * Skipped where chromium is not installed, unless REQUIRE_CHROMIUM is set (as `.ci/run` does).
 * With PLAYGROUND_SCREENSHOT=docs/playground.png the private chat is saved there (the README's picture),
 * and /review beside it (docs/review.png, the operator's loop in docs/operating.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.REQUIRE_CHROMIUM) throw new Error("REQUIRE_CHROMIUM is set but /usr/bin/chromium is missing: install Debian's chromium package (.ci/run does)");

const work = mkdtempSync(path.join(tmpdir(), 'playground-test-'));
let playground: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  // `npm run playground` itself: the built command, on any free port, reading the tests' knowledge.
  playground = spawn(process.execPath, ['dist/cli/playground.js'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PLAYGROUND_PORT: '0', PLAYGROUND_DATA_DIR: path.join(work, 'data'), KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR! },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  playground.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 30 s:\n${output}`)), 30_000);
    playground.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /Playground: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  await page.goto(url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (playground && playground.exitCode === null) {
    const exited = new Promise((resolve) => playground.once('exit', resolve));
    playground.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
}, 30_000);

/** Types a message into the page and sends it. */
async function say(text: string): Promise<void> {
  await page.fill('#text', text);
  await page.click('#form button');
}
const botMessages = () => page.locator('.msg:not(.me)');

describe.runIf(hasChromium)('the playground in a browser', () => {
  it('a private chat: the quoted sentence with its source and a context button; the button shows the paragraph', async () => {
    await say('南沙落户要多久');
    const answer = botMessages().filter({ hasText: '10个工作日' }).last();
    await answer.waitFor({ timeout: 15_000 });
    await expect(answer.locator('blockquote').textContent()).resolves.toContain('现在来南沙落户');
    await expect(answer.locator('i').textContent()).resolves.toContain('广州日报');
    await expect(answer.locator('b').first().textContent()).resolves.toContain('10个工作日');
    // The bot's HTML became elements, not text: no tag is shown.
    expect(await answer.textContent()).not.toContain('<b>');
    if (process.env.PLAYGROUND_SCREENSHOT) await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT, fullPage: false });
    const shot = path.join(work, 'private.png');
    await page.screenshot({ path: shot });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');

    await answer.getByRole('button', { name: '上下文' }).click();
    await botMessages().locator('blockquote.folded').last().waitFor({ timeout: 10_000 });
    expect(await botMessages().last().textContent()).toContain('南沙');
  }, 40_000);

  it('an English question gets the English answer', async () => {
    await say('How long does it take to settle in Nansha?');
    const answer = botMessages().filter({ hasText: '10 working days' }).last();
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('Guangzhou Daily');
  }, 30_000);

  it('a group: a mention is answered, chatter is not', async () => {
    await page.click('#tab-group');
    // The bot has just greeted the group: a reply now would break its per-group pace (a real limit).
    await page.waitForTimeout(3_500);
    await say('@reform_qa_bot 南沙落户要多久');
    const answer = botMessages().filter({ hasText: '10个工作日' }).last();
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.locator('.reply').textContent()).toContain('南沙落户要多久');
    await say('今天午饭吃什么');
    await page.locator('.msg.me', { hasText: '午饭' }).waitFor({ timeout: 5_000 });
    await page.waitForTimeout(1_500);
    const said = await botMessages().allTextContents();
    expect(said.some((t) => t.includes('午饭'))).toBe(false);
    expect(said.length).toBe(2);
  }, 30_000);

  it("/review (you are the playground bot's operator): a declined question, one press teaches, the question is then answered", async () => {
    await page.click('#tab-private');
    const question = '去南沙安家户口的事多久有结果';
    await say(question);
    await page.locator('.msg.me', { hasText: question }).waitFor({ timeout: 5_000 });
    await page.waitForTimeout(1_500);
    expect(await botMessages().last().textContent()).not.toContain('工作日');
    await say('/review');
    const review = botMessages().filter({ hasText: '待审核' }).last();
    await review.waitFor({ timeout: 15_000 });
    expect(await review.textContent()).toContain(question);
    if (process.env.PLAYGROUND_SCREENSHOT) await page.screenshot({ path: path.join(path.dirname(process.env.PLAYGROUND_SCREENSHOT), 'review.png'), fullPage: false });
    await review.getByRole('button', { name: /落户/ }).first().click();
    await botMessages().filter({ hasText: '已学会' }).last().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1_500);
    await say(question);
    await botMessages().filter({ hasText: '10个工作日' }).last().waitFor({ timeout: 15_000 });
  }, 60_000);

  it('inline mode: results as you type; a picked result is sent through the bot', async () => {
    await page.click('#tab-inline');
    await page.fill('#text', '南沙落户');
    const result = page.locator('#results button').first();
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toContain('10个工作日');
    await result.click();
    const sent = page.locator('.msg.me', { hasText: 'via @reform_qa_bot' }).last();
    await sent.waitFor({ timeout: 10_000 });
    expect(await sent.locator('blockquote').textContent()).toContain('南沙');
  }, 30_000);
});
