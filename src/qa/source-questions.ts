/**
 * Questions about an article itself (who wrote it, which paper, when, 是广州日报的吗), read beside
 * the content path: before it when the question plainly asks for a field, after it when the words
 * may also be about something an article mentions (什么时候出的) and no sentence answers.
 */
import type { Lang } from '../knowledge/schema.js';
import { fold } from '../text/normalize.js';
import type { CandidateFinder } from './candidates.js';
import type { MetaQuestion } from './intents.js';
import { MAX_TERMS, type Parts, type Query } from './parts.js';
import { checked, everyArticleAnswer, metaAnswer, papers, type Mention } from './source-answers.js';
import type { MetaAnswer } from './types.js';

export class SourceQuestions {
  constructor(
    private readonly parts: Parts,
    private readonly candidates: CandidateFinder,
  ) {}

  /**
   * The answer when the question (read: folded, in Mandarin) plainly asks about an article: a
   * yes-or-no about its paper or author, a field of the article it names (杭州日报那篇是谁写的),
   * or a field asked in words that ask nothing else.
   */
  first(text: string, lang: Lang): Query | undefined {
    const { articleNames, intents } = this.parts;
    const check = articleNames.check(text);
    if (check && this.candidates.namesNothing(check.rest)) return this.checkQuery(check, lang);
    const named = articleNames.mention(text);
    const metaOfNamed = named && intents.metaQuestion(named.rest);
    if (metaOfNamed && (!metaOfNamed.weak || this.candidates.namesNothing(metaOfNamed.rest))) return this.metaQuery(metaOfNamed, lang, named.article);
    const meta = intents.metaQuestion(text);
    return meta && !meta.weak ? this.metaQuery(meta, lang) : undefined;
  }

  /**
   * Asked in words that may be about something the article mentions (the title of the report): the
   * article's own field when no sentence answered and the rest of the question names nothing the
   * knowledge knows (or names an article).
   */
  instead(text: string, lang: Lang, answered: Query): Query {
    const meta = this.parts.intents.metaQuestion(text);
    const aboutArticle = meta && !answered.result.found && (this.articleNamed(meta.rest) >= 0 || this.candidates.namesNothing(meta.rest));
    return meta && aboutArticle ? this.metaQuery(meta, lang) : answered;
  }

  /** A question about an article itself: the field of the article the rest of the question is about. */
  private metaQuery(meta: MetaQuestion, lang: Lang, named = -1): Query {
    const { analyzer, knowledge, sources } = this.parts;
    const terms = analyzer.analyze(meta.rest).slice(0, MAX_TERMS);
    // Which article: the one whose paper, byline or title the question names, else the one its
    // other words clearly point to (an answer-strength match); with several articles and no
    // pointer, each article's value.
    let article = knowledge.articles.length === 1 ? 0 : named >= 0 ? named : this.articleNamed(meta.rest);
    if (article < 0) article = this.candidates.pointedTo(terms);
    const all = knowledge.articles.map((k, a) => ({ meta: k.article.meta, source: sources[a]! }));
    const shortAnswer = article >= 0 ? metaAnswer(all[article]!.meta, meta.field, all[article]!.source) : everyArticleAnswer(all, meta.field);
    const result: MetaAnswer = { found: true, kind: 'meta', field: meta.field, shortAnswer, source: sources[Math.max(article, 0)]!, alsoIn: [], score: 1, lang };
    return { terms, matched: [], weights: [], ranking: undefined, result };
  }

  /** 是广州日报的吗: yes, with the field, for an article it names; no, with every article's paper, for another paper. */
  private checkQuery(check: Mention, lang: Lang): Query {
    const { knowledge, sources } = this.parts;
    const all = knowledge.articles.map((k, a) => ({ meta: k.article.meta, source: sources[a]! }));
    const shortAnswer =
      check.article >= 0
        ? checked(metaAnswer(all[check.article]!.meta, check.field, all[check.article]!.source), true)
        : checked(papers(all.map(({ meta, source }) => metaAnswer(meta, 'publication', source))), false);
    const result: MetaAnswer = { found: true, kind: 'meta', field: check.field, shortAnswer, source: sources[Math.max(check.article, 0)]!, alsoIn: [], score: 1, lang };
    return { terms: [], matched: [], weights: [], ranking: undefined, result };
  }

  /** The article whose paper, a person of whose byline, or whose title a text names, or -1. */
  private articleNamed(text: string): number {
    const named = this.parts.articleNames.mention(fold(text), true);
    if (named) return named.article;
    const t = fold(text).replace(/ /g, '');
    return this.parts.knowledge.articles.findIndex(({ article: { meta } }) =>
      [meta.publication, meta.title].some((v) => {
        const f = fold(v).replace(/ /g, '');
        return f.length >= 2 && t.includes(f);
      }),
    );
  }
}
