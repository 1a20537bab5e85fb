/**
 * What kind of thing a question asks for (a fee, a date, a list, a count…; lexicon.json
 * `answerTypes`) and whether a sentence gives it. A sentence that speaks of the subject but does not
 * give what was asked makes a partial reply, never an answer: the station's sentence does not tell
 * its phone number, “三个零距离服务” counts the services but does not list them.
 *
 * Two checks look at the thing asked about, the focus (城市 in 哪些城市, cities in how many cities),
 * where the sentence holds it:
 * - count: a number stands next to it (9个城市, 约100项便民服务; 证明事项已达430项);
 * - list: the sentence lists things (A、B、C or “A”“B”) and, where it counts the focus, the list is
 *   attached to it (民生、交通、住房等约100项便民服务), not only the count (三个零距离服务, 128项事项).
 */
import type { AnswerType, Lexicon } from '../knowledge/schema.js';
import type { PerLang } from './types.js';
import { PhraseLists, Phrases, type Span } from '../text/phrases.js';
import { stem, type Term } from '../text/terms.js';

/** A kind of detail a question asks for, and what it asks about when the check needs it. */
export interface Asked {
  name: string;
  missing: PerLang;
  focus: Term | undefined;
  /** The focus follows the asking words (多少|城市: count them) rather than precedes them (减了|多少: an amount). */
  focusAfter: boolean;
  /** A preference: a unit that gives it is preferred, but one that does not is no partial reply. */
  soft: boolean;
}

/** What a candidate answer says: its sentence (and fact answer) in Simplified with punctuation. */
export interface Evidence {
  zh: string;
  /** The same cut at 、 , 。 ; (computed once, with the index). */
  parts: readonly string[];
}

/** Where a sentence's parts end: a detail in one part does not belong to what another part names. */
export const PART_END = /[、,，。；;]/;

/**
 * How far (in characters) the focus may stand from the words that ask about it: function words
 * between (的, 个, 具体是; of these) are dropped from the terms, so the next term is the candidate.
 */
const FOCUS_GAP = 12;

interface Rule {
  type: AnswerType;
  asksPlural: Phrases;
  asksPattern: RegExp | undefined;
  needs: RegExp | undefined;
}

/** An English noun in the plural (cities, services), not a word that only ends in s (process, has). */
const isPlural = (word: string): boolean => /[^su]s$/.test(word) && !/(?:ss|us|is)$/.test(word) && stem(word) !== word;
/** After "which/what + plural", a verb of the question follows (which cities are…): "what drives…" is not a noun. */
const AUXILIARY = /^ (?:are|were|do|does|did|can|could|will|would|should|have|has|had|is|was|must|might|may)\b/;


/** 等/的/这些 (and a few characters) just before the focus: what lists it ends here. */
const CONNECTOR_BEFORE = /(?:等|的|这些|类似的?)[^。！？；、,“”]{0,8}$/u;
/** An item of a list (…、住房、通关) just before the connector. */
const ITEMS_BEFORE = /、[^、。！？；,“”]{1,12}$/u;
/** After a quoted name: more quoted names, then 等 (“收审分离”“当天初审”“简化流程”等). */
const LISTED_AFTER = /^(?:“[^”]{1,12}”)*等/u;
/** Quoted names (“收审分离”“当天初审”) shortly before the focus. */
const QUOTES_BEFORE = /”“[^”]{1,20}”[^。！？；“”]{0,14}$/u;
/** 包括/有/: and a list right after the focus. */
const LIST_AFTER = /^[^。！？；]{0,4}(?:包括|有|为|是|即|:)[^。！？；]{0,20}[、”]/u;

/** The start of a list item (、…) shortly before a place, with no other separator between. */
const ITEM_START = /、[^、,，。；;：:]{0,10}$/u;
/** A share of a whole (九成, 98.6%, 一半): it says how many of them, as a count does. */
const SHARE = /\d+(?:\.\d+)?%|[一二两三四五六七八九十\d]成|一半|半数|过半|百分之/u;
/** A count of people, whatever they are called: 1200万, 53.2万户, 180万人次, 300名. */
const HEADCOUNT = /\d+(?:\.\d+)?万|\d+(?:人次|人|名|户|位)/u;
/** Words for people as a count's focus (群众, 市民, 居民). */
const PEOPLE = /^(?:群众|市民|民众|居民|百姓|老百姓|用户)$/u;
/** The rest of the part (up to 、 , 。 ;) after a place. */
const partAfter = (text: string, end: number): string => text.slice(end, end + 60).split(PART_END)[0]!;
/** How far (in characters) a sentence is looked at around a place: longer sentences are rare. */
const SENTENCE_WINDOW = 120;

