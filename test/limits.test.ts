/** Telegram's limits for every message, on a fake clock. */
import { describe, expect, it } from 'vitest';
import { OutboundLimits } from '../src/limits.js';

function limits(options: ConstructorParameters<typeof OutboundLimits>[0] = {}) {
  const clock = { t: 1_000_000 };
  return { clock, l: new OutboundLimits(options, () => clock.t) };
}

describe('outbound limits', () => {
  it('a private chat: a burst, then about one a second; a flood gets one "slow down" a minute', () => {
    const { clock, l } = limits();
    const verdicts = Array.from({ length: 8 }, () => l.reply(1, false, 1));
    expect(verdicts).toEqual(['send', 'send', 'send', 'send', 'send', 'slowDown', 'drop', 'drop']);
    clock.t += 1_000;
    expect(l.reply(1, false, 1)).toBe('send');
    expect(l.reply(1, false, 1)).toBe('drop');
    // Another chat is not affected.
    expect(l.reply(2, false, 2)).toBe('send');
    clock.t += 60_000;
    expect(Array.from({ length: 6 }, () => l.reply(1, false, 1)).at(-1)).toBe('slowDown');
  });

  it('a group: one answer per user every 3 s, 20 messages a minute with the queue’s posts counted, never "slow down"', () => {
    const { clock, l } = limits();
    expect(l.reply(-1, true, 10)).toBe('send');
    expect(l.reply(-1, true, 10)).toBe('drop');
    for (let i = 0; i < 9; i++) l.queueSent(-1);
    for (let u = 11; u < 21; u++) expect(l.reply(-1, true, u)).toBe('send');
    expect(l.reply(-1, true, 99)).toBe('drop');
    clock.t += 60_000;
    expect(l.reply(-1, true, 99, 2)).toBe('send');
  });

  it('overall: answers may use the whole second; the queue leaves room for answers', () => {
    const { clock, l } = limits({ overallPerSecond: 30, queueReservePerSecond: 5 });
    for (let i = 0; i < 25; i++) {
      expect(l.queueWaitMs()).toBe(0);
      l.queueSent(100 + i);
    }
    expect(l.queueWaitMs()).toBe(1_000);
    for (let i = 0; i < 5; i++) expect(l.answerWaitMs()).toBe(0);
    clock.t += 400;
    expect(l.answerWaitMs()).toBe(600);
    clock.t += 600;
    expect(l.answerWaitMs()).toBe(0);
    expect(l.queueWaitMs()).toBe(0);
  });

  it("what other replicas sent counts too: a chat's burst, a group's minute, the overall second", () => {
    const { clock, l } = limits();
    // Another replica answered chat 1 three times just now: two of the five are left here.
    for (let i = 0; i < 3; i++) l.foreign(1, clock.t - 200);
    expect(Array.from({ length: 3 }, () => l.reply(1, false, 1))).toEqual(['send', 'send', 'slowDown']);
    // Sends older than the bucket's refill time are no longer felt.
    for (let i = 0; i < 5; i++) l.foreign(2, clock.t - 6_000);
    expect(l.reply(2, false, 2)).toBe('send');
    // A group: 19 messages from elsewhere in the last minute leave one.
    for (let i = 0; i < 19; i++) l.foreign(-5, clock.t - 30_000);
    expect(l.reply(-5, true, 7)).toBe('send');
    expect(l.reply(-5, true, 8)).toBe('drop');
    // Overall: 30 in the last second elsewhere, and this process waits.
    clock.t += 61_000;
    for (let i = 0; i < 30; i++) l.foreign(1_000 + i, clock.t - 500);
    expect(l.answerWaitMs()).toBe(500);
    expect(l.queueWaitMs()).toBeGreaterThan(0);
  });
  it('a shed incoming flood shares the one "slow down" a minute with the replies', () => {
    const { clock, l } = limits();
    expect(l.slowDown(1)).toBe(true);
    expect(l.slowDown(1)).toBe(false);
    // The replies' burst is untouched, and their own note is not sent again within the minute.
    expect(Array.from({ length: 7 }, () => l.reply(1, false, 1))).toEqual(['send', 'send', 'send', 'send', 'send', 'drop', 'drop']);
    clock.t += 60_000;
    expect(l.slowDown(1)).toBe(true);
    // The other way round: the replies told it, so the shed flood does not.
    for (let i = 0; i < 6; i++) l.reply(2, false, 2);
    expect(l.slowDown(2)).toBe(false);
  });

  it('the rest of a long reply admitted as one is counted, never refused: the next replies wait for it', () => {
    const { clock, l } = limits();
    expect(l.reply(1, false, 1)).toBe('send');
    l.charge(1, false, 6);
    expect(l.reply(1, false, 1)).toBe('slowDown');
    clock.t += 2_000;
    expect(l.reply(1, false, 1)).toBe('drop');
    clock.t += 1_000;
    expect(l.reply(1, false, 1)).toBe('send');
    // A group: the extra parts count against its 20 a minute.
    l.charge(-1, true, 19);
    expect(l.reply(-1, true, 5)).toBe('send');
    expect(l.reply(-1, true, 6)).toBe('drop');
  });
});
