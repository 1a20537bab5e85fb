/**
 * The third stage: ranked candidates → an outcome. The best unit answers when it matches enough of
 * the question and gives the kind of detail asked for (answer-types.ts); else a close unit that
 * gives it answers, or the reply is partial (what the article does not give, and the closest
 * sentence), or a decline, with "did you mean" choices when there is something close to offer. A
 * bare sentence the plain search does not also rank high is a guess: offered, not quoted.
 */
import type { Lang } from '../knowledge/schema.js';
import type { Term } from '../text/terms.js';
import { PART_END, type Asked, type Evidence } from './answer-types.js';
import type { CandidateFinder, Candidates } from './candidates.js';
import { RANKED_MIN_SHARE, type Ranked } from './choices.js';
import type { Outcomes } from './outcomes.js';
import { round, type Parts, type Query } from './parts.js';
import type { Ranking } from './ranker.js';
import type { Asking } from './reading.js';
import type { Choice, Result } from './types.js';
import { isForeign } from './weights.js';

/** How much lower than the best a unit may score and still answer when the best does not give what is asked. */
const RUNNER_UP_MARGIN = 0.2;
/** A fact of the answer's sentence this close to it may answer instead when its own short answer gives what is asked. */
const FACT_MARGIN = 0.05;
/** Units looked at when the best one does not give what is asked. */
const MAX_RUNNERS_UP = 12;
/** A fact is about a keyword when at least this share of its phrasings name it. */
const KEYWORD_SHARE = 0.5;

export class Judgement {
  constructor(
    private readonly parts: Parts,
    private readonly candidates: CandidateFinder,
    private readonly outcomes: Outcomes,
  ) {}

  /** The outcome for a question about the articles' content (its asking, its candidates). */
  decide(asking: Asking, found: Candidates, lang: Lang): Query {
    const { index, ranker, options, choiceFinder, answerTypes, knowledge, sources } = this.parts;
    const { outcomes } = this;
    const { text, asAsked, context, clauseOf, chatter, claim } = asking;
    const { terms, matched, own, ranking, allowed } = found;
    const { best, total, bestScore } = ranking;
    const ranked: Ranked | undefined = best >= 0 && total > 0 ? { unit: best, share: ranker.matchedWeight(best) / total } : undefined;
    const choices = (except?: number): Choice[] => (chatter ? [] : choiceFinder.find(text, terms, lang, ranked, RANKED_MIN_SHARE, allowed, except));
    const base = { terms, matched, weights: own, ranking, text: claim ? asAsked : text };
    const decline = (score: number, offer = true): Query => ({
      ...base,
      result: outcomes.declined(chatter ? 'help' : 'out-of-scope', outcomes.partialFacts(ranking), score, lang, chatter ? undefined : text, offer ? choices() : []),
    });
    // An answer resting on a bare sentence (no fact's phrasing matched) that a plain lexical search
    // does not rank among its first few is a guess: offered as a choice, not quoted (docs/evaluation.md).
    const sure = (u: number, answer: () => Result, givesAsked = false): Result => {
      const unit = index.units[u]!;
      if (unit.fact || givesAsked || choiceFinder.confirms(text, terms, unit.sentenceUnit, allowed)) return answer();
      const offered = choiceFinder.find(text, terms, lang, { unit: u, share: 1 }, 0, allowed);
      return outcomes.declined('out-of-scope', outcomes.partialFacts(ranking), bestScore, lang, text, offered);
    };
    // A place or a number the knowledge never mentions (北京, 2020年) means the question is about
    // something else, however well the rest of it matches: nothing to offer either.
    if (terms.some((t, i) => isForeign(t, matched[i]!))) return decline(Math.max(bestScore, 0), false);
    if (best < 0 || total === 0) return decline(0);
    // A story around the question (context) helps choose a unit but never makes one less of an
    // answer: its words the best unit does not match leave the total.
    let unmatchedContext = 0;
    terms.forEach((t, i) => {
      if (context[clauseOf(t.at)] && !index.holdsTerm(best, matched[i]!)) unmatchedContext += own[i]!;
    });
    const coverage = ranker.matchedWeight(best) / (total - unmatchedContext);
    if (coverage < options.threshold || ranking.evidence < options.minEvidence) return decline(bestScore);
    // From here on, the question as the best unit's article reads it (see Term.articles).
    const article = index.articleOf[best]!;
    const read = terms.some((t) => t.articles) ? terms.filter((t) => !t.articles || t.articles.includes(article)) : terms;
    // A question asking for a kind of detail (a fee, a date, a list) is answered only by a sentence
    // that gives one; otherwise the reply says what the article does not give, and quotes the closest.
    // A close runner-up that gives it answers instead (云计算、大数据等新技术 for "which technologies").
    // A preference (a definition, a way to do it) only chooses among close units.
    const asked = answerTypes.asked(claim ? asAsked : text, read);
    const missing = asked.length ? answerTypes.missing(asked, outcomes.evidence(best), read) : undefined;
    const foundAt = (g: { u: number; score: number }): Query => ({ ...base, result: sure(g.u, () => outcomes.found(g.u, round(g.score), lang, [], read), true) });
    if (missing) {
      // First within the best unit's article (as it would answer alone); another article's unit only
      // instead of a partial reply.
      const other = this.runnerUpGiving(asked, ranking, read, article);
      if (other) return foundAt(other);
      const required = asked.filter((a) => !a.soft);
      const stillMissing = required.length ? answerTypes.missing(required, outcomes.evidence(best), read) : undefined;
      if (stillMissing) {
        // Without the preferences: a close unit that gives what must be given.
        const giving =
          (required.length < asked.length ? this.runnerUpGiving(required, ranking, read, article) : undefined) ??
          (knowledge.articles.length > 1 ? (this.runnerUpGiving(asked, ranking, read) ?? this.runnerUpGiving(required, ranking, read)) : undefined);
        if (giving) return foundAt(giving);
        return { ...base, result: { ...outcomes.partial(best, stillMissing, read, round(bestScore), lang, ranking, text), choices: choices(index.units[best]!.sentenceUnit) } };
      }
    }
    const alsoIn = ranking.otherArticles.map((a) => sources[a]!);
    const answer = asked.length ? this.factGiving(best, asked, ranking, read) : best;
    // A sentence giving the kind of detail asked for (a duration for 多久) is chosen for it: sure.
    return { ...base, result: sure(answer, () => outcomes.found(answer, round(bestScore), lang, alsoIn, read), asked.some((a) => !a.soft)) };
  }

