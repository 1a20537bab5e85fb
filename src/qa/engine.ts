/**
 * The question-answering engine: a small facade over the unit index (unit-index.ts), the term
 * weights (weights.ts), the ranker (ranker.ts) and the result builders (results.ts). It knows nothing
 * about Telegram: every door (bot, inline mode, terminal chat, `ask --jsonl`, announcements) calls
 * `answer(question)` and renders the result with render.ts.
 *
 * A question is cut into terms (text/terms.ts); each term weighs by how rare it is in the knowledge
 * (words the knowledge does not know weigh a lot, question words little). A unit's score is the
 * share of the question's weight it matches, so a question about something the article never
 * mentions cannot reach the threshold however many common words it shares: that is what makes
 * declines honest.
 */
import type { Knowledge } from '../knowledge/load.js';
import { LANGS, type Fact, type Lang } from '../knowledge/schema.js';
import { detectLang, finishFold, fold, foldPunctuated, MAX_QUESTION_CHARS, simplify } from '../text/normalize.js';
import { Analyzer, type Term } from '../text/terms.js';
import { Lru } from './lru.js';
import { resolveOptions, type EngineOptions } from './options.js';
import { Phrasings } from './phrasings.js';
import { Ranker, type Ranking, type Weigh } from './ranker.js';
import { ArticleNames, checked, everyArticleAnswer, metaAnswer, papers, type Mention } from './source-answers.js';
import { clauseAnswer, quotedOf, sourceOf, subjectOf, suggestionOf, suggestionsFrom } from './results.js';
import { ChoiceFinder, RANKED_MIN_SHARE, type Ranked } from './choices.js';
import { AnswerTypes, PART_END, type Asked, type Evidence } from './answer-types.js';
import { Intents, type MetaQuestion } from './intents.js';
import type { Choice, Declined, DeclineReason, Found, MetaAnswer, NotFound, ParagraphContext, PartialAnswer, PerLang, Result, SentenceAnswer, SourceRef, Suggestion } from './types.js';
import { UnitIndex, type Matches } from './unit-index.js';
import { isForeign, termWeight, weighingIn, type WeightContext } from './weights.js';

export type * from './types.js';
export type { EngineOptions } from './options.js';

/** Where a clause ends (captured, to tell a question mark): a question's clauses are read one by one. */
const CLAUSE_END = /([,，。!！?？;；\n]+|\.(?:\s|$))/u;

/** A clause of a question, read (folded, in Mandarin). */
interface Clause {
  text: string;
  questionMark: boolean;
}
/** Terms beyond this many are ignored (a question is a sentence, not an essay); must stay below 64. */
const MAX_TERMS = 48;
const HAS_HAN = /\p{Script=Han}/u;
/** An English question word asks only among a clause's first words (how, tell me what, so where). */
const ENGLISH_QUESTION_WORDS_IN = 4;
const wordsBefore = (text: string, at: number): number => text.slice(0, at).split(/\s+/).filter(Boolean).length;
/**
 * Weight of the knowledge's words in a clause that does not ask (我是学生,在写关于“放管服”的论文。…动力来自哪里?):
 * they say what the question is about, less than the question itself does.
 */
const CONTEXT_FACTOR = 0.5;
/** How much lower than the best a unit may score and still answer when the best does not give what is asked. */
const RUNNER_UP_MARGIN = 0.2;
/** A fact of the answer's sentence this close to it may answer instead when its own short answer gives what is asked. */
const FACT_MARGIN = 0.05;
/** Units looked at when the best one does not give what is asked. */
const MAX_RUNNERS_UP = 12;
/** Longer questions are not cached (they are rarely asked twice, and would hold memory). */
const MAX_CACHED_QUESTION = 200;
/** How much of a declined question a fact must match (its score) to be suggested. */
const RELATED_MIN_SCORE = 0.35;
/** A fact is about a keyword when at least this share of its phrasings name it. */
const KEYWORD_SHARE = 0.5;
/** How close (fuse.js score) a fact's phrasing must be to a declined question to be suggested. */
const RELATED_MAX_SCORE = 0.3;
/**
 * Declined questions this short (folded) are compared with the phrasings, against this many of
 * them: fuzzy matching is for short strings, and a long question's close facts are the ranking's.
 */
const RELATED_MAX_CHARS = 24;
const RELATED_CANDIDATES = 16;

/** Everything one question went through: what answer(), search() and explain() each read from. */
interface Query {
  result: Result;
  terms: Term[];
  matched: Matches[];
  weights: number[];
  /** Undefined when the question never reached the ranking (empty, a greeting). */
  ranking: Ranking | undefined;
  /** What was looked up: the question folded, in Mandarin, without context clauses and claimed numbers. */
  text?: string;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** What a question is about, for a conversation (Engine.reading). */
export interface Reading {
  subject: string;
  bare: boolean;
  pointsBack: boolean;
}

export class Engine {
  readonly knowledge: Knowledge;
  readonly sources: SourceRef[];
  private readonly options: Required<EngineOptions>;
  private readonly index: UnitIndex;
  private readonly analyzer: Analyzer;
  private readonly ranker: Ranker;
  private readonly weightContext: WeightContext;
  private readonly keyFactList: Fact[];
  private readonly keyFactIds: ReadonlySet<string>;
  /** Recent readings (conversation.ts asks one for every question in a conversation). */
  private readonly readings = new Lru<string, Reading>(1_000);
  /** Every fact's question phrasings, for fuzzy matching of short texts (suggestions, inline typing). */
  private readonly phrasings: Phrasings;
  private readonly answers: Lru<string, Result>;
  private readonly intents: Intents;
  private readonly articleNames: ArticleNames;
  private readonly answerTypes: AnswerTypes;
  /** A number with its measure word (四百多项, 一个多月, 好几趟): in a claim to check, it is not looked up. */
  private readonly claimedQuantity: RegExp;
  /** Words that name a place (see placesOf): a question naming one is about the articles that name it. */
  private readonly placeWords: Set<string>;
  /** Each article's own rarity scale (see weighingIn). */
  private readonly articleContext: WeightContext[];
  /** "Did you mean" choices for questions without a confident answer. */
  private readonly choiceFinder: ChoiceFinder;

