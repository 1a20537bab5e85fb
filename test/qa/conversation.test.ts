/**
 * Follow-up questions on the real knowledge: what a conversation remembers, for how long, and that
 * nothing carries from one conversation to another.
 */
import { describe, expect, it } from 'vitest';
import { Conversations } from '../../src/qa/conversation.js';
import type { Result } from '../../src/qa/engine.js';
import { openEngine } from '../../src/qa/open-engine.js';
import { render } from '../../src/qa/render.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const { engine, ctx } = openEngine(TEST_KNOWLEDGE);
const TTL = 10 * 60_000;

const fact = (r: Result): string | null => (r.found && r.kind === 'sentence' ? r.factId : null);

function conversations(now: { t: number }, maxConversations?: number) {
  return new Conversations(engine, { ttlMs: TTL, now: () => now.t, maxConversations });
}

describe('follow-ups', () => {
  it('an elliptical question is read with the last subject, and says so', () => {
    const c = conversations({ t: 0 });
    expect(fact(c.ask('a', '琶洲那个驿站是做什么的').result)).not.toBeNull();
    const count = c.ask('a', '能办多少项？');
    expect(count.readWith).toBe('琶洲驿站');
    expect(count.result.found && count.result.kind === 'sentence' && count.result.shortAnswer?.['zh-Hans']).toContain('100项');
    expect(render(count.result, 'text', ctx, 'zh-Hans', { readWith: count.readWith })).toMatch(/^（接着问：琶洲驿站）/);
    const where = c.ask('a', '在哪个区？');
    expect(where.result.found && where.result.kind === 'sentence' && where.result.shortAnswer?.['zh-Hans']).toContain('海珠区');
  });

  it('in English too: "Which district is it in?" after the Pazhou station', () => {
    const c = conversations({ t: 0 });
    c.ask('en', 'Tell me about the unstaffed station in Pazhou');
    const where = c.ask('en', 'Which district is it in?');
    expect(where.readWith).toBeDefined();
    expect(where.result.found && where.result.kind === 'sentence' && where.result.shortAnswer?.en).toMatch(/Haizhu/);
    expect(render(where.result, 'text', ctx, 'en', { readWith: where.readWith })).toMatch(/^\(Follow-up on: /);
  });

  it('the subject is what the question is about, not its verb (琶洲驿站能办什么: 琶洲驿站)', () => {
    const c = conversations({ t: 0 });
    c.ask('a', '琶洲驿站能办什么');
    expect(c.ask('a', 'Which district is it in?').readWith).toBe('琶洲驿站');
  });

  it('the same words in another conversation, or without one, inherit nothing', () => {
    const c = conversations({ t: 0 });
    c.ask('a', '琶洲那个驿站是做什么的');
    for (const key of ['b', undefined]) {
      const r = c.ask(key, '能办多少项？');
      expect(r.readWith).toBeUndefined();
      expect(r.result.found).toBe(false);
    }
  });

  it('a subject is forgotten after its time to live', () => {
    const now = { t: 0 };
    const c = conversations(now);
    c.ask('a', '琶洲那个驿站是做什么的');
    now.t = TTL - 1;
    expect(c.ask('a', '能办多少项？').readWith).toBe('琶洲驿站');
    // Each follow-up keeps the subject alive for another TTL.
    now.t += TTL + 1;
    const late = c.ask('a', '能办多少项？');
    expect(late.readWith).toBeUndefined();
    expect(late.result.found).toBe(false);
  });

  it('a full question on a new subject replaces it; a declined one does not', () => {
    const c = conversations({ t: 0 });
    c.ask('a', '琶洲那个驿站是做什么的');
    c.ask('a', '广州取消了多少证明事项');
    expect(c.ask('a', '多少项').readWith).toBe('广州取消证明事项');
    c.ask('a', '北京落户要多久');
    expect(c.ask('a', '多少项').readWith).toBe('广州取消证明事项');
  });

  it('memory is bounded: beyond the limit the least recently used conversation is forgotten', () => {
    const c = conversations({ t: 0 }, 2);
    c.ask('a', '琶洲那个驿站是做什么的');
    c.ask('b', '琶洲那个驿站是做什么的');
    c.ask('c', '琶洲那个驿站是做什么的');
    expect(c.ask('a', '能办多少项？').readWith).toBeUndefined();
    expect(c.ask('c', '能办多少项？').readWith).toBe('琶洲驿站');
  });

  it('a time to live of 0 remembers nothing', () => {
    const c = new Conversations(engine, { ttlMs: 0 });
    c.ask('a', '琶洲那个驿站是做什么的');
    expect(c.ask('a', '能办多少项？').readWith).toBeUndefined();
  });
});

describe('subjects shared by replicas', () => {
  /** Two replicas' conversations joined by an in-memory stand-in for the database (store/shared-subjects.ts does it for real). */
  function replicas(now: { t: number }) {
    const listeners: ((key: string, subject: string, until: number) => void)[] = [];
    const keys: string[] = [];
    const bus = {
      key: (conversation: string) => `h(${conversation})`,
      remember: (key: string, subject: string, until: number) => {
        keys.push(key);
        for (const l of listeners) l(key, subject, until);
      },
      listen: (absorb: (key: string, subject: string, until: number) => void) => void listeners.push(absorb),
    };
    return { a: new Conversations(engine, { ttlMs: TTL, now: () => now.t, shared: bus }), b: new Conversations(engine, { ttlMs: TTL, now: () => now.t, shared: bus }), keys };
  }

  it('a follow-up reaching the other replica is read with the subject; only the hashed key is shared', () => {
    const now = { t: 0 };
    const { a, b, keys } = replicas(now);
    a.ask('chat-1', '琶洲那个驿站是做什么的');
    now.t = 5_000;
    const count = b.ask('chat-1', '能办多少项？');
    expect(count.readWith).toBe('琶洲驿站');
    expect(b.ask('chat-2', '能办多少项？').readWith).toBeUndefined();
    expect(keys.every((k) => k.startsWith('h('))).toBe(true);
    // Expired on one replica is expired on the other.
    now.t = 5_000 + TTL + 1;
    expect(a.ask('chat-1', '能办多少项？').readWith).toBeUndefined();
  });
});
