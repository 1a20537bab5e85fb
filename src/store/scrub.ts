/**
 * Personal data out of a question before the question log keeps it (question-log.ts). The text is
 * NFKC-normalised first (full-width digits and punctuation become ASCII), then these are replaced:
 *
 * - `<email>`: an e-mail address: a domain of Latin letters, digits, `.` and `-` ending in a dot and
 *   two letters or more after an `@`, with the Latin letters, digits and `._%+-` before the `@`
 *   (Han characters just before the `@` are kept: 我的邮箱是li@x.com keeps 我的邮箱是, 张三@x.com keeps 张三).
 * - `<user>`: an @username (`@` and 3 or more of `A–Z a–z 0–9 _`), a t.me/username link, and the id
 *   after 微信/微信号/wechat/weixin/vx/QQ/QQ号/telegram/tg (5–32 letters, digits, `_`, `-`).
 * - `<id>`: a letter or two followed by 6–9 digits, the last one possibly a check digit or `A` in
 *   parentheses (Hong Kong `A123456(7)` `AB123456(A)` `A1234567`, Taiwan `A123456789`, passports
 *   `E12345678` `K1234567`); a mainland ID number (18 digits, or 17 and X, whole or grouped 6-8-4);
 *   a Macau ID (`1234567(8)`).
 * - `<number>`: any other run of 7 digits or more, the digits possibly separated by up to 4 of
 *   space, tab, `-` `.` `/` `(` `)` `_` `–` `—` between any two of them (phone numbers in any
 *   grouping, bank cards, long amounts), with a `+` or `(` just before it (`+86`, `+852`, `(020)`).
 *   Digits are ASCII (after NFKC), any other decimal digit, and the Chinese numerals
 *   零〇一二三四五六七八九两幺 (一三八零零一三八零零零).
 * - `<name>`: a name given in a self-introduction:
 *   - the 1–3 Han characters (4 after a two-character surname such as 欧阳) or 1–3 Latin words after
 *     我叫, 我叫做, 我名叫, 我名字叫/是, 我的名字叫/是/係, 我嘅名係, 我个/個名叫, 本人姓名(是/为/為),
 *     本人名叫, 本人叫, 姓名是/为/為, 姓名: — not after 我叫了/过/着/的/他/她/它/你 (我叫了车);
 *   - after 我是, 我係, 我系, 本人是: one of ~110 common surnames (Simplified and Traditional; not
 *     those that start everyday words: 高 新 文 江 武 方 白…) and 1–2 more Han characters that end
 *     the clause (a space, punctuation or the end follows) and do not end in 的 人 了 吗 呢 啊 吧 哦:
 *     我是张三。→ 我是<name>。, 我係陳大文 → 我係<name>, but 我是外地人, 我是学生, 我是南沙的居民 stay;
 *   - the 1–3 Latin words after "my name is", "my name's", "my full name is", "I am called",
 *     "I'm called", stopping before a common word (and, from, i, in, how, what, …):
 *     "my name is John Smith and …" → "my name is <name> and …".
 *
 * Kept as they are: dates (2019-07-16, 16/07/2019, 2019.7.16: three groups with one separator),
 * year ranges (2019-2021), times (09:30), numbers of 6 digits or fewer (100项, 40%, 5个工作日,
 * QQ numbers of 5–6 digits unless introduced by "QQ"). Not recognised, hence kept: names mentioned
 * without one of the introductions above (张三说…, "I'm John", "this is John"), street addresses,
 * licence plates, dates of birth, e-mail addresses spelt out ("li at example dot com") or with
 * Han characters, numbers written with 十/百/千/万 (一千三百八十万), ID numbers of other countries
 * that do not have the shapes above.
 *
 * Every step is one pass over the text with bounded look-around (no pattern can backtrack over a
 * run of the same class: e-mails are found from their `@`), so the cost is linear in the length.
 */

/** Offsets of a replacement in the normalised text. */
interface Span {
  start: number;
  end: number;
  placeholder: string;
}

/** Characters read past a cut (scrubPersonalData's maxChars) so a number or address crossing it is seen whole. */
const LOOK_PAST_CUT = 100;
/** At most this many separator characters between two digits of one number (138  0013  8000). */
const MAX_SEPARATORS = 4;
/** Digits of a number worth hiding: shorter ones are counts, years, article numbers. */
const MIN_DIGITS = 7;

const CHINESE_DIGITS = new Set('零〇一二三四五六七八九两幺');
const OTHER_DIGIT = /^\p{Nd}$/u;
const LATIN_LETTER = /^\p{Script=Latin}$/u;