/** Where each spelling stands in a text: [start, end) pairs, in order of the spellings. */
function occurrences(text: string, spellings: string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const z of spellings) for (let at = text.indexOf(z); at >= 0; at = text.indexOf(z, at + 1)) out.push([at, at + z.length]);
  return out;
}

export class AnswerTypes {
  private readonly rules: Rule[];
  /** Every type's asking words, scanned at once. */
  private readonly asks: PhraseLists;
  private readonly number: string;
  /** A number and measure word, then up to a few characters, at the end of a window: captures the gap. */
  private readonly numberBefore: RegExp;
  /** Up to a few characters, then a number, at the start of a window. */
  private readonly numberAfter: RegExp;
  private readonly anyNumber: RegExp;
  /** A number (and measure word) right before a place, at most two characters away (128项|事项). */
  private readonly numberRightBefore: RegExp;
  private readonly enumeration: RegExp;
  /** A number with its measure word at the start of a spelling (三个 in 三个零距离服务). */
  private readonly leadingNumber: RegExp;
  /** A term that is only a number (三, 128项): never the thing asked about. */
  private readonly quantity: RegExp;
  private readonly kindWords: Set<string>;
  private readonly numberWords: Set<string>;

  constructor(lexicon: Lexicon) {
    this.rules = lexicon.answerTypes.map((type) => ({
      type,
      asksPlural: new Phrases(type.asksPlural),
      asksPattern: type.asksPattern ? new RegExp(type.asksPattern, 'u') : undefined,
      needs: type.needs ? new RegExp(type.needs, 'u') : undefined,
    }));
    this.asks = new PhraseLists(lexicon.answerTypes.map((t) => t.asks));
    const g = lexicon.grammar;
    this.number = `(?:${g.numeral})(?:${g.classifier})?`;
    this.numberBefore = new RegExp(`${this.number}([^。！？；,]{0,4})$`, 'u');
    this.numberAfter = new RegExp(`^[^。！？；,]{0,6}${this.number}`, 'u');
    this.anyNumber = new RegExp(this.number, 'u');
    this.numberRightBefore = new RegExp(`${this.number}[^、。！？；,]{0,2}$`, 'u');
    this.enumeration = new RegExp(g.enumeration, 'u');
    this.leadingNumber = new RegExp(`^(?:${g.numeral})(?:${g.classifier})`, 'u');
    this.quantity = new RegExp(`^(?:${g.numeral})(?:${g.classifier})?$`, 'u');
    this.kindWords = new Set(g.kindWords.map((w) => w.toLowerCase()));
    this.numberWords = new Set(g.numberWords.map((w) => w.toLowerCase()));
  }

  /** The kinds of detail the question (folded, in Mandarin) asks for, with their focus. */
  asked(text: string, terms: Term[]): Asked[] {
    const out: Asked[] = [];
    const firsts = this.asks.first(text);
    /** Which clause (clauses are joined by line breaks) a place is in. */
    const breaks: number[] = [];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
    const clauseOf = (at: number) => {
      let c = 0;
      while (c < breaks.length && breaks[c]! < at) c++;
      return c;
    };
    for (const [r, rule] of this.rules.entries()) {
      const first = firsts[r];
      let span: Span | undefined = first;
      const m = rule.asksPattern?.exec(text);
      if (m && (!span || m.index < span.at)) span = { at: m.index, end: m.index + m[0].length, pattern: true };
      // "which/what + plural noun + verb" (which overseas cities does…): the plural noun is the focus.
      let plural: Term | undefined;
      if (rule.asksPlural.size) {
        for (const s of rule.asksPlural.find(text)) {
          for (let i = terms.findIndex((t) => t.at >= s.end); i >= 0 && i < terms.length && terms[i]!.kind !== 'question'; i++) {
            const t = terms[i]!;
            // what percentage of … services: the noun after "of" is not what "what" asks for.
            if (/\bof\b/.test(text.slice(s.end, t.at))) break;
            if (!this.isThing(t)) continue;
            if (isPlural(t.text.split(' ').pop()!) && AUXILIARY.test(text.slice(t.end))) {
              plural = t;
              if (!span || s.at < span.at) span = s;
              break;
            }
          }
          if (plural) break;
        }
      }
      if (!span) continue;
      let focus: { term: Term; after: boolean } | undefined;
      if (plural) focus = { term: plural, after: true };
      else if (rule.type.check) {
        // The focus is looked for within the asking clause only.
        const here = clauseOf(span.at);
        focus = this.focusOf(span, breaks.length ? terms.filter((t) => clauseOf(t.at) === here) : terms);
      }
      out.push({ name: rule.type.name, missing: rule.type.missing, focus: focus?.term, focusAfter: focus?.after ?? false, soft: rule.type.soft });
    }
    return out;
  }

