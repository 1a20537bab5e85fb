/**
 * Answers about an article itself: its author (read from the byline), correspondents, paper, title,
 * date and editors, in each reply language, and the yes-or-no form of such a question (是广州日报的吗,
 * 係咪長江日報嘅, Is this from the Guangzhou Daily?). An article nobody translated still gets English:
 * names in pinyin, the paper's name in its usual English form, the date written out.
 */
import { createRequire } from 'node:module';
import type { ArticleMeta, MetaField } from '../knowledge/schema.js';
import { simplify } from '../text/normalize.js';
import { readByline, type Person } from './byline.js';
import type { PerLang, SourceRef } from './types.js';

const requireCjs = createRequire(import.meta.url);
let pinyinOf: ((text: string, surname: boolean) => string[]) | undefined;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function syllables(text: string, surname: boolean): string[] {
  if (!pinyinOf) {
    const { pinyin } = requireCjs('pinyin-pro') as typeof import('pinyin-pro');
    pinyinOf = (t, s) => pinyin(t, { ...(s ? { mode: 'surname' as const } : {}), toneType: 'none', type: 'array', v: true });
  }
  return pinyinOf(simplify(text), surname);
}

/** A Chinese name in pinyin, surname first (羅曉蕾 → Luo Xiaolei); pinyin-pro is loaded on first use. */
export function romanise(name: string): string {
  if (!/\p{Script=Han}/u.test(name)) return name;
  const [surname = '', ...given] = syllables(name, true);
  return [cap(surname), cap(given.join(''))].filter(Boolean).join(' ');
}

/** A paper's kind, by the end of its name, and how English names it. */
const PAPER_KINDS: [RegExp, string][] = [
  [/特[區区][報报]$/u, 'Special Zone Daily'],
  [/青年[報报]$/u, 'Youth Daily'],
  [/晚[報报]$/u, 'Evening News'],
  [/早[報报]$/u, 'Morning Post'],
  [/[時时][報报]$/u, 'Times'],
  [/商[報报]$/u, 'Commercial Daily'],
  [/日[報报]$/u, 'Daily'],
];

