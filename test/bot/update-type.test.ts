/**
 * Updates of no known kind (a made-up key, or no object at all), handed to the real bot: dropped
 * before any handler, counted under one metric label ("other"), logged by update id only — never
 * their content, and never a new label per made-up key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Update } from 'telegraf/types';
import { createBot } from '../../src/bot/create-bot.js';
import { memorySettings } from '../../src/bot/deps.js';
import { OutboundLimits } from '../../src/limits.js';
import { createLogger } from '../../src/log.js';
import { metricsText } from '../../src/metrics.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { startStandin, type BotApiStandin } from '../support/bot-api-standin.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

let standin: BotApiStandin;
const lines: string[] = [];
let bot: ReturnType<typeof createBot>['bot'];
let inFlight: ReturnType<typeof createBot>['inFlight'];

beforeAll(async () => {
  standin = await startStandin({ maxPollMs: 300 });
  const { engine, ctx } = openEngine(TEST_KNOWLEDGE);
  const log = createLogger({ level: 'info', secrets: [], write: (l) => void lines.push(l) });
  ({ bot, inFlight } = createBot({ token: standin.token, apiRoot: standin.url }, { engine, render: ctx, log, settings: memorySettings(), limits: new OutboundLimits(), now: Date.now }));
  bot.botInfo = await bot.telegram.getMe();
});

afterAll(async () => {
  await standin.close();
});

describe('updates of no known kind', () => {
  it('are dropped, counted as "other" and logged by id only', async () => {
    const made = [
      { update_id: 41, made_up_kind_1: { chat: { id: -1009182736999 }, text: 'ZQXJ secret text' } },
      { update_id: 42, made_up_kind_2: { from: { id: 918273999 } } },
      { update_id: 43 },
      // A known kind behind an unknown one: telegraf would read it as the unknown one.
      { update_id: 44, aaa_first: {}, message: standin.privateText('南沙落户要多久', { userId: 918273998, enqueue: false }).message },
      { update_id: 45, aaa_null: null, message: standin.privateText('南沙落户要多久', { userId: 918273998, enqueue: false }).message },
    ];
    for (const u of made) await bot.handleUpdate(u as unknown as Update);
    await inFlight.idle();
    expect(standin.callsTo('sendMessage')).toHaveLength(0);
    const ignored = lines.filter((l) => l.includes('update of no known kind'));
    expect(ignored.map((l) => (JSON.parse(l) as { update_id: number }).update_id)).toEqual([41, 42, 43, 44, 45]);
    const all = lines.join('');
    for (const text of ['ZQXJ', '918273999', '918273998', '9182736999', 'made_up_kind', 'aaa_first', 'aaa_null']) expect(all).not.toContain(text);
    const { body } = await metricsText();
    expect(body).toMatch(/reformbot_updates_total\{type="other"\} 5/);
    expect(body).not.toMatch(/made_up_kind|aaa_first/);
  });

  it('a known kind still goes through', async () => {
    standin.clearCalls();
    await bot.handleUpdate(standin.privateText('南沙落户要多久', { userId: 918273997, enqueue: false }));
    await inFlight.idle();
    expect(standin.callsTo('sendMessage')).toHaveLength(1);
    expect((await metricsText()).body).toMatch(/reformbot_updates_total\{type="message"\} 1/);
  });
});