  constructor(knowledge: Knowledge, options: EngineOptions = {}) {
    this.knowledge = knowledge;
    this.options = resolveOptions(options);
    this.sources = knowledge.articles.map(sourceOf);
    this.keyFactList = knowledge.articles.flatMap((k) => k.facts.filter((f) => f.key));
    this.keyFactIds = new Set(this.keyFactList.map((f) => f.id));
    this.phrasings = new Phrasings(knowledge.articles.flatMap((k) => k.facts));
    this.index = new UnitIndex(knowledge);
    this.analyzer = new Analyzer({
      ...knowledge,
      dictionaries: knowledge.articles.flatMap((k, article) => (k.dictionary ? [{ ...k.dictionary, article }] : [])),
      quotedNames: knowledge.articles.flatMap((k, article) =>
        k.article.paragraphs.flatMap((p) => p.sentences.flatMap((s) => [...s.text.matchAll(/[“「]([^”」]+)[”」]/gu)].map((m) => ({ text: m[1]!, article })))),
      ),
      chineseTexts: this.index.chineseTexts(),
      articleCount: knowledge.articles.length,
      englishWords: this.index.englishWords,
      englishStems: this.index.englishStems(),
    });
    this.ranker = new Ranker(this.index, this.options.threshold, this.options.maxSuggestions);
    this.weightContext = {
      sentenceCount: this.index.sentenceCount,
      articleCount: knowledge.articles.length,
      unknownWeight: this.options.unknownWeight,
      elsewhereWeight: this.options.elsewhereWeight,
    };
    this.articleContext = Array.from(this.index.articleSentences, (n) => ({ ...this.weightContext, sentenceCount: n, articleCount: 1 }));
    this.answers = new Lru(this.options.cacheSize);
    this.intents = new Intents(knowledge.lexicon, this.analyzer);
    this.articleNames = new ArticleNames(knowledge.articles.map((k, a) => ({ meta: k.article.meta, source: this.sources[a]! })));
    this.answerTypes = new AnswerTypes(knowledge.lexicon);
    this.placeWords = placesOf(knowledge);
    this.choiceFinder = new ChoiceFinder(knowledge, this.index);
    const g = knowledge.lexicon.grammar;
    this.claimedQuantity = new RegExp(`(?:\\d+(?:\\.\\d+)?|(?:${g.numeral}|[好几])+[多余来几]?个?(?:${g.classifier})[多余]?)`, 'gu');
  }

  /**
   * The answer to one question: a quoted sentence or a metadata field (`found: true`), a partial
   * reply, or a decline with suggestions. Never throws, whatever the text.
   *
   * ```ts
   * const result = engine.answer('天河落户要多久');
   * if (result.found && result.kind === 'sentence') console.log(result.quote, result.source.publication);
   * ```
   */
  answer(question: string): Result {
    const cached = this.answers.get(question);
    if (cached) return cached;
    const { result } = this.query(question);
    if (question.length <= MAX_CACHED_QUESTION) this.answers.set(question, result);
    return result;
  }

  /**
   * Up to `limit` different answers for a question, best first (inline mode shows several): every
   * unit over the threshold, one per sentence. A question without an answer gets none.
   *
   * ```ts
   * engine.search('天河', 5).map((r) => r.kind === 'sentence' ? r.sentenceId : r.field);
   * ```
   */
  search(question: string, limit: number): Found[] {
    const { result: first, ranking } = this.query(question);
    if (!first.found || !ranking) return [];
    const { units } = this.index;
    // One result per fact, and a bare sentence only when none of its facts is shown.
    const keys = (u: number): string[] => {
      const unit = units[u]!;
      const sentence = `s:${unit.article}:${unit.sentence.id}`;
      return unit.fact ? [`f:${unit.article}:${unit.fact.id}`, sentence] : [sentence];
    };
    const seen = new Set<string>();
    const out: Found[] = [];
    const take = (u: number, result: Found) => {
      const [own] = keys(u);
      if (seen.has(own!)) return;
      for (const k of keys(u)) seen.add(k);
      out.push(result);
    };
    take(ranking.best, first);
    // The best few that pass, facts first among equals, kept in order as they come (at a thousand
    // articles thousands of units are touched: no sort of them all). A few more than `limit`: some
    // are the same fact or sentence as one taken.
    const { isFact } = this.index;
    const before = (x: { u: number; score: number }, y: { u: number; score: number }) => x.score > y.score || (x.score === y.score && isFact[x.u]! > isFact[y.u]!);
    const keep = limit * 4;
    const candidates: { u: number; score: number }[] = [];
    ranking.touched.forEach((u, i) => {
      const c = { u, score: ranking.scores[i]! };
      if (u === ranking.best || c.score < 0) return;
      if (candidates.length === keep && !before(c, candidates[keep - 1]!)) return;
      if (!this.passes(u)) return;
      let at = candidates.length;
      while (at > 0 && before(c, candidates[at - 1]!)) at--;
      candidates.splice(at, 0, c);
      if (candidates.length > keep) candidates.pop();
    });
    for (const { u, score } of candidates) {
      if (out.length >= limit) break;
      take(u, this.found(u, round(score), first.lang, []));
    }
    return out;
  }

