/**
 * Follow-up questions. A conversation (a private chat, or one user's thread in a group) keeps the
 * subject of its last answered question for a while; an elliptical question (能办多少项？, 在哪个区？,
 * Which district is it in?) is read together with it. A bounded LRU of conversations, each entry
 * forgotten after the time to live; with several replicas, subjects are also shared through the
 * database (`shared`), so a follow-up may reach another replica. Nothing carries from one
 * conversation to another.
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
  /** Subjects shared with other replicas (store/shared-subjects.ts); absent: this process only. */
  shared?: SharedSubjects;
}

/** How replicas share conversation subjects: each tells what it remembers, and hears what the others do. */
export interface SharedSubjects {
  /** The key a conversation is kept under (not the chat or user id itself). */
  key(conversation: string): string;
  /** Tells the other replicas, in the background (never awaited). */
  remember(key: string, subject: string, until: number): void;
  /** Calls `absorb` with what the other replicas remember, from now on. */
  listen(absorb: (key: string, subject: string, until: number) => void): void;
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
    options.shared?.listen((key, subject, until) => {
      const known = this.memory.get(key);
      if (!known || known.until < until) this.memory.set(key, { subject, until });
    });
  }

  private remember(key: string, subject: string, until: number): void {
    this.memory.set(key, { subject, until });
    this.options.shared?.remember(key, subject, until);
  }

  /**
   * The reply to a question in a conversation (`key`: one chat, or one user in a group; undefined:
   * no conversation). A question that names no subject of its own (能办多少项？), or that points back
   * (它, 那…呢, it, what about) and alone is declined, is read with the conversation's subject when
   * that gives a quoted answer. An answered question on a subject of its own becomes the subject.
   */
  ask(conversation: string | undefined, question: string): Reply {
    const result = this.engine.answer(question);
    if (conversation === undefined || this.options.ttlMs <= 0) return { result };
    const key = this.options.shared?.key(conversation) ?? conversation;
    const now = this.now();
    const remembered = this.memory.get(key);
    const memory = remembered && remembered.until > now ? remembered : undefined;
    const reading = this.engine.reading(question);
    if (memory && (reading.bare || (reading.pointsBack && !result.found))) {
      const together = this.engine.answer(`${memory.subject} ${question}`);
      if (together.found && together.kind === 'sentence') {
        this.remember(key, memory.subject, now + this.options.ttlMs);
        return { result: together, readWith: memory.subject };
      }
    }
    if (result.found && result.kind === 'sentence' && reading.subject && !reading.bare) {
      this.remember(key, reading.subject, now + this.options.ttlMs);
    }
    return { result };
  }
}
