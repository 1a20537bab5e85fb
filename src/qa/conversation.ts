/**
 * Follow-up questions. A conversation (a private chat, or one user's thread in a group) keeps the
 * subject of its last answered question for a while; an elliptical question (能办多少项？, 在哪个区？,
 * Which district is it in?) is read together with it. Memory only: a bounded LRU of conversations,
 * each entry forgotten after the time to live. Nothing carries from one conversation to another.
 */
import type { Engine, Result } from './engine.js';
import { Lru } from './lru.js';

export interface ConversationOptions {
  /** How long a subject is remembered after its question (ms); 0 remembers nothing. */
  ttlMs: number;
  /** Conversations remembered at most (the least recently used are forgotten first). */
  maxConversations?: number;
  /** The clock (tests). */
  now?: () => number;
}

export interface Reply {
  result: Result;
  /** The subject the question was read with, when it was a follow-up (shown: （接着问：琶洲驿站）). */
  readWith?: string;
}

interface Memory {
  subject: string;
  until: number;
}

/** Conversations remembered by default: about a megabyte of short strings. */
const MAX_CONVERSATIONS = 10_000;

export class Conversations {
  private readonly memory: Lru<string, Memory>;
  private readonly now: () => number;

  constructor(
    private readonly engine: Engine,
    private readonly options: ConversationOptions,
  ) {
    this.memory = new Lru(options.ttlMs > 0 ? (options.maxConversations ?? MAX_CONVERSATIONS) : 0);
    this.now = options.now ?? Date.now;
  }

  /**
   * The reply to a question in a conversation (`key`: one chat, or one user in a group; undefined:
   * no conversation). A question that names no subject of its own (能办多少项？), or that points back
   * (它, 那…呢, it, what about) and alone is declined, is read with the conversation's subject when
   * that gives a quoted answer. An answered question on a subject of its own becomes the subject.
   */
  ask(key: string | undefined, question: string): Reply {
    const result = this.engine.answer(question);
    if (key === undefined || this.options.ttlMs <= 0) return { result };
    const now = this.now();
    const remembered = this.memory.get(key);
    const memory = remembered && remembered.until > now ? remembered : undefined;
    const reading = this.engine.reading(question);
    if (memory && (reading.bare || (reading.pointsBack && !result.found))) {
      const together = this.engine.answer(`${memory.subject} ${question}`);
      if (together.found && together.kind === 'sentence') {
        this.memory.set(key, { subject: memory.subject, until: now + this.options.ttlMs });
        return { result: together, readWith: memory.subject };
      }
    }
    if (result.found && result.kind === 'sentence' && reading.subject && !reading.bare) {
      this.memory.set(key, { subject: reading.subject, until: now + this.options.ttlMs });
    }
    return { result };
  }
}
