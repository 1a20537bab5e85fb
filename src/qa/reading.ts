/**
 * The first stage: a question as typed → what it asks. Folded (script, width, case), cut into
 * clauses, colloquial words in Mandarin; its language; which clauses ask and which tell the story
 * around the question; chatter and a claim to check set apart. Also what a conversation needs to
 * know of a question (its subject, whether it points back).
 */
import type { Lang } from '../knowledge/schema.js';
import { detectLang, finishFold, foldPunctuated, MAX_QUESTION_CHARS } from '../text/normalize.js';
import { Lru } from './lru.js';
import { HAS_HAN, type Parts } from './parts.js';

/** Where a clause ends (captured, to tell a question mark): a question's clauses are read one by one. */
const CLAUSE_END = /([,，。!！?？;；\n]+|\.(?:\s|$))/u;
/** An English question word asks only among a clause's first words (how, tell me what, so where). */
const ENGLISH_QUESTION_WORDS_IN = 4;
const wordsBefore = (text: string, at: number): number => text.slice(0, at).split(/\s+/).filter(Boolean).length;
/** Longer questions are not cached (they are rarely asked twice, and would hold memory). */
export const MAX_CACHED_QUESTION = 200;

/** A clause of a question, read (folded, in Mandarin). */
export interface Clause {
  text: string;
  questionMark: boolean;
}

/** A question as read: its language, and its clauses. */
export interface Read {
  lang: Lang;
  /** Nothing was left after folding (spaces, punctuation). */
  empty: boolean;
  clauses: Clause[];
  /** The clauses joined by spaces. */
  text: string;
}

/** What is looked up of a question about the articles' content. */
export interface Asking {
  /** The clauses that ask or tell, joined by line breaks (a focus is never looked for across one), without chatter and claimed numbers. */
  text: string;
  /** The same with the claimed quantities (以前要三个月): what kind of thing a claim is about. */
  asAsked: string;
  /** Per clause: it tells the story around the question (我朋友前两年在天河落户…) rather than asks. */
  context: boolean[];
  /** The clause a place in `text` is in. */
  clauseOf: (at: number) => number;
  /** Small talk is part of it (can you help me): never a decline with choices. */
  chatter: boolean;
  /** A claim to check (真的假的). */
  claim: boolean;
}

/** What a question is about, for a conversation (Engine.reading). */
export interface Reading {
  subject: string;
  bare: boolean;
  pointsBack: boolean;
}

export class Reader {
  /** Recent readings (conversation.ts asks one for every question in a conversation). */
  private readonly readings = new Lru<string, Reading>(1_000);
  /** A number with its measure word (四百多项, 一个多月, 好几趟): in a claim to check, it is not looked up. */
  private readonly claimedQuantity: RegExp;

  constructor(private readonly parts: Parts) {
    const g = parts.knowledge.lexicon.grammar;
    this.claimedQuantity = new RegExp(`(?:\\d+(?:\\.\\d+)?|(?:${g.numeral}|[好几])+[多余来几]?个?(?:${g.classifier})[多余]?)`, 'gu');
  }

  /** The question read: its language and clauses. */
  read(question: string): Read {
    const converted = foldPunctuated(question.slice(0, MAX_QUESTION_CHARS));
    const folded = finishFold(converted);
    const detected = detectLang(question, folded);
    const lang: Lang = detected === 'other' ? 'zh-Hans' : detected;
    const clauses = this.clauses(converted);
    return { lang, empty: !folded, clauses, text: clauses.map((c) => c.text).join(' ') };
  }

  /**
   * The question's clauses (split at , 。 ? ! ;), each folded and with colloquial words in Mandarin,
   * and whether it ended with a question mark.
   */
  private clauses(converted: string): Clause[] {
    // One script conversion for the whole question; each clause is then finished as fold() does.
    const parts = converted.split(CLAUSE_END);
    const out: Clause[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const text = this.parts.analyzer.mandarin(finishFold(parts[i]!));
      if (text) out.push({ text, questionMark: /[?？]/.test(parts[i + 1] ?? '') });
    }
    return out;
  }