function isDigit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c >= 48 && c <= 57) return true;
  if (c < 0x660 || Number.isNaN(c)) return false;
  const ch = text[i]!;
  return CHINESE_DIGITS.has(ch) || OTHER_DIGIT.test(ch);
}

const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAsciiAlnum = (c: number): boolean => isAsciiDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** Latin letters beyond ASCII (é, ü) count as letters of an address; Han characters do not (我的邮箱li@x.com). */
const isLatinLetter = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return isAsciiAlnum(c) || (c >= 0xc0 && c < 0x2000 && LATIN_LETTER.test(text[i]!));
};
const isLocalChar = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || isLatinLetter(text, i);
};
const isDomainChar = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c === 46 || c === 45 || isLatinLetter(text, i);
};

/**
 * E-mail addresses, found from each `@` outwards: the scans stop at any character an address cannot
 * hold (another `@` among them), so each character is read at most twice whatever the text.
 */
function emails(text: string, add: (s: Span) => void): void {
  let floor = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > floor && isLocalChar(text, start - 1)) start--;
    let end = at + 1;
    let lastDot = -1;
    while (end < text.length && isDomainChar(text, end)) {
      if (text.charCodeAt(end) === 46) lastDot = end;
      end++;
    }
    // A sentence may end right after the address (mail li@x.com.): the trailing dot is not its.
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    if (lastDot >= end) {
      lastDot = end - 1;
      while (lastDot > at && text[lastDot] !== '.') lastDot--;
    }
    if (lastDot <= at + 1 || end - lastDot - 1 < 2) continue;
    let tld = true;
    for (let i = lastDot + 1; i < end && tld; i++) tld = !isAsciiDigit(text.charCodeAt(i)) && text[i] !== '-';
    if (!tld) continue;
    add({ start, end, placeholder: '<email>' });
    floor = end;
  }
}

/** Separators allowed between the digits of one number. */
const SEPARATORS = new Set(' \t-./()_–—');

interface Group {
  start: number;
  end: number;
  /** The separator characters before this group (empty for the first). */
  before: string;
}

/** Whether a group of a run is written the way dates are (all ASCII digits, a valid month and day). */
function isDate(groups: Group[], text: string): boolean {
  if (groups.length !== 3) return false;
  const sep = groups[1]!.before;
  if (sep.length !== 1 || !'-/.'.includes(sep) || groups[2]!.before !== sep) return false;
  const values = groups.map((g) => text.slice(g.start, g.end));
  if (!values.every((v) => /^[0-9]+$/.test(v))) return false;
  const [a, b, c] = values as [string, string, string];
  const day = (d: string, m: string) => d.length <= 2 && +d >= 1 && +d <= 31 && m.length <= 2 && +m >= 1 && +m <= 12;
  // 2019-07-16, 16/07/2019 and 07/16/2019
  return (a.length === 4 && day(c, b)) || (c.length === 4 && (day(a, b) || day(b, a)));
}

/** 2019-2021: two years with a dash or a slash. */
function isYearRange(groups: Group[], text: string): boolean {
  if (groups.length !== 2 || !['-', '/', '–', '—'].includes(groups[1]!.before)) return false;
  return groups.every((g) => g.end - g.start === 4 && /^(?:19|20)[0-9]{2}$/.test(text.slice(g.start, g.end)));
}

/** End of the digit group starting at i (characters another kind claimed are not digits). */
function groupEnd(text: string, taken: Uint8Array, i: number): number {
  let j = i;
  while (j < text.length && !taken[j] && isDigit(text, j)) j++;
  return j;
}

/**
 * Runs of digits with separators (phone numbers, ID and card numbers): one pass, each separator
 * looked at most twice (once when a run ends at it, once when the scan moves past it).
 */
