/**
 * What a message is, before it is looked up: a command or small talk (help, not a quote), a
 * question about an article itself (its metadata), or a claim to check (真的假的). All from
 * lexicon.json: `greetings`, `chatter`, `metaQuestions`, `verification`.
 */
import type { Lexicon, MetaField } from '../knowledge/schema.js';
import { MAX_QUESTION_CHARS } from '../text/normalize.js';
import { PhraseLists, Phrases, type Span } from '../text/phrases.js';
import type { Analyzer } from '../text/terms.js';

/** `/start`, `/help@bot`, `--help`, `-h`: typed at a bot or a command line. */
const COMMAND = /^\s*(?:[/／][\p{L}\p{N}_]|--?[a-z])/iu;
/** Sums to work out (1+1, 3×4): small talk, whatever numbers an article holds. */
const ARITHMETIC = /\d\s*[+*×÷＋]\s*\d/u;

export interface MetaQuestion {
  field: MetaField;
  /** The rest of the question (which article it is about, if it says). */
  rest: string;
  /** Asked in words that may be about something else (什么时候出的): a sentence that answers wins. */
  weak: boolean;
}

export class Intents {
  private readonly chatter: Phrases;
  private readonly longChatter: Phrases;
  private readonly offTopic: Phrases;
  private readonly verification: Phrases;
  private readonly articleWords: Phrases;
  private readonly firstPerson: Phrases;
  private readonly followUp: Phrases;
  /** Per metadata field: its phrases, weak phrases and cues, as lists 3i, 3i+1, 3i+2 of one scan. */
  private readonly metaFields: MetaField[];
  private readonly metaLists: PhraseLists;
  private readonly metaPhrases: Phrases[];
  /** A count (两位, 几个, two): in 责编是哪两位 it asks how many, not about anything else. */
  private readonly quantity: RegExp;
  private readonly numberWords: Set<string>;

  constructor(
    lexicon: Lexicon,
    private readonly analyzer: Analyzer,
  ) {
    // Phrases are matched in the text as the analyzer leaves it: folded, colloquial words in Mandarin.
    const phrases = (list: string[]) => new Phrases(list, (f) => analyzer.mandarin(f));
    this.chatter = phrases(lexicon.chatter);
    this.longChatter = phrases(lexicon.chatter.filter((p) => /\s/.test(p.trim()) || /^\p{Script=Han}{2,}$/u.test(p)));
    this.offTopic = phrases(lexicon.offTopic);
    this.verification = phrases(lexicon.verification);
    this.articleWords = phrases(lexicon.metaQuestions.articleWords);
    this.firstPerson = phrases(lexicon.firstPerson);
    this.followUp = phrases(lexicon.followUp);
    const fields = lexicon.metaQuestions.fields;
    this.metaFields = fields.map((f) => f.field);
    const lists = fields.flatMap((f) => [f.phrases, f.weak, f.cues]);
    this.metaLists = new PhraseLists(lists, (f) => analyzer.mandarin(f));
    this.metaPhrases = lists.map((l) => phrases(l));
    const g = lexicon.grammar;
    this.quantity = new RegExp(`^(?:${g.numeral})?(?:${g.classifier})?$`, 'u');
    this.numberWords = new Set(g.numberWords.map((w) => w.toLowerCase()));
  }

  /** Whether nothing in the text asks about anything: only function and question words remain. */
  private isEmpty(text: string): boolean {
    return this.analyzer.analyze(text).every((t) => t.kind === 'question');
  }

  /** Whether the text only asks (who, 哪) or how many (两位, two): beside a cue (责编), it names nothing else. */
  private onlyAsks(text: string): boolean {
    return this.analyzer.analyze(text).every((t) => t.kind === 'question' || this.quantity.test(t.text) || this.numberWords.has(t.text));
  }

  /**
   * 'greeting', 'thanks' or 'farewell' for hello, thanks and goodbye, 'help' for commands, requests
   * for help and small talk with nothing else in them; undefined for anything that may be a question.
   *
   * @param raw the message as typed (commands are recognised by their slash or dashes)
   * @param text the message folded and in Mandarin (Analyzer.mandarin)
   */
  classify(raw: string, text: string): 'greeting' | 'thanks' | 'farewell' | 'help' | undefined {
    // What the engine reads of a question, no more: the raw text may be any length.
    const head = raw.length > MAX_QUESTION_CHARS ? raw.slice(0, MAX_QUESTION_CHARS) : raw;
    if (COMMAND.test(head) || ARITHMETIC.test(head)) return 'help';
    if (this.analyzer.isGreeting(text)) return this.analyzer.courtesy(text);
    const rest = this.offTopic.remove(this.chatter.remove(text));
    if (rest !== text && this.isEmpty(rest)) return 'help';
    return undefined;
  }

  /**
   * The text without chatter (can you help me, 你是谁): what is left is the question. One English
   * word (start, help, menu) may belong to the question itself, so only longer phrases go.
   */
  withoutChatter(text: string): string {
    return this.longChatter.remove(text);
  }

  /** Where small-talk topics stand (天气, tomorrow): no word there may match the knowledge. */
  offTopicSpans(text: string): Span[] {
    return this.offTopic.find(text);
  }

  /** Whether a question points back at what was just asked about (它, 那个, 天河呢, it, what about). */
  pointsBack(text: string): boolean {
    return this.followUp.test(text) || /呢\s*$/u.test(text);
  }

  /** Whether a clause speaks of the asker (我, my): it may be context rather than question. */
  isFirstPerson(text: string): boolean {
    return this.firstPerson.test(text);
  }

  /** Whether the text holds small talk at all (天气, who are you): a decline then offers help. */
  hasChatter(text: string): boolean {
    return this.chatter.test(text) || this.offTopic.test(text);
  }

  /**
   * A question about an article itself: a phrase that asks for a field (谁写的, which newspaper), or
   * a word naming it (作者, headline) with nothing else to ask about.
   */
  metaQuestion(text: string): MetaQuestion | undefined {
    const found = this.metaLists.first(text);
    const without = (list: number) => this.articleWords.remove(this.metaPhrases[list]!.remove(text));
    for (const [i, field] of this.metaFields.entries()) {
      if (found[3 * i]) return { field, rest: without(3 * i), weak: false };
    }
    const weak = this.metaFields.findIndex((_, i) => found[3 * i + 1]);
    for (const [i, field] of this.metaFields.entries()) {
      // A cue (published) gives way to a phrase of another field (who published).
      if (weak >= 0 && weak !== i) continue;
      if (found[3 * i + 2] && this.onlyAsks(without(3 * i + 2))) return { field, rest: '', weak: false };
    }
    return weak >= 0 ? { field: this.metaFields[weak]!, rest: without(3 * weak + 1), weak: true } : undefined;
  }

  /**
   * The claim inside a request to check it (群里有人说广州砍了四百多项证明，真的假的 → 广州砍了四百多项证明),
   * or undefined when the text does not ask to check anything.
   */
  claim(text: string): string | undefined {
    return this.verification.test(text) ? this.verification.remove(text) : undefined;
  }
}