  /**
   * The first asked kind the evidence does not give, or undefined when it gives them all.
   * @param terms the question's terms: a "near" kind must be given beside one of them
   */
  missing(asked: Asked[], evidence: Evidence, terms: Term[]): Asked | undefined {
    return asked.find((a) => !this.gives(a, evidence, terms));
  }

  private gives(asked: Asked, evidence: Evidence, terms: Term[]): boolean {
    const rule = this.rules.find((r) => r.type.name === asked.name)!;
    if (rule.needs && !rule.needs.test(evidence.zh)) return false;
    if (rule.needs && rule.type.near && !this.near(rule.needs, terms, evidence)) return false;
    if (rule.type.check === 'count') return this.counts(asked.focusAfter ? asked.focus : undefined, evidence);
    if (rule.type.check === 'list') return this.lists(asked.focus, evidence);
    if (rule.type.check === 'explains') return this.explains(asked.focus, evidence);
    return true;
  }

  /**
   * Whether `needs` matches in a part of the evidence (between 、 , 。 ;) that holds one of the
   * question's words: 10个工作日可领入户卡 gives a time for 入户卡, not for 卫生审批.
   */
  private near(needs: RegExp, terms: Term[], evidence: Evidence): boolean {
    const words = terms.filter((t) => t.kind === 'content').flatMap((t) => t.zh.filter((z) => z.length > 1));
    if (words.length === 0) return true;
    const parts = evidence.parts;
    const named = parts.filter((p) => words.some((z) => p.includes(z)));
    return named.length === 0 || named.some((p) => needs.test(p));
  }

  /**
   * Whether the evidence explains the focus rather than only naming it as one item of a list of
   * quoted names (实施“收审分离”“当天初审”“简化流程”等优化措施 names 收审分离; 精细,即措施更精细 explains 精细).
   */
  private explains(focus: Term | undefined, evidence: Evidence): boolean {
    const zh = focus ? this.spellings(focus) : [];
    if (zh.length === 0) return true;
    const text = evidence.zh;
    const places = occurrences(text, zh);
    const listed = places.filter(([at, end]) => text[at - 1] === '“' && text[end] === '”' && LISTED_AFTER.test(text.slice(end + 1, end + 80)));
    return places.length === 0 || listed.length < places.length || /即|是指|就是|意思是|所谓/.test(text);
  }

  /**
   * The thing asked about: the term right after the asking words (哪些|城市, how many|cities), else
   * the term right before them (服务|有哪些), with only function words between. Question words and
   * numbers are not a focus; a word for a kind of thing passes it on (哪些|类型|的|业务 → 业务).
   */
  private focusOf(span: Span, terms: Term[]): { term: Term; after: boolean } | undefined {
    if (span.pattern) {
      const inside = terms.find((t) => this.isThing(t) && t.at >= span.at && t.end <= span.end);
      if (inside) return { term: inside, after: true };
    }
    // After the asking words: the next term, past numbers and words for a kind of thing (9 | cities, 类型 | 的 | 业务).
    let end = span.end;
    for (let i = terms.findIndex((t) => t.at >= span.end); i >= 0 && i < terms.length && terms[i]!.at <= end + FOCUS_GAP; i++) {
      const t = terms[i]!;
      if (t.kind === 'question') break;
      if (this.isThing(t) && !this.kindWords.has(t.text)) return { term: t, after: true };
      end = t.end;
    }
    const before = terms.filter((t) => t.end <= span.at);
    const last = before[before.length - 1];
    return last && this.isThing(last) && !this.kindWords.has(last.text) && last.end >= span.at - FOCUS_GAP ? { term: last, after: false } : undefined;
  }