function numbers(text: string, taken: Uint8Array, add: (s: Span) => boolean): void {
  const n = text.length;
  const digit = (i: number) => !taken[i] && isDigit(text, i);
  let i = 0;
  while (i < n) {
    if (!digit(i)) {
      i++;
      continue;
    }
    // Minutes of a time (09:30): not the start of a number.
    if (i >= 2 && text[i - 1] === ':' && isAsciiDigit(text.charCodeAt(i - 2))) {
      i = groupEnd(text, taken, i);
      continue;
    }
    const groups: Group[] = [];
    let j = i;
    let before = '';
    for (;;) {
      const end = groupEnd(text, taken, j);
      // The hour of a time (09:30) ends a number before it.
      if (end - j <= 2 && text[end] === ':' && isAsciiDigit(text.charCodeAt(end + 1))) {
        if (groups.length === 0) j = end;
        break;
      }
      groups.push({ start: j, end, before });
      let k = end;
      while (k < n && k - end < MAX_SEPARATORS && SEPARATORS.has(text[k]!)) k++;
      if (k === end || k >= n || !digit(k)) break;
      before = text.slice(end, k);
      j = k;
    }
    if (groups.length === 0) {
      i = j;
      continue;
    }
    const last = groups[groups.length - 1]!;
    i = last.end;
    const digits = groups.reduce((sum, g) => sum + g.end - g.start, 0);
    if (digits < MIN_DIGITS || isDate(groups, text) || isYearRange(groups, text)) continue;
    let start = groups[0]!.start;
    let end = last.end;
    const lengths = groups.map((g) => g.end - g.start).join(',');
    let placeholder = '<number>';
    const x = text[end] === 'X' || text[end] === 'x';
    if (lengths === '18' || lengths === '6,8,4' || (x && (lengths === '17' || lengths === '6,8,3'))) {
      placeholder = '<id>';
      if (x) end++;
    } else if (lengths === '7,1' && groups[1]!.before === '(' && text[end] === ')') {
      placeholder = '<id>';
    }
    // Parentheses opened or closed inside the number go with it: (020) 8888 8888, 1234567(8).
    const inside = text.slice(start, end);
    const opened = inside.split('(').length - inside.split(')').length;
    if (opened > 0 && text[end] === ')') end++;
    if (opened < 0 && text[start - 1] === '(') start--;
    if (text[start - 1] === '+') start--;
    if (add({ start, end, placeholder })) i = end;
  }
}

/** Common surnames (Simplified and Traditional) after 我是: not those that start everyday words (高中生, 文员, 江西人). */
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧蔡潘袁蒋余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范廖邹熊邱秦贾侯邵孟龙万段雷钱汤尹贺赖龚顾毛郝邢严覃洪薛闫阎欧戴傅莫孔冼麦关岑伍甘谷温' +
  '張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蕭蔣葉蘇呂盧鍾譚陸範鄒賈龍萬錢湯賀賴龔顧嚴閆閻歐麥關溫';
const COMPOUND_SURNAMES = '欧阳|歐陽|司马|司馬|上官|诸葛|諸葛|东方|東方|皇甫|尉迟|尉遲|公孙|公孫|慕容|令狐|司徒|夏侯|西门|西門';
/** Latin words that end a name (my name is John and …). */
const NOT_NAME = new Set(
  'a am an and are as at be born but by can could did do does for from had has have here how i im in is it just live living looking me my need needed not of on or please pls so thank thanks the to wanted want was were what when where which who why will with work working would'.split(' '),
);
const LATIN_WORDS = "[A-Za-z][A-Za-z'’-]*(?:[ \\t]+[A-Za-z][A-Za-z'’-]*){0,2}";
/** Introductions followed by a name (Han characters, or Latin words after a Chinese introduction). */
const CHINESE_INTRO = new RegExp(
  `(?:我的名字叫做|我的名字[叫是係]|我名字[叫是]|我名叫|我叫做|我叫|我嘅名[係系]|我[个個]名叫|本人姓名[是为為]?|本人名叫|本人叫|姓名[是为為:])(?![了过過着著的他她它你])[ \\t:]{0,3}((?:${COMPOUND_SURNAMES})\\p{Script=Han}{1,2}|\\p{Script=Han}{1,3}|${LATIN_WORDS})`,
  'gu',
);
/** 我是 + a common surname + one or two characters that end the clause. */
const I_AM = new RegExp(`(?:我是|我[係系]|本人是)([${SURNAMES}]\\p{Script=Han}{1,2})(?![\\p{L}\\p{N}])`, 'gu');
const NOT_NAME_END = new Set('的人了吗呢啊吧哦');
const ENGLISH_INTRO = new RegExp(`\\b(?:my (?:full )?name(?: is|'s|’s)|i(?: am|'m|’m|m) called)[ \\t]+(${LATIN_WORDS})`, 'giu');
/** An id given for a messenger (微信号 abc_123, QQ 12345): the id, not the word. */
// Spaces bounded ({0,3}): two unbounded runs of spaces side by side would be tried in every split.
const MESSENGER_ID = /(?<![A-Za-z])(?:微信号?|微信id|wechat(?:[ \t]{0,3}id)?|weixin|vx|qq号?|telegram|tg)[ \t]{0,3}(?:[:是为為]|is)?[ \t]{0,3}([A-Za-z0-9][A-Za-z0-9_-]{4,31})(?![A-Za-z0-9_-])/giu;
const TELEGRAM_LINK = /(?<![A-Za-z0-9])(?:https?:\/\/)?t\.me\/[A-Za-z0-9_]{3,}/giu;
const LETTER_ID = /(?<![A-Za-z0-9])[A-Za-z]{1,2}(?:[0-9]{6}\([0-9Aa]\)|[0-9]{6,9}|[0-9]{6}[Aa])(?![A-Za-z0-9])/gu;
const USERNAME = /@[A-Za-z0-9_]{3,}/gu;

