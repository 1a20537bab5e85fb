/**
 * Reading a byline: who is named in it, and as what. 毛梓銘 is the writer; 長江日報記者 羅曉蕾
 * 通訊員 肖雲鵬 names a reporter and a correspondent; 本報評論員 names nobody, and must not be shown
 * as if it were a person.
 */

export type Role = 'writer' | 'reporter' | 'correspondent' | 'other';

export interface Person {
  name: string;
  role: Role;
  /** The byline's own words for the role (長江日報記者, 通訊員), or '' for a plain name. */
  label: string;
}

/** Words that end a role label, in both scripts; a label may start with its paper (本報, 長江日報). */
const ROLE = /(?:記者|记者|通訊員|通讯员|實習生|实习生|評論員|评论员|特約撰稿人|特约撰稿人|撰稿人|攝影|摄影|編譯|编译)$/u;
/** 文/毛梓銘, 圖/…: a mark before the name, not a role. */
const MARK = /^(?:文|圖|图)$/u;
const ROLE_IN = /^(.*?(?:記者|记者|通訊員|通讯员|實習生|实习生|評論員|评论员|特約撰稿人|特约撰稿人|撰稿人|攝影|摄影|編譯|编译))(.*)$/u;
/** A personal name: 2 to 4 Han characters, or Latin words. */
const NAME = /^(?:\p{Script=Han}{2,4}|[A-Za-z][A-Za-z .'-]{1,40})$/u;
/** Bylines are short; longer text is not read. */
const MAX_BYLINE = 80;

function roleOf(label: string): Role {
  if (/記者|记者/u.test(label)) return 'reporter';
  if (/通訊員|通讯员/u.test(label)) return 'correspondent';
  return label ? 'other' : 'writer';
}

/** The people a byline names, each with its role, in the byline's order. */
export function readByline(byline: string): Person[] {
  const people: Person[] = [];
  let label = '';
  for (const raw of byline.slice(0, MAX_BYLINE).split(/[\s\u3000、,，;；:：/｜|]+/u)) {
    let token = raw.trim();
    if (!token) continue;
    const glued = ROLE_IN.exec(token);
    if (glued && glued[2]) {
      // 本報記者沈佳穎: the label, then a name.
      label = glued[1]!;
      token = glued[2];
    } else if (MARK.test(token)) {
      label = '';
      continue;
    } else if (ROLE.test(token)) {
      label = token;
      continue;
    }
    if (NAME.test(token)) people.push({ name: token, role: roleOf(label), label });
  }
  return people;
}