  /** Question words and numbers are never the thing asked about. */
  private isThing(t: Term): boolean {
    return t.kind !== 'question' && !this.quantity.test(t.text) && !this.numberWords.has(t.text);
  }

  /** The focus's Chinese spellings, without a leading count (三个零距离服务 → 零距离服务). */
  private spellings(focus: Term): string[] {
    return focus.zh.map((z) => z.replace(this.leadingNumber, '')).filter((z) => z.length > 0);
  }

  /** Whether a number (with its measure word) stands just before a place, or just after it. */
  private countedAt(text: string, at: number, end: number, gapBefore: number, after: boolean): boolean {
    const before = this.numberBefore.exec(text.slice(Math.max(0, at - gapBefore - 12), at));
    if (before && before[1]!.length <= gapBefore) return true;
    return after && this.numberAfter.test(text.slice(end, end + 20));
  }

  /** A number counts the focus (多少|城市 → 9个城市); with no focus after the asking words (减了|多少), any number does. */
  private counts(focus: Term | undefined, evidence: Evidence): boolean {
    const zh = focus ? this.spellings(focus) : [];
    if (zh.length === 0) return this.anyNumber.test(evidence.zh);
    // People are counted under many names (用户, 人次, 户): a head count answers for them, wherever
    // the sentence also names them (天府市民云 is an app's name, not a count of 市民).
    if (zh.some((z) => z.includes('人') || PEOPLE.test(z)) && HEADCOUNT.test(evidence.zh)) return true;
    const places = occurrences(evidence.zh, zh);
    // A one-character spelling (区) may be part of another word (市区两级): only a number before it counts it.
    // A share beside it says how many of them (全程网办设立的占比超过九成).
    return places.some(([at, end]) => this.countedAt(evidence.zh, at, end, 4, end - at > 1) || (end - at > 1 && SHARE.test(partAfter(evidence.zh, end))));
  }

  /** Whether a list (、 or ”“) stands in the same sentence as a place (a lead's next sentence is another). */
  private listedBeside(text: string, at: number, end: number): boolean {
    const before = text.slice(Math.max(0, at - SENTENCE_WINDOW), at);
    const head = before.slice(Math.max(...[...'。！？!?'].map((c) => before.lastIndexOf(c))) + 1);
    const tail = text.slice(end, end + SENTENCE_WINDOW).split(/[。！？!?]/u)[0]!;
    return this.enumeration.test(head) || this.enumeration.test(tail);
  }

  private lists(focus: Term | undefined, evidence: Evidence): boolean {
    const text = evidence.zh;
    if (!this.enumeration.test(text)) return false;
    if (!focus) return true;
    const zh = this.spellings(focus);
    // Where the sentence does not name the focus, the asker's word may be a synonym it does not know.
    const places = occurrences(text, zh);
    if (places.length === 0) return true;
    // The focus is itself an item of the list (学历证明、无犯罪记录证明、租房证明), unless it is counted
    // there as one thing (、“三个零距离服务”: a name, not its items).
    const item = ([at, end]: [number, number]) =>
      (text[end] === '、' || ITEM_START.test(text.slice(Math.max(0, at - 11), at))) && !this.numberRightBefore.test(text.slice(Math.max(0, at - 14), at));
    if (places.some(item)) return true;
    // Named but not counted: the list must stand beside it (更精细、更精简、更精准 for 三个“精”), not elsewhere.
    if (!places.some(([at, end]) => this.countedAt(text, at, end, 2, true))) return places.some(([at, end]) => this.listedBeside(text, at, end));
    // Counted: the list must be attached to it: items and 等/的 right before it (民生、交通、住房、
    // 通关等约100项便民服务; “收审分离”“当天初审”等优化措施), or 包括/: right after it. Each place the
    // focus stands is looked at through short windows, so that no pattern backtracks over the sentence.
    for (const [at, end] of places) {
      const before = text.slice(Math.max(0, at - 40), at);
      const connector = CONNECTOR_BEFORE.exec(before);
      if (connector && ITEMS_BEFORE.test(before.slice(0, connector.index))) return true;
      if (QUOTES_BEFORE.test(before)) return true;
      if (LIST_AFTER.test(text.slice(end, end + 30))) return true;
    }
    return false;
  }

}