/** Latin words of a name, up to the first word that is not one (and, from…): their end offset in `words`, 0 when none. */
function nameEnd(words: string): number {
  let end = 0;
  for (const m of words.matchAll(/[^ \t]+/gu)) {
    if (NOT_NAME.has(m[0].toLowerCase().replace(/[’']/g, ''))) break;
    end = m.index + m[0].length;
  }
  return end;
}

function names(text: string, add: (s: Span) => void): void {
  for (const m of text.matchAll(CHINESE_INTRO)) {
    const name = m[1]!;
    const start = m.index + m[0].length - name.length;
    const end = /^[A-Za-z]/.test(name) ? start + nameEnd(name) : start + name.length;
    if (end > start) add({ start, end, placeholder: '<name>' });
  }
  for (const m of text.matchAll(I_AM)) {
    const name = m[1]!;
    if (NOT_NAME_END.has(name[name.length - 1]!)) continue;
    add({ start: m.index + m[0].length - name.length, end: m.index + m[0].length, placeholder: '<name>' });
  }
  for (const m of text.matchAll(ENGLISH_INTRO)) {
    const start = m.index + m[0].length - m[1]!.length;
    const end = start + nameEnd(m[1]!);
    if (end > start) add({ start, end, placeholder: '<name>' });
  }
}

function matches(text: string, pattern: RegExp, placeholder: string, add: (s: Span) => void, group = 0): void {
  for (const m of text.matchAll(pattern)) {
    const found = m[group]!;
    const start = m.index + m[0].length - (group ? found.length : m[0].length);
    add({ start, end: start + found.length, placeholder });
  }
}

/** What to replace in a normalised text, in order, none overlapping: the first kind to claim a character keeps it. */
function spansOf(text: string): Span[] {
  const taken = new Uint8Array(text.length);
  const spans: Span[] = [];
  // Each kind's own spans do not overlap one another, so the checks below read each character a bounded number of times.
  const add = (s: Span): boolean => {
    for (let i = s.start; i < s.end; i++) if (taken[i]) return false;
    taken.fill(1, s.start, s.end);
    spans.push(s);
    return true;
  };
  emails(text, add);
  matches(text, TELEGRAM_LINK, '<user>', add);
  names(text, add);
  matches(text, MESSENGER_ID, '<user>', add, 1);
  matches(text, LETTER_ID, '<id>', add);
  numbers(text, taken, add);
  matches(text, USERNAME, '<user>', add);
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * Steps over up to `count` code points of `text` from `from`, not past `to`: the offset reached and
 * how many code points were stepped over (a surrogate pair is one).
 */
function advance(text: string, from: number, count: number, to: number): [number, number] {
  let i = from;
  let k = 0;
  for (; k < count && i < to; k++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return [Math.min(i, Math.max(to, from)), k];
}

/**
 * The text with personal data replaced by placeholders (see the list at the top of this file).
 *
 * @param maxChars keep at most this many characters (code points) of the result, a placeholder
 *   counted as its length and never cut in two: only the first maxChars + LOOK_PAST_CUT characters
 *   of the text are read, and nothing from the last LOOK_PAST_CUT of those is kept, so a number
 *   crossing the cut is recognised whole and none of its digits is kept.
 */
export function scrubPersonalData(text: string, maxChars = Infinity): string {
  const cut = maxChars === Infinity ? text.length : advance(text, 0, maxChars + LOOK_PAST_CUT, text.length)[0];
  const norm = (cut < text.length ? text.slice(0, cut) : text).normalize('NFKC');
  // NFKC may shorten a text (composed accents): the margin is measured in what is read.
  const limit = cut < text.length ? Math.max(0, norm.length - LOOK_PAST_CUT) : norm.length;
  let out = '';
  let count = 0;
  let i = 0;
  /** Copies the text up to `to`, within the budget: false when the budget ran out first. */
  const copy = (to: number): boolean => {
    if (maxChars === Infinity) {
      out += norm.slice(i, to);
      i = to;
      return true;
    }
    const [end, steps] = advance(norm, i, maxChars - count, to);
    out += norm.slice(i, end);
    count += steps;
    i = end;
    return i >= to;
  };
  for (const span of spansOf(norm)) {
    if (span.start >= limit) break;
    if (!copy(span.start) || count + span.placeholder.length > maxChars) return out;
    out += span.placeholder;
    count += span.placeholder.length;
    i = span.end;
  }
  if (i < limit) copy(limit);
  return out;
}