  /**
   * What a question is about, for a conversation (see conversation.ts): its subject (the words the
   * knowledge knows, in the asker's spelling: 琶洲驿站), whether it names no subject of its own (a bare
   * attribute: 能办多少项, which district), and whether it points back (它, 天河呢, it, what about).
   */
  reading(question: string): Reading {
    const cached = this.readings.get(question);
    if (cached) return cached;
    const { analyzer, index, intents } = this.parts;
    const { text } = this.read(question);
    const words = analyzer.analyze(text).filter((t) => t.kind === 'content' && index.matches(t).units.length > 0);
    const latin = words.filter((t) => !HAS_HAN.test(t.text));
    const han = words.filter((t) => HAS_HAN.test(t.text));
    // A lone character beside longer words is a verb or a particle of the question (琶洲驿站能办什么:
    // 办), not part of what it is about.
    const named = han.some((t) => [...t.text].length > 1) ? words.filter((t) => !HAS_HAN.test(t.text) || [...t.text].length > 1) : words;
    const subject = named.map((t) => t.text).join(latin.length ? ' ' : '');
    const bare = han.every((t) => [...t.text].length === 1) && latin.length <= 1 && !(han.length && latin.length);
    const reading = { subject, bare, pointsBack: intents.pointsBack(text) };
    if (question.length <= MAX_CACHED_QUESTION) this.readings.set(question, reading);
    return reading;
  }

  /**
   * A question about what the articles say, as it is looked up. In a message of several clauses,
   * those that only tell about the asker are left out, and those that do not ask are context: the
   * knowledge's words in them count, words it does not know do not (我朋友前两年在天河落户折腾了好久,现在是不是快多了).
   */
  asking(all: Clause[]): Asking {
    const { intents } = this.parts;
    const kept = all.length > 1 ? all.filter((c) => !this.isContext(c.text)) : all;
    const clauses = kept.length ? kept : all;
    const chatter = intents.hasChatter(clauses.map((c) => c.text).join(' '));
    const claim = intents.claim(clauses.map((c) => c.text).join(' ')) !== undefined;
    const asking = this.whichAsk(clauses);
    const context = asking.some(Boolean) ? asking.map((a) => !a) : asking.map(() => false);
    // A claim to check (真的假的, is it true): the numbers it claims are what to check, not what to
    // look up; a number the knowledge has (430) stays. Chatter (can you help me) is not the question.
    const texts = clauses.map((c) => {
      let t = intents.withoutChatter(c.text);
      if (claim) t = intents.claim(t) ?? t;
      // Same length, so that what was asked (以前要三个月) can still be read where the terms stand.
      if (claim) t = t.replace(this.claimedQuantity, (q) => (this.knowsNumber(q) ? q : ' '.repeat(q.length)));
      return t;
    });
    const asAsked = clauses.map((c, i) => (claim ? (intents.claim(intents.withoutChatter(c.text)) ?? intents.withoutChatter(c.text)) : texts[i])).join('\n');
    const clauseOf = (at: number): number => {
      let end = 0;
      for (let i = 0; i < texts.length; i++) {
        end += texts[i]!.length + 1;
        if (at < end) return i;
      }
      return texts.length - 1;
    };
    return { text: texts.join('\n'), asAsked, context, clauseOf, chatter, claim };
  }

  /**
   * Clauses that only tell about the asker (我开个小五金店的, I run a small shop): first person, and
   * nothing the knowledge knows. They are context, not part of the question.
   */
  private isContext(clause: string): boolean {
    const { analyzer, index, intents } = this.parts;
    if (!intents.isFirstPerson(clause)) return false;
    return analyzer.analyze(clause).every((t) => t.kind !== 'content' || index.matches(t).units.length === 0);
  }

  /**
   * Whether a clause asks: a question mark or a question word (多久, how). In English a question
   * word further in than the first few words joins a noun to what follows (an expat who has lived
   * here…): it does not ask.
   */
  private asks(clause: Clause): boolean {
    if (clause.questionMark) return true;
    return this.parts.analyzer.analyze(clause.text).some((t) => t.kind === 'question' && (HAS_HAN.test(t.text) || wordsBefore(clause.text, t.at) < ENGLISH_QUESTION_WORDS_IN));
  }

  /**
   * Which clauses of a message ask. When a clause that asks names what it asks about (现在是不是快多了,
   * is it any quicker these days), the others are the story around it (我朋友前两年在天河落户…, my buddy
   * said…). When it names nothing (真的假的, 靠谱吗, is that right), the claim or plan before it is the
   * question, and every clause counts.
   */
  private whichAsk(clauses: Clause[]): boolean[] {
    if (clauses.length === 1) return [true];
    const asks = clauses.map((c) => this.asks(c));
    const names = (c: Clause) => this.parts.analyzer.analyze(c.text).some((t) => t.kind !== 'question');
    return clauses.some((c, i) => asks[i] && names(c)) ? asks : clauses.map(() => true);
  }

  /** Whether the knowledge mentions the number in a quantity (430项: yes; 四百多项: no). */
  private knowsNumber(quantity: string): boolean {
    const digits = /\d+/.exec(quantity)?.[0];
    return digits !== undefined && this.parts.index.matches({ text: digits, kind: 'content', zh: [digits], en: [digits], at: 0, end: 0 }).units.length > 0;
  }
}