  /**
   * A bare keyword (琶洲, 减证便民, Nansha) asks what the knowledge says about it: the fact about it,
   * not whichever detail of a sentence naming it scored best.
   */
  keyword(text: string, answered: Query): Query {
    const { result, terms } = answered;
    if (!result.found || result.kind !== 'sentence' || terms.length !== 1 || terms[0]!.kind !== 'content') return answered;
    const naming = this.parts.phrasings.naming(text);
    const central = this.centralFact(naming) ?? this.keyFactOfSentence(result.source.articleId, result.sentenceId, naming);
    if (!central || central === result.factId) return answered;
    const u = this.parts.index.factUnit.get(central);
    return u === undefined ? answered : { ...answered, result: { ...this.outcomes.found(u, 1, result.lang, []), score: result.score } };
  }

  /**
   * Among the facts whose phrasings name a keyword, the ones about it (at least KEYWORD_SHARE of their
   * phrasings name it): a key fact among them, else the one with the largest share, the first in the
   * article among equals.
   */
  private centralFact(naming: { factId: string; share: number }[]): string | undefined {
    const { index, keyFactIds } = this.parts;
    const about = naming.filter((n) => n.share >= KEYWORD_SHARE);
    const key = about.find((n) => keyFactIds.has(n.factId));
    if (key || !about.length) return key?.factId;
    const sentenceOf = (id: string) => index.units[index.factUnit.get(id)!]!.sentenceUnit;
    return about.filter((n) => n.share === about[0]!.share).reduce((a, n) => (sentenceOf(n.factId) < sentenceOf(a.factId) ? n : a)).factId;
  }

  /** A key fact of a sentence whose phrasings name the keyword (`naming`), not the detail that scored best. */
  private keyFactOfSentence(articleId: string, sentenceId: string, naming: { factId: string }[]): string | undefined {
    const named = new Set(naming.map((n) => n.factId));
    const article = this.parts.knowledge.articles.find((k) => k.article.id === articleId);
    return article?.facts.find((f) => f.sentence === sentenceId && this.parts.keyFactIds.has(f.id) && named.has(f.id))?.id;
  }

  /**
   * The best unit, or another fact of the same sentence scoring within FACT_MARGIN of it whose own
   * short answer gives what is asked (which district → 海珠区在琶洲建设者之家…, not the sentence's
   * other detail that scored a hair better).
   */
  private factGiving(best: number, asked: Asked[], ranking: Ranking, terms: Term[]): number {
    const { index, answerTypes } = this.parts;
    const { units } = index;
    const sentence = units[best]!.sentenceUnit;
    const own = (u: number): Evidence => {
      const said = units[u]!.said.slice(units[sentence]!.said.length + 1);
      return { zh: said, parts: said.split(PART_END) };
    };
    if (!units[best]!.fact || !answerTypes.missing(asked, own(best), terms)) return best;
    let pick = best;
    let pickScore = ranking.bestScore - FACT_MARGIN;
    ranking.touched.forEach((u, i) => {
      const score = ranking.scores[i]!;
      if (u === best || !units[u]!.fact || units[u]!.sentenceUnit !== sentence || score < pickScore) return;
      if (answerTypes.missing(asked, own(u), terms)) return;
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
    const { index, answerTypes } = this.parts;
    // The closest few only, one per distinct text: at a thousand articles hundreds of copies tie, and
    // a copy answers as its original does. Kept best first by insertion, without sorting them all.
    const close: { u: number; score: number }[] = [];
    const { touched, scores } = ranking;
    const textId = index.textId;
    const floor = ranking.bestScore - RUNNER_UP_MARGIN;
    for (let i = 0; i < touched.length; i++) {
      const u = touched[i]!;
      const score = scores[i]!;
      if (u === ranking.best || score < floor || (article !== undefined && index.articleOf[u] !== article)) continue;
      if (close.length === MAX_RUNNERS_UP && close[MAX_RUNNERS_UP - 1]!.score >= score) continue;
      if (!this.candidates.passes(u)) continue;
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
    const found = close.find(({ u }) => !answerTypes.missing(asked, this.outcomes.evidence(u), terms));
    if (found) return found;
    const focus = asked.find((a) => a.focus)?.focus;
    const at = index.units[ranking.best]!.sentenceUnit;
    const next = index.units[at + 1];
    const here = index.units[at]!;
    if (!focus || !next || next.fact || next.article !== here.article || next.paragraph !== here.paragraph) return undefined;
    const e = this.outcomes.evidence(at + 1);
    if (!focus.zh.some((z) => z && e.zh.includes(z))) return undefined;
    return answerTypes.missing(asked, e, terms) ? undefined : { u: at + 1, score: ranking.bestScore };
  }
}