  /**
   * For maintainers (`ask --explain`): what the question was read as (folded, in Mandarin), its
   * terms with their weights, the kinds of detail it asks for, the best units, and the outcome.
   */
  explain(question: string): {
    text: string;
    terms: { text: string; kind: string; weight: number; alts: string[] }[];
    asks: string[];
    top: { unit: string; score: number }[];
    outcome: string;
  } {
    const { result } = this.query(question);
    const { terms, weights, ranking, text } = this.lookUp(this.read(question), result.lang);
    const described = terms.map((t, i) => ({ text: t.text, kind: t.kind, weight: round(weights[i]!), alts: [...t.zh, ...t.en].slice(0, 8) }));
    const asks = this.answerTypes.asked(text ?? '', terms).map((a) => (a.focus ? `${a.name} (${a.focus.text})` : a.name));
    const top = (ranking?.touched ?? [])
      .map((u, i) => ({ u, score: ranking!.scores[i]! }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 5)
      .map(({ u, score }) => {
        const unit = this.index.units[u]!;
        return { unit: unit.fact ? `fact ${unit.fact.id}` : `sentence ${unit.sentence.id}`, score: round(score) };
      });
    const outcome = result.kind === 'declined' ? `declined: ${result.reason}` : result.kind === 'partial' ? `partial: ${result.missing}` : result.kind;
    return { text: text ?? '', terms: described, asks, top, outcome };
  }

  /**
   * The question's clauses (split at , 。 ? ! ;), each folded and with colloquial words in Mandarin,
   * and whether it ended with a question mark.
   */
  private read(question: string, converted = foldPunctuated(question.slice(0, MAX_QUESTION_CHARS))): Clause[] {
    // One script conversion for the whole question; each clause is then finished as fold() does.
    const parts = converted.split(CLAUSE_END);
    const out: Clause[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const text = this.analyzer.mandarin(finishFold(parts[i]!));
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
    const reading = this.readingUncached(question);
    if (question.length <= MAX_CACHED_QUESTION) this.readings.set(question, reading);
    return reading;
  }

  private readingUncached(question: string): Reading {
    const text = this.read(question)
      .map((c) => c.text)
      .join(' ');
    const words = this.analyzer.analyze(text).filter((t) => t.kind === 'content' && this.index.matches(t).units.length > 0);
    const latin = words.filter((t) => !HAS_HAN.test(t.text));
    const han = words.filter((t) => HAS_HAN.test(t.text));
    const subject = words.map((t) => t.text).join(latin.length ? ' ' : '');
    const bare = han.every((t) => [...t.text].length === 1) && latin.length <= 1 && !(han.length && latin.length);
    return { subject, bare, pointsBack: this.intents.pointsBack(text) };
  }

  /** The one query path: fold, recognise, analyze, weigh, rank, decide. */
  private query(question: string): Query {
    const converted = foldPunctuated(question.slice(0, MAX_QUESTION_CHARS));
    const folded = finishFold(converted);
    const detected = detectLang(question, folded);
    const lang: Lang = detected === 'other' ? 'zh-Hans' : detected;
    const none = { terms: [], matched: [], weights: [], ranking: undefined };
    if (!folded) return { ...none, result: this.declined('empty', [], 0, lang) };
    const clauses = this.read(question, converted);
    const text = clauses.map((c) => c.text).join(' ');
    const intent = this.intents.classify(question, text);
    if (intent) return { ...none, result: this.declined(intent, [], 0, lang) };
    const check = this.articleNames.check(text);
    if (check && this.namesNothing(check.rest)) return this.checkQuery(check, lang);
    // 杭州日报那篇是谁写的, when was the Hangzhou article published: that article's field.
    const named = this.articleNames.mention(text);
    const metaOfNamed = named && this.intents.metaQuestion(named.rest);
    if (metaOfNamed && (!metaOfNamed.weak || this.namesNothing(metaOfNamed.rest))) return this.metaQuery(metaOfNamed, lang, named.article);
    const meta = this.intents.metaQuestion(text);
    if (meta && !meta.weak) return this.metaQuery(meta, lang);
    const answered = this.keyword(text, this.lookUp(clauses, lang));
    // Asked in words that may be about something the article mentions (the title of the report):
    // the article's own field only when the rest of the question names nothing the knowledge knows.
    const aboutArticle =
      meta &&
      !answered.result.found &&
      (this.articleNamed(meta.rest) >= 0 || this.namesNothing(meta.rest));
    return meta && aboutArticle ? this.metaQuery(meta, lang) : answered;
  }

  /**
   * A bare keyword (琶洲, 减证便民, Nansha) asks what the knowledge says about it: the fact about it,
   * not whichever detail of a sentence naming it scored best.
   */
  private keyword(text: string, answered: Query): Query {
    const { result, terms } = answered;
    if (!result.found || result.kind !== 'sentence' || terms.length !== 1 || terms[0]!.kind !== 'content') return answered;
    const naming = this.phrasings.naming(text);
    const central = this.centralFact(naming) ?? this.keyFactOfSentence(result.source.articleId, result.sentenceId, naming);
    if (!central || central === result.factId) return answered;
    const fact = this.answerFact(central, result.lang);
    return fact ? { ...answered, result: { ...fact, score: result.score } } : answered;
  }

  /**
   * Among the facts whose phrasings name a keyword, the ones about it (at least KEYWORD_SHARE of their
   * phrasings name it): a key fact among them, else the one with the largest share, the first in the
   * article among equals.
   */
  private centralFact(naming: { factId: string; share: number }[]): string | undefined {
    const about = naming.filter((n) => n.share >= KEYWORD_SHARE);
    const key = about.find((n) => this.keyFactIds.has(n.factId));
    if (key || !about.length) return key?.factId;
    const sentenceOf = (id: string) => this.index.units[this.index.factUnit.get(id)!]!.sentenceUnit;
    return about.filter((n) => n.share === about[0]!.share).reduce((a, n) => (sentenceOf(n.factId) < sentenceOf(a.factId) ? n : a)).factId;
  }

  /** A key fact of a sentence whose phrasings name the keyword (`naming`), not the detail that scored best. */
  private keyFactOfSentence(articleId: string, sentenceId: string, naming: { factId: string }[]): string | undefined {
    const named = new Set(naming.map((n) => n.factId));
    const article = this.knowledge.articles.find((k) => k.article.id === articleId);
    return article?.facts.find((f) => f.sentence === sentenceId && this.keyFactIds.has(f.id) && named.has(f.id))?.id;
  }

  /**
   * Clauses that only tell about the asker (我开个小五金店的, I run a small shop): first person, and
   * nothing the knowledge knows. They are context, not part of the question.
   */
  private isContext(clause: string): boolean {
    if (!this.intents.isFirstPerson(clause)) return false;
    return this.analyzer.analyze(clause).every((t) => t.kind !== 'content' || this.index.matches(t).units.length === 0);
  }

  /**
   * Whether a clause asks: a question mark or a question word (多久, how). In English a question
   * word further in than the first few words joins a noun to what follows (an expat who has lived
   * here…): it does not ask.
   */
  private asks(clause: Clause): boolean {
    if (clause.questionMark) return true;
    return this.analyzer.analyze(clause.text).some((t) => t.kind === 'question' && (HAS_HAN.test(t.text) || wordsBefore(clause.text, t.at) < ENGLISH_QUESTION_WORDS_IN));
  }

  /**
   * Which clauses of a message ask. When a clause that asks names what it asks about (现在是不是快多了,
   * is it any quicker these days), the others are the story around it (我朋友前两年在天河落户…, my buddy
   * said…). When it names nothing (真的假的, 靠谱吗, is that right), the claim or plan before it is the
   * question, and every clause counts.
   */
  private asking(clauses: Clause[]): boolean[] {
    if (clauses.length === 1) return [true];
    const asks = clauses.map((c) => this.asks(c));
    const names = (c: Clause) => this.analyzer.analyze(c.text).some((t) => t.kind !== 'question');
    return clauses.some((c, i) => asks[i] && names(c)) ? asks : clauses.map(() => true);
  }

  /**
   * A question about what the articles say (its clauses, read): analyze, weigh, rank, decide. In a
   * message of several clauses, those that do not ask are context: the knowledge's words in them
   * count, words it does not know do not (我朋友前两年在天河落户折腾了好久,现在是不是快多了).
   */
  private lookUp(all: Clause[], lang: Lang): Query {
    const kept = all.length > 1 ? all.filter((c) => !this.isContext(c.text)) : all;
    const clauses = kept.length ? kept : all;
    const chatter = this.intents.hasChatter(clauses.map((c) => c.text).join(' '));
    const claim = this.intents.claim(clauses.map((c) => c.text).join(' ')) !== undefined;
    const asking = this.asking(clauses);
    const context = asking.some(Boolean) ? asking.map((a) => !a) : asking.map(() => false);
    // A claim to check (真的假的, is it true): the numbers it claims are what to check, not what to
    // look up; a number the knowledge has (430) stays. Chatter (can you help me) is not the question.
    const texts = clauses.map((c) => {
      let t = this.intents.withoutChatter(c.text);
      if (claim) t = this.intents.claim(t) ?? t;
      // Same length, so that what was asked (以前要三个月) can still be read where the terms stand.
      if (claim) t = t.replace(this.claimedQuantity, (q) => (this.knowsNumber(q) ? q : ' '.repeat(q.length)));
      return t;
    });
    // Clauses joined by a line break: a focus is never looked for across it.
    const text = texts.join('\n');
    /** The same text with the claimed quantities (以前要三个月): what kind of thing the claim is about. */
    const asAsked = clauses.map((c, i) => (claim ? (this.intents.claim(this.intents.withoutChatter(c.text)) ?? this.intents.withoutChatter(c.text)) : texts[i])).join('\n');
    const clauseOf = (at: number): number => {
      let end = 0;
      for (let i = 0; i < texts.length; i++) {
        end += texts[i]!.length + 1;
        if (at < end) return i;
      }
      return texts.length - 1;
    };

    // Small-talk topics (天气, tomorrow) match nothing: a question about them is declined.
    const offTopic = this.intents.offTopicSpans(text);
    const analyzed = this.analyzer
      .analyze(text)
      .map((t): Term => (offTopic.some((s) => t.at < s.end && t.end > s.at) ? { ...t, kind: 'unknown', zh: [], en: [] } : t))
      .map((t) => ({ t, m: this.index.matches(t) }))
      .filter(({ t, m }) => !context[clauseOf(t.at)] || (t.kind === 'content' && m.units.length > 0 && !/^\d+$/.test(t.text)))
      .slice(0, MAX_TERMS);
    const terms = analyzed.map((a) => a.t);
    const matched = analyzed.map((a) => a.m);
    const factor = terms.map((t) => (context[clauseOf(t.at)] ? CONTEXT_FACTOR : 1));
    const weights = terms.map((t, i) => termWeight(t, matched[i]!, this.weightContext) * factor[i]!);
    const weigh = this.weighFor(terms, matched, factor);
    // Units whose sentence holds the asker's own spelling (not a fact's phrasing: how people ask).
    const literal = terms.map((t) =>
      t.kind === 'content' && t.zh.length > 1 && t.zh.includes(t.text) ? this.index.matches({ ...t, zh: [t.text], en: [] }) : undefined,
    );
    const allowed = this.placeScope(terms, matched);
    const ranking = this.ranker.rank(terms, matched, weights, weigh, literal, allowed);
    const { best, total, bestScore } = ranking;
    const ranked: Ranked | undefined = best >= 0 && total > 0 ? { unit: best, share: this.ranker.matchedWeight(best) / total } : undefined;
    const choices = (except?: number): Choice[] => (chatter ? [] : this.choiceFinder.find(text, terms, lang, ranked, RANKED_MIN_SHARE, allowed, except));
    // The best unit's article's own weights: what it was scored with (and what --explain shows).
    const own = best >= 0 ? terms.map((_, i) => this.ranker.weightOf(i, this.index.articleOf[best]!)) : weights;
    const base = { terms, matched, weights: own, ranking, text: claim ? asAsked : text };
    const decline = (score: number, offer = true): Query => ({
      ...base,
      result: this.declined(chatter ? 'help' : 'out-of-scope', this.partialFacts(ranking), score, lang, chatter ? undefined : text, offer ? choices() : []),
    });
    // An answer resting on a bare sentence (no fact's phrasing matched) that a plain lexical search
    // does not rank among its first few is a guess: offered as a choice, not quoted (docs/evaluation.md).
    const sure = (u: number, answer: () => Result, givesAsked = false): Result => {
      const unit = this.index.units[u]!;
      if (unit.fact || givesAsked || this.choiceFinder.confirms(text, terms, unit.sentenceUnit, allowed)) return answer();
      const offered = this.choiceFinder.find(text, terms, lang, { unit: u, share: 1 }, 0, allowed);
      return this.declined('out-of-scope', this.partialFacts(ranking), bestScore, lang, text, offered);
    };
    // A place or a number the knowledge never mentions (北京, 2020年) means the question is about
    // something else, however well the rest of it matches: nothing to offer either.
    if (terms.some((t, i) => isForeign(t, matched[i]!))) return decline(Math.max(bestScore, 0), false);
    if (best < 0 || total === 0) return decline(0);
    // A story around the question (context) helps choose a unit but never makes one less of an
    // answer: its words the best unit does not match leave the total.
    let unmatchedContext = 0;
    terms.forEach((t, i) => {
      if (context[clauseOf(t.at)] && !this.index.holdsTerm(best, matched[i]!)) unmatchedContext += own[i]!;
    });
    const coverage = this.ranker.matchedWeight(best) / (total - unmatchedContext);
    if (coverage < this.options.threshold || ranking.evidence < this.options.minEvidence) return decline(bestScore);
    // From here on, the question as the best unit's article reads it (see Term.articles).
    const article = this.index.articleOf[best]!;
    const read = terms.some((t) => t.articles) ? terms.filter((t) => !t.articles || t.articles.includes(article)) : terms;
    // A question asking for a kind of detail (a fee, a date, a list) is answered only by a sentence
    // that gives one; otherwise the reply says what the article does not give, and quotes the closest.
    // A close runner-up that gives it answers instead (云计算、大数据等新技术 for "which technologies").
    // A preference (a definition, a way to do it) only chooses among close units.
    const asked = this.answerTypes.asked(claim ? asAsked : text, read);
    const missing = asked.length ? this.answerTypes.missing(asked, this.evidence(best), read) : undefined;
    if (missing) {
      // First within the best unit's article (as it would answer alone); another article's unit only
      // instead of a partial reply.
      const other = this.runnerUpGiving(asked, ranking, read, article);
      if (other) return { ...base, result: sure(other.u, () => this.found(other.u, round(other.score), lang, [], read), true) };
      const required = asked.filter((a) => !a.soft);
      const stillMissing = required.length ? this.answerTypes.missing(required, this.evidence(best), read) : undefined;
      if (stillMissing) {
        // Without the preferences: a close unit that gives what must be given.
        const giving =
          (required.length < asked.length ? this.runnerUpGiving(required, ranking, read, article) : undefined) ??
          (this.knowledge.articles.length > 1 ? this.runnerUpGiving(asked, ranking, read) ?? this.runnerUpGiving(required, ranking, read) : undefined);
        if (giving) return { ...base, result: sure(giving.u, () => this.found(giving.u, round(giving.score), lang, [], read), true) };
        return { ...base, result: { ...this.partial(best, stillMissing, read, round(bestScore), lang, ranking, text), choices: choices(this.index.units[best]!.sentenceUnit) } };
      }
    }
    const alsoIn = ranking.otherArticles.map((a) => this.sources[a]!);
    const answer = asked.length ? this.factGiving(best, asked, ranking, read) : best;
    // A sentence giving the kind of detail asked for (a duration for 多久) is chosen for it: sure.
    return { ...base, result: sure(answer, () => this.found(answer, round(bestScore), lang, alsoIn, read), asked.some((a) => !a.soft)) };
  }

  /**
   * The best unit, or another fact of the same sentence scoring within FACT_MARGIN of it whose own
   * short answer gives what is asked (which district → 海珠区在琶洲建设者之家…, not the sentence's
   * other detail that scored a hair better).
   */
  private factGiving(best: number, asked: Asked[], ranking: Ranking, terms: Term[]): number {
    const { units } = this.index;
    const sentence = units[best]!.sentenceUnit;
    const own = (u: number): Evidence => {
      const said = units[u]!.said.slice(units[sentence]!.said.length + 1);
      return { zh: said, parts: said.split(PART_END) };
    };
    if (!units[best]!.fact || !this.answerTypes.missing(asked, own(best), terms)) return best;
    let pick = best;
    let pickScore = ranking.bestScore - FACT_MARGIN;
    ranking.touched.forEach((u, i) => {
      const score = ranking.scores[i]!;
      if (u === best || !units[u]!.fact || units[u]!.sentenceUnit !== sentence || score < pickScore) return;
      if (this.answerTypes.missing(asked, own(u), terms)) return;
      pick = u;
      pickScore = score;
    });
    return pick;
  }

  /**
   * When the best unit does not give what is asked: the best other unit within RUNNER_UP_MARGIN of
   * it that passes the threshold and gives it, else the next sentence of the best one's paragraph
   * when it names the thing asked about and gives it (其次,也得益于技术的进步。→ 这几年,云计算、大数据、
   * 人工智能等新技术发展…). With `article`, only that article's units are runners-up.
   */
  private runnerUpGiving(asked: Asked[], ranking: Ranking, terms: Term[], article?: number): { u: number; score: number } | undefined {
    // The closest few only, one per distinct text: at a thousand articles hundreds of copies tie, and
    // a copy answers as its original does. Kept best first by insertion, without sorting them all.
    const close: { u: number; score: number }[] = [];
    const { touched, scores } = ranking;
    const textId = this.index.textId;
    const floor = ranking.bestScore - RUNNER_UP_MARGIN;
    for (let i = 0; i < touched.length; i++) {
      const u = touched[i]!;
      const score = scores[i]!;
      if (u === ranking.best || score < floor || (article !== undefined && this.index.articleOf[u] !== article)) continue;
      if (close.length === MAX_RUNNERS_UP && close[MAX_RUNNERS_UP - 1]!.score >= score) continue;
      if (!this.passes(u)) continue;
      const same = close.findIndex((c) => textId[c.u] === textId[u]);
      if (same >= 0) {
        if (close[same]!.score >= score) continue;
        close.splice(same, 1);
      }
      if (close.length === MAX_RUNNERS_UP) close.pop();
      let at = close.length;
      while (at > 0 && close[at - 1]!.score < score) at--;
      close.splice(at, 0, { u, score });
    }
    const found = close.find(({ u }) => !this.answerTypes.missing(asked, this.evidence(u), terms));
    if (found) return found;
    const focus = asked.find((a) => a.focus)?.focus;
    const at = this.index.units[ranking.best]!.sentenceUnit;
    const next = this.index.units[at + 1];
    const here = this.index.units[at]!;
    if (!focus || !next || next.fact || next.article !== here.article || next.paragraph !== here.paragraph) return undefined;
    const e = this.evidence(at + 1);
    if (!focus.zh.some((z) => z && e.zh.includes(z))) return undefined;
    return this.answerTypes.missing(asked, e, terms) ? undefined : { u: at + 1, score: ranking.bestScore };
  }

  /** A term's weight for one article's units: rarity within that article, as if it were alone. */
  private weighFor(terms: Term[], matched: Matches[], factor?: number[]): Weigh {
    // Per term, once: its weighing and its counts per article; then each article is a lookup.
    // A term of some articles' reading only (Term.articles) weighs nothing for the others.
    const perTerm = terms.map((t, i) => ({
      weigh: weighingIn(t),
      by: this.index.perArticle(matched[i]!),
      factor: factor?.[i] ?? 1,
      reads: t.articles && readers(t.articles, this.knowledge.articles.length),
    }));
    return (ti, a) => {
      const { weigh, by, factor: f, reads } = perTerm[ti]!;
      if (reads && !reads[a]) return 0;
      return weigh(by.sentences[a]!, by.facts[a]!, this.articleContext[a]!) * f;
    };
  }

  /** Whether a unit, as of the last rank(), matches enough of the question to answer it. */
  private passes(u: number): boolean {
    const total = this.ranker.totalOf(this.index.articleOf[u]!);
    return total > 0 && this.ranker.matchedWeight(u) >= this.options.threshold * total && this.ranker.evidence(u) >= this.options.minEvidence;
  }

  /**
   * The articles a question is about when it names a place that some articles name and others do
   * not (成都: the Chengdu article, not Guangzhou's 10个工作日 for 成都落户要几天): undefined when it
   * names none, or with a single article.
   */
  private placeScope(terms: Term[], matched: Matches[]): Uint8Array | undefined {
    const n = this.knowledge.articles.length;
    if (n < 2) return undefined;
    let allowed: Uint8Array | undefined;
    terms.forEach((t, i) => {
      if (t.kind !== 'elsewhere' && !t.zh.some((z) => this.placeWords.has(z))) return;
      // Named by an article's own sentences (a fact's phrasings are how people ask, not what it says).
      const naming = this.index.perArticle(matched[i]!).sentences.map((c) => (c > 0 ? 1 : 0));
      if (naming.every(Boolean) || !naming.some(Boolean)) return;
      allowed ??= new Uint8Array(n);
      naming.forEach((v, a) => {
        if (v) allowed![a] = 1;
      });
    });
    return allowed;
  }

  /** Whether the knowledge mentions the number in a quantity (430项: yes; 四百多项: no). */
  private knowsNumber(quantity: string): boolean {
    const digits = /\d+/.exec(quantity)?.[0];
    return digits !== undefined && this.index.matches({ text: digits, kind: 'content', zh: [digits], en: [digits], at: 0, end: 0 }).units.length > 0;
  }

  /** A question about an article itself: the field of the article the rest of the question is about. */
  private metaQuery(meta: MetaQuestion, lang: Lang, named = -1): Query {
    const terms = this.analyzer.analyze(meta.rest).slice(0, MAX_TERMS);
    const n = this.knowledge.articles.length;
    // Which article: the one whose publication, author or title the question names, else the one
    // its other words clearly point to (an answer-strength match); with several articles and no
    // pointer, each article's value.
    let article = n === 1 ? 0 : named >= 0 ? named : this.articleNamed(meta.rest);
    // A single character (登 of 哪个报纸登的) says how it was asked, not which article.
    const pointers = terms.filter((t) => t.kind !== 'question' && (!HAS_HAN.test(t.text) || [...t.text].length > 1));
    if (article < 0 && pointers.length) {
      const matched = pointers.map((t) => this.index.matches(t));
      const weights = pointers.map((t, i) => termWeight(t, matched[i]!, this.weightContext));
      const ranking = this.ranker.rank(pointers, matched, weights, this.weighFor(pointers, matched), [], this.placeScope(pointers, matched));
      if (ranking.best >= 0 && this.ranker.matchedWeight(ranking.best) >= this.options.threshold * ranking.total) article = this.index.articleOf[ranking.best]!;
    }
    const shortAnswer = article >= 0 ? metaAnswer(this.knowledge.articles[article]!.article.meta, meta.field, this.sources[article]!) : everyArticleAnswer(this.knowledge.articles.map((k, a) => ({ meta: k.article.meta, source: this.sources[a]! })), meta.field);
    const source = this.sources[Math.max(article, 0)]!;
    const result: MetaAnswer = { found: true, kind: 'meta', field: meta.field, shortAnswer, source, alsoIn: [], score: 1, lang };
    return { terms, matched: [], weights: [], ranking: undefined, result };
  }

  /** Whether a text names nothing the knowledge knows (the rest of 是广州日报的吗 after the paper). */
  private namesNothing(text: string): boolean {
    return !this.analyzer.analyze(text).some((t) => t.kind === 'content' && this.index.matches(t).units.length > 0);
  }

  /** 是广州日报的吗: yes, with the field, for an article it names; no, with every article's, for another paper. */
  private checkQuery(check: Mention, lang: Lang): Query {
    const all = this.knowledge.articles.map((k, a) => ({ meta: k.article.meta, source: this.sources[a]! }));
    const shortAnswer =
      check.article >= 0
        ? checked(metaAnswer(all[check.article]!.meta, check.field, all[check.article]!.source), true)
        : checked(papers(all.map(({ meta, source }) => metaAnswer(meta, 'publication', source))), false);
    const result: MetaAnswer = { found: true, kind: 'meta', field: check.field, shortAnswer, source: this.sources[Math.max(check.article, 0)]!, alsoIn: [], score: 1, lang };
    return { terms: [], matched: [], weights: [], ranking: undefined, result };
  }

  /** The article whose paper, a person of whose byline, or whose title a text names, or -1. */
  private articleNamed(text: string): number {
    const named = this.articleNames.mention(fold(text), true);
    if (named) return named.article;
    const t = fold(text).replace(/ /g, '');
    return this.knowledge.articles.findIndex(({ article: { meta } }) =>
      [meta.publication, meta.title].some((v) => {
        const f = fold(v).replace(/ /g, '');
        return f.length >= 2 && t.includes(f);
      }),
    );
  }

  /** What a unit's answer says, for the answer-type checks: its sentence and, for a fact, its short answer. */
  private evidence(u: number): Evidence {
    const unit = this.index.units[u]!;
    return { zh: unit.said, parts: unit.saidParts };
  }

  private partial(u: number, missing: Asked, terms: Term[], score: number, lang: Lang, ranking: Ranking, question: string): PartialAnswer {
    const unit = this.index.units[u]!;
    const k = this.knowledge.articles[unit.article]!;
    const related = quotedOf(unit, k, this.sources[unit.article]!);
    const subject = subjectOf(related.quote, this.index.units[unit.sentenceUnit]!.said, missing.focus, terms, lang);
    const partialFacts = this.partialFacts(ranking);
    return {
      found: false,
      kind: 'partial',
      missing: missing.name,
      missingText: missing.missing,
      subject,
      related,
      suggestions: this.suggestions(partialFacts, question),
      choices: [],
      score,
      lang,
    };
  }

  /** The facts the ranking matched in part, close enough to suggest (RELATED_MIN_SCORE). */
  private partialFacts(ranking: Ranking): Fact[] {
    return ranking.partialFacts.filter((_, i) => ranking.partialScores[i]! >= RELATED_MIN_SCORE).map((u) => this.index.units[u]!.fact!);
  }

  private declined(reason: DeclineReason, partial: Fact[], score: number, lang: Lang, question?: string, choices: Choice[] = []): Declined {
    return { found: false, kind: 'declined', reason, suggestions: this.suggestions(partial, question), choices, score: round(score), lang };
  }

  /**
   * A sentence answer. Without a fact's short answer, a sentence of an article nobody translated
   * gets the clause that holds what the question asks about (when the question's terms are given).
   */
  private found(u: number, score: number, lang: Lang, alsoIn: SourceRef[], terms?: Term[]): SentenceAnswer {
    const unit = this.index.units[u]!;
    const k = this.knowledge.articles[unit.article]!;
    const source = this.sources[unit.article]!;
    const quoted = quotedOf(unit, k, source);
    const shortAnswer = unit.fact?.answer ?? (terms && !k.translations ? clauseAnswer(quoted.quote, terms) : null);
    return { found: true, kind: 'sentence', ...quoted, factId: unit.fact?.id ?? null, shortAnswer, alsoIn, score, lang };
  }

  /**
   * What to suggest instead of an answer: for a question, the facts asked in the closest words
   * (fuse.js over the phrasings, tight cut-off: 北京落户要多久 → 南沙落户要多久), then the facts the
   * ranking matched in part; the key facts only when nothing is close.
   */
  private suggestions(partial: Fact[], question?: string): Suggestion[] {
    const max = this.options.maxSuggestions;
    const close = question === undefined ? [] : this.phrasings.closest(question, max, RELATED_MAX_SCORE, RELATED_MAX_CHARS, RELATED_CANDIDATES).map((m) => this.factById(m.factId));
    const related = [...close, ...partial];
    return suggestionsFrom(related, related.length ? [] : this.keyFactList, max);
  }

  /**
   * The facts whose question phrasings (all three languages) are closest to a short text, best
   * first: what someone is still typing (南沙落, how long does sett), or a question close to one the
   * knowledge answers. `maxScore` is fuse.js's score (0 exact … 1 unrelated).
   */
  closestFacts(text: string, limit: number, maxScore: number): { fact: Fact; score: number }[] {
    return this.phrasings.closest(text, limit, maxScore).map((m) => ({ fact: this.factById(m.factId), score: m.score }));
  }

  private factById(id: string): Fact {
    return this.index.units[this.index.factUnit.get(id)!]!.fact!;
  }

  /** The first `count` key facts as example questions (/start, /help). */
  examples(count: number): Suggestion[] {
    return this.keyFactList.slice(0, count).map(suggestionOf);
  }

  /** Changes whenever any knowledge file changes: /healthz and the logs report it. */
  get version(): string {
    return this.knowledge.version;
  }

  /** The articles, in knowledge order: each one's source and two-line summary (/source). */
  articles(): { source: SourceRef; summary: PerLang | undefined }[] {
    return this.knowledge.articles.map((k, a) => ({ source: this.sources[a]!, summary: k.summary }));
  }

  /** Every fact's id, in knowledge order: what scheduled posts rotate through. */
  factIds(): string[] {
    return this.knowledge.articles.flatMap((k) => k.facts.map((f) => f.id));
  }

  /** A question the knowledge answers, for usage lines (/ask <example>): the first key fact's. */
  example(lang: Lang): string {
    return this.keyFactList[0]?.questions[lang][0] ?? this.knowledge.articles[0]!.facts[0]?.questions[lang][0] ?? '?';
  }

  /**
   * The paragraph around a sentence (the context button), or undefined when the article or the
   * sentence is not (or no longer) in the knowledge.
   */
  paragraphOf(articleId: string, sentenceId: string): ParagraphContext | undefined {
    const a = this.knowledge.articles.findIndex((k) => k.article.id === articleId);
    const k = this.knowledge.articles[a];
    if (!k) return undefined;
    const at = k.article.paragraphs.findIndex((p) => p.sentences.some((s) => s.id === sentenceId));
    if (at < 0) return undefined;
    const sentences = k.article.paragraphs[at]!.sentences.map((s) => ({
      id: s.id,
      text: s.text,
      translation: k.translations?.sentences[s.id] ?? null,
      quoted: s.id === sentenceId,
    }));
    return { source: this.sources[a]!, paragraph: at + 1, sentences };
  }

  /** Facts marked key, across articles, in knowledge order: /facts, digests, empty inline queries. */
  keyFacts(): Fact[] {
    return this.keyFactList;
  }

  /**
   * The answer a fact gives (a suggestion button, an inline result), or undefined for an unknown id.
   *
   * ```ts
   * engine.answerFact(engine.keyFacts()[0]!.id, 'en')?.shortAnswer?.en; // its short answer in English
   * ```
   */
  answerFact(factId: string, lang: Lang): SentenceAnswer | undefined {
    const u = this.index.factUnit.get(factId);
    return u === undefined ? undefined : this.found(u, 1, lang, []);
  }

  /**
   * The answer a "did you mean" choice gives when tapped: the sentence's quote with its source, or
   * undefined when the article or sentence is gone (a re-ingest).
   */
  answerSentence(articleId: string, sentenceId: string, lang: Lang): SentenceAnswer | undefined {
    const u = this.index.units.findIndex((unit) => !unit.fact && unit.sentence.id === sentenceId && this.sources[unit.article]!.articleId === articleId);
    return u < 0 ? undefined : this.found(u, 1, lang, []);
  }

  /** Builds lazily built indexes now (long-running processes: the bot, the bench). */
  warmUp(): this {
    this.analyzer.warmUp();
    // One question in each language, from the knowledge itself, compiles the query path before the first user.
    const fact = this.knowledge.articles.flatMap((k) => k.facts)[0];
    if (fact) for (const lang of LANGS) this.query(fact.questions[lang][0]!);
    return this;
  }

  get unitCount(): number {
    return this.index.units.length;
  }
}

export type { NotFound };

export function createEngine(knowledge: Knowledge, options?: EngineOptions): Engine {
  return new Engine(knowledge, options);
}

/** A dictionary sense that is a name (Guangzhou, Chengdu), and one that says it names a place. */
const NAME_SENSE = /^[A-Z][a-zü]+$/;
const PLACE_SENSE = /\b(?:city|district|province|county|prefecture|island|town|region|area)\b|^see \S*[市区县省]/i;

/**
 * Words that name a place: the lexicon's places, and the articles' CC-CEDICT words that are names
 * of places (a romanised name among their senses, and a sense that says city, district… or points
 * to one: 广州 "see 廣州市|广州市", 琶洲 "Pazhou district in Guangzhou").
 */
function placesOf(knowledge: Knowledge): Set<string> {
  const out = new Set(knowledge.lexicon.places.filter((p) => HAS_HAN.test(p)).map(fold));
  for (const k of knowledge.articles) {
    for (const [word, senses] of Object.entries(k.dictionary?.entries ?? {})) {
      // The first sense names (公安 is "Public Security" first, a county only further down).
      if (/^(?:[A-Z]|see )/.test(senses[0] ?? '') && senses.some((s) => NAME_SENSE.test(s)) && senses.some((s) => PLACE_SENSE.test(s))) out.add(word);
    }
  }
  return out;
}

/** A flag per article: 1 for those listed. */
function readers(articles: readonly number[], count: number): Uint8Array {
  const flags = new Uint8Array(count);
  for (const a of articles) flags[a] = 1;
  return flags;
}
