/**
 * Group flood control: at most one answer per user every few seconds, and at most 20 messages a
 * minute per group (Telegram's own limit). What is over the limit is dropped quietly: a group must
 * never be spammed, not even with "slow down" messages.
 */
import type { Limits } from './deps.js';

export interface RateLimiter {
  /** Whether the bot may send `messages` messages to a group for this user now; records them if so. */
  allow(chatId: number, userId: number | undefined, messages?: number): boolean;
}

const MINUTE = 60_000;
const MAX_TRACKED = 10_000;

export function createRateLimiter(limits: Limits, now: () => number): RateLimiter {
  const lastAnswer = new Map<string, number>();
  const sent = new Map<number, number[]>();
  return {
    allow(chatId, userId, messages = 1) {
      const t = now();
      const userKey = `${chatId}:${userId ?? 0}`;
      const last = lastAnswer.get(userKey);
      if (userId !== undefined && last !== undefined && t - last < limits.perUserMs) return false;
      const recent = (sent.get(chatId) ?? []).filter((at) => t - at < MINUTE);
      if (recent.length + messages > limits.perGroupPerMinute) {
        sent.set(chatId, recent);
        return false;
      }
      for (let i = 0; i < messages; i++) recent.push(t);
      sent.set(chatId, recent);
      lastAnswer.set(userKey, t);
      if (lastAnswer.size > MAX_TRACKED) {
        for (const [key, at] of lastAnswer) if (t - at >= limits.perUserMs) lastAnswer.delete(key);
      }
      if (sent.size > MAX_TRACKED) {
        for (const [key, times] of sent) if (times.every((at) => t - at >= MINUTE)) sent.delete(key);
      }
      return true;
    },
  };
}