/** A paper's name in English: 長江日報 → Changjiang Daily (長江日報); other names stay as they are. */
export function paperInEnglish(publication: string): string {
  for (const [ending, english] of PAPER_KINDS) {
    const m = ending.exec(publication);
    if (!m || m.index === 0) continue;
    const place = publication.slice(0, m.index);
    if (!/^\p{Script=Han}{1,6}$/u.test(place)) break;
    return `${cap(syllables(place, false).join(''))} ${english} (${publication})`;
  }
  return publication;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 2021-03-09 07:35 → 2021年3月9日 07:35 and 9 March 2021, 07:35; in a list of articles, 2021-03-09. */
function dateAnswer(meta: ArticleMeta, listed: boolean): PerLang {
  const time = meta.time ? ` ${meta.time}` : '';
  if (listed) return { 'zh-Hans': meta.date + time, 'zh-Hant': meta.date + time, en: meta.date + time };
  const [y, m, d] = meta.date.split('-').map(Number) as [number, number, number];
  const zh = `${y}年${m}月${d}日${time}`;
  return { 'zh-Hans': zh, 'zh-Hant': zh, en: `${d} ${MONTHS[m - 1]} ${y}${meta.time ? `,${time}` : ''}` };
}

const names = (people: Person[], sep: string) => people.map((p) => p.name).join(sep);

/** Who wrote it, from the byline: the writers and reporters by name with their roles; never a role as a name. */
function authorAnswer(meta: ArticleMeta, source: SourceRef): PerLang {
  const people = readByline(meta.author);
  if (!people.length) {
    return {
      'zh-Hans': `署名只有“${simplify(meta.author)}”，没有写出个人姓名`,
      'zh-Hant': `署名只有「${meta.author}」，沒有寫出個人姓名`,
      en: `The byline names no one: it only says “${meta.author}”`,
    };
  }
  const plain = people.every((p) => p.role === 'writer');
  const writers = people.filter((p) => p.role !== 'correspondent');
  const helpers = people.filter((p) => p.role === 'correspondent');
  const zhOf = (list: Person[]) => list.map((p) => (p.label ? `${p.name}（${p.label}）` : p.name)).join('、');
  const zh = plain ? names(people, '、') : [zhOf(writers), helpers.length ? `通訊員：${names(helpers, '、')}` : ''].filter(Boolean).join('；');
  const enOf = (p: Person) => `${romanise(p.name)} (${p.name}${p.role === 'reporter' ? ', reporter' : p.label && p.role !== 'correspondent' ? `, ${p.label}` : ''})`;
  const en = source.en
    ? `${source.en.author} (${meta.author})`
    : [writers.map(enOf).join(', '), helpers.length ? `correspondent: ${helpers.map((p) => `${romanise(p.name)} (${p.name})`).join(', ')}` : ''].filter(Boolean).join('; ');
  return { 'zh-Hans': simplify(zh), 'zh-Hant': zh, en };
}

/** The correspondents (通訊員) the byline names, or that it names none. */
function correspondentsAnswer(meta: ArticleMeta): PerLang {
  const helpers = readByline(meta.author).filter((p) => p.role === 'correspondent');
  if (!helpers.length) return { 'zh-Hans': '署名里没有通讯员', 'zh-Hant': '署名裡沒有通訊員', en: 'The byline names no correspondent' };
  const zh = names(helpers, '、');
  return { 'zh-Hans': simplify(zh), 'zh-Hant': zh, en: helpers.map((p) => `${romanise(p.name)} (${p.name})`).join(', ') };
}

/** A metadata field as a short answer in each script (English names the original too). */
export function metaAnswer(meta: ArticleMeta, field: MetaField, source: SourceRef, listed = false): PerLang {
  if (field === 'author') return authorAnswer(meta, source);
  if (field === 'correspondents') return correspondentsAnswer(meta);
  if (field === 'date') return dateAnswer(meta, listed);
  const value = field === 'editors' ? meta.editors.join('、') : meta[field];
  const en = source.en;
  const english = !en
    ? field === 'publication'
      ? paperInEnglish(value)
      : field === 'editors'
        ? meta.editors.map((e) => `${romanise(e)} (${e})`).join(', ')
        : value
    : field === 'publication'
      ? `${en.publication} (${meta.publication})`
      : field === 'editors'
        ? `${en.editors.join(', ')} (${value})`
        : `“${en.title}” (${meta[field]})`;
  return { 'zh-Hans': simplify(value), 'zh-Hant': value, en: english };
}

/** A field of each article, each with its article ("this article" is any of them). */
export function everyArticleAnswer(articles: { meta: ArticleMeta; source: SourceRef }[], field: MetaField): PerLang {
  const each = articles.map(({ meta, source }) => ({ value: metaAnswer(meta, field, source, true), meta }));
  // Which article each value is from: its byline when asked for the paper or title, else its paper.
  const byAuthor = field === 'publication' || field === 'title';
  const zh = (l: 'zh-Hans' | 'zh-Hant') =>
    each.map(({ value, meta }) => `${value[l]}（${(l === 'zh-Hans' ? simplify : (s: string) => s)(byAuthor ? meta.author : meta.publication)}）`).join('；');
  return {
    'zh-Hans': zh('zh-Hans'),
    'zh-Hant': zh('zh-Hant'),
    en: each.map(({ value, meta }) => `${value.en} (${byAuthor ? meta.author : meta.publication})`).join('; '),
  };
}

/** Papers in a list: 长江日报、广州日报. */
export function papers(each: PerLang[]): PerLang {
  const join = (l: keyof PerLang, sep: string) => [...new Set(each.map((p) => p[l]))].join(sep);
  return { 'zh-Hans': join('zh-Hans', '、'), 'zh-Hant': join('zh-Hant', '、'), en: join('en', ', ') };
}

/** The yes-or-no form: the answer, after a yes or a no. */
export function checked(answer: PerLang, agrees: boolean): PerLang {
  return agrees
    ? { 'zh-Hans': `是的：${answer['zh-Hans']}`, 'zh-Hant': `是的：${answer['zh-Hant']}`, en: `Yes: ${answer.en}` }
    : { 'zh-Hans': `不是：${answer['zh-Hans']}`, 'zh-Hant': `不是：${answer['zh-Hant']}`, en: `No: ${answer.en}` };
}

/** Where a question names an article: by its paper, the paper's city, or a person of its byline. */
export interface Mention {
  /** The article, or -1 for a paper no article is from (in a yes-or-no question). */
  article: number;
  field: 'publication' | 'author';
  /** The question without the name. */
  rest: string;
}

interface Name {
  text: string;
  article: number;
  kind: 'paper' | 'place' | 'person';
}

/**
 * The names that point to one article (長江日報, Changjiang Daily, 杭州, Hangzhou, 羅曉蕾), found in
 * folded text (Mandarin, Simplified, lower case); a name two articles share points to neither.
 */
export class ArticleNames {
  private readonly han: Name[];
  /** English names need pinyin-pro: built on the first question with Latin letters. */
  private latin: Name[] | undefined;

  constructor(private readonly articles: { meta: ArticleMeta; source: SourceRef }[]) {
    this.han = unique(
      articles.flatMap(({ meta }, article): Name[] => {
        const paper = simplify(meta.publication);
        const place = PAPER_PLACE.exec(paper)?.[1];
        return [
          { text: paper, article, kind: 'paper' },
          ...(place ? [{ text: place, article, kind: 'place' as const }] : []),
          ...readByline(meta.author).map((p) => ({ text: simplify(p.name), article, kind: 'person' as const })),
        ];
      }),
    );
  }

  private names(text: string): Name[] {
    if (!/[a-z]/u.test(text)) return this.han;
    this.latin ??= unique(
      this.articles.flatMap(({ meta, source }, article): Name[] => {
        const paper = source.en?.publication ?? paperInEnglish(meta.publication).replace(/\s*\(.*\)$/u, '');
        const place = PAPER_PLACE.exec(simplify(meta.publication))?.[1];
        return [
          { text: paper.toLowerCase().replace(/^the /u, ''), article, kind: 'paper' },
          ...(place ? [{ text: syllables(place, false).join(''), article, kind: 'place' as const }] : []),
        ];
      }),
    );
    return [...this.han, ...this.latin];
  }

  /** The first name of one article in the text (papers and people; cities too unless `noPlaces`). */
  mention(text: string, noPlaces = false): Mention | undefined {
    for (const n of this.names(text)) {
      if (noPlaces && n.kind === 'place') continue;
      const at = text.indexOf(n.text);
      // An English name is whole words (hangzhou, not a part of another word).
      if (at < 0 || (/[a-z]/u.test(n.text) && (/[a-z]/u.test(text[at - 1] ?? '') || /[a-z]/u.test(text[at + n.text.length] ?? '')))) continue;
      return { article: n.article, field: n.kind === 'person' ? 'author' : 'publication', rest: cut(text, at, n.text.length) };
    }
    return undefined;
  }

  /**
   * A yes-or-no question naming a paper or a person (是广州日报的吗, Is this from the Guangzhou
   * Daily?). A city is not enough: 是广州的吗 asks something else.
   */
  check(text: string): Mention | undefined {
    if (!YES_NO.test(text)) return undefined;
    const named = this.mention(text, true);
    if (named) return named;
    const other = SOME_PAPER.exec(text);
    return other ? { article: -1, field: 'publication', rest: cut(text, other.index, other[0].length) } : undefined;
  }
}

const cut = (text: string, at: number, length: number) => `${text.slice(0, at)} ${text.slice(at + length)}`;

/** Names of at least two characters that only one article has, longest first (长江日报 before 长江). */
function unique(names: Name[]): Name[] {
  const owners = new Map<string, Set<number>>();
  for (const n of names) owners.set(n.text, (owners.get(n.text) ?? new Set()).add(n.article));
  return names.filter((n) => [...n.text].length >= 2 && owners.get(n.text)!.size === 1).sort((a, b) => b.text.length - a.text.length);
}

/** The city a paper is named after: 杭州 of 杭州日报, 深圳 of 深圳特区报. */
const PAPER_PLACE = /^(\p{Script=Han}{2,4}?)(?:特区报|青年报|都市报|日报|晚报|早报|时报|商报)$/u;

/** Asks yes or no, in folded text (Mandarin, Simplified, lower case). */
const YES_NO = /吗|是不是|是否|对不对|对吧|^(?:is|was|did|does|are)\b/u;
/** A paper's name: 人民日报, 南方都市报, the people's daily. */
const SOME_PAPER = /\p{Script=Han}{2,4}(?:日报|晚报|时报|早报|商报|特区报|青年报|都市报)|\b[a-z]+(?: [a-z]+)? (?:daily|times|evening news|morning post)\b/u;
