import { describe, expect, it } from 'vitest';
import { QUESTION_LOG_CHARS } from '../../src/store/question-log.js';
import { scrubPersonalData } from '../../src/store/scrub.js';

/** [what is typed, what the log keeps] */
const REPLACED: [string, string][] = [
  // Phone numbers, in every grouping and separator
  ['13800138000', '<number>'],
  ['138 0013 8000', '<number>'],
  ['138  0013  8000', '<number>'],
  ['138    0013    8000', '<number>'],
  ['138-0013-8000', '<number>'],
  ['138.0013.8000', '<number>'],
  ['138/0013/8000', '<number>'],
  ['138 - 0013 - 8000', '<number>'],
  ['(020) 8888 8888', '<number>'],
  ['020-88888888', '<number>'],
  ['+86 138 0013 8000', '<number>'],
  ['+8613800138000', '<number>'],
  ['+852 9123 4567', '<number>'],
  ['９１２３ ４５６７', '<number>'],
  ['１３８－００１３－８０００', '<number>'],
  ['（020）８８８８８８８８', '<number>'],
  ['一三八零零一三八零零零', '<number>'],
  ['幺三八〇〇幺三八〇〇〇', '<number>'],
  ['一三八 零零一三 八零零零', '<number>'],
  ['两两两两两两两', '<number>'],
  ['电话：13800138000，谢谢', '电话:<number>,谢谢'],
  ['我的电话13800138000南沙落户要多久', '我的电话<number>南沙落户要多久'],
  // ID numbers
  ['44010619900101123X', '<id>'],
  ['44010619900101123x', '<id>'],
  ['440106199001011234', '<id>'],
  ['440106 19900101 1234', '<id>'],
  ['440106 19900101 123X', '<id>'],
  ['A123456(7)', '<id>'],
  ['a123456(7)', '<id>'],
  ['AB123456(A)', '<id>'],
  ['A1234567', '<id>'],
  ['AB1234567', '<id>'],
  ['身份证Ａ１２３４５６（７）', '身份证<id>'],
  ['1234567(8)', '<id>'],
  ['A123456789', '<id>'],
  ['E12345678', '<id>'],
  ['K1234567', '<id>'],
  ['护照号E12345678。', '护照号<id>。'],
  // Bank cards
  ['6222021234567890123', '<number>'],
  ['6222 0212 3456 7890 123', '<number>'],
  ['6222-0212-3456-7890', '<number>'],
  ['4111 1111 1111 1111', '<number>'],
  // E-mail addresses and usernames
  ['li@example.com', '<email>'],
  ['li.ming+bot@mail.example.com.cn', '<email>'],
  ['邮箱：li@example.com。', '邮箱:<email>。'],
  ['我的邮箱是li_ming@qq.com', '我的邮箱是<email>'],
  ['mail me at li@example.com.', 'mail me at <email>.'],
  ['li＠example．com', '<email>'],
  ['ali@example.com and bo@example.org', '<email> and <email>'],
  ['@li_ming', '<user>'],
  ['问一下 @li_ming 好吗', '问一下 <user> 好吗'],
  ['https://t.me/li_ming', '<user>'],
  ['微信号 wxid_abc123', '微信号 <user>'],
  ['加我微信：liming2024', '加我微信:<user>'],
  ['QQ 123456', 'QQ <user>'],
  // Names in self-introductions
  ['我叫张三', '我叫<name>'],
  ['我叫张三，南沙落户要多久', '我叫<name>,南沙落户要多久'],
  ['我是李四', '我是<name>'],
  ['我是李四，想问问落户', '我是<name>,想问问落户'],
  ['我是王老师。', '我是<name>。'],
  ['我叫陳大文', '我叫<name>'],
  ['我係陳大文', '我係<name>'],
  ['我叫做陳大文', '我叫做<name>'],
  ['我的名字是欧阳娜娜', '我的名字是<name>'],
  ['本人姓名：刘德华', '本人姓名:<name>'],
  ['姓名：张小明', '姓名:<name>'],
  ['我叫 John Smith', '我叫 <name>'],
  ['my name is John Smith', 'my name is <name>'],
  ['My name is John and I live in Nansha', 'My name is <name> and I live in Nansha'],
  ["my name's mary-jane o'neil, how long", "my name's <name>, how long"],
  ["I'm called Mary.", "I'm called <name>."],
  ['I am called Li Ming', 'I am called <name>'],
];

/** Typed and kept as they are. */
const KEPT: string[] = [
  '2019年7月16日',
  '7月16日',
  '100项',
  '40%',
  '压缩至5个工作日',
  '第十条',
  '第3条第2款',
  '2019-07-16',
  '2019/07/16',
  '16/07/2019',
  '2019.7.16',
  '2019-07-16 09:30',
  '09:30',
  '9:30-17:30',
  '2019-2021年',
  '1,000,000元',
  '430项证明',
  '12345',
  '123456',
  'How long does it take to settle in Nansha?',
  'The Nansha hukou took 10 working days in 2019.',
  '我是外地人',
  '我是学生',
  '我是南沙的居民',
  '我是高中生',
  '我是黄埔人',
  '我是张三的妈妈想问问',
  '我叫了车',
  "I'm a student",
  "I'm John",
  'my name is not important',
  'ISO9001认证',
  'GB50016',
  'a@a.a',
  '@@@@',
  'call 110 or 120',
];

describe('scrubPersonalData', () => {
  it.each(REPLACED)('%s → %s', (typed, kept) => {
    expect(scrubPersonalData(typed)).toBe(kept);
  });

  it.each(KEPT)('keeps %s', (typed) => {
    expect(scrubPersonalData(typed)).toBe(typed.normalize('NFKC'));
  });

  it('scrubs every item of a message that holds many', () => {
    expect(scrubPersonalData('我叫张三，电话138 0013 8000，身份证44010619900101123X，邮箱zs@example.com，@zhangsan')).toBe(
      '我叫<name>,电话<number>,身份证<id>,邮箱<email>,<user>',
    );
  });
});

describe('the question log’s cut (maxChars)', () => {
  const cp = (s: string) => [...s].length;

  it('keeps at most maxChars characters of a 100,007-character message', () => {
    const kept = scrubPersonalData('南'.repeat(100_007), QUESTION_LOG_CHARS);
    expect(cp(kept)).toBe(QUESTION_LOG_CHARS);
    expect(kept).toBe('南'.repeat(QUESTION_LOG_CHARS));
  });

  it('keeps a short question whole', () => {
    expect(scrubPersonalData('南沙落户要多久 13800138000', QUESTION_LOG_CHARS)).toBe('南沙落户要多久 <number>');
  });

  it('never keeps the first digits of a number that crosses the cut, wherever the cut falls', () => {
    const phone = '13800138000';
    for (let at = 280; at <= 310; at++) {
      for (const sep of ['', ' ', '  ', '-']) {
        const number = [phone.slice(0, 3), phone.slice(3, 7), phone.slice(7)].join(sep);
        const text = 'x'.repeat(at) + number + '南'.repeat(500);
        const kept = scrubPersonalData(text, QUESTION_LOG_CHARS);
        expect(cp(kept)).toBeLessThanOrEqual(QUESTION_LOG_CHARS);
        expect(kept, `at ${at}, "${sep}"`).not.toMatch(/\d/);
        expect(kept.startsWith('x'.repeat(Math.min(at, QUESTION_LOG_CHARS - 8)))).toBe(true);
      }
    }
  });

  it('a number crossing the cut after long replaced runs (placeholders shorter than what they replace) is not kept either', () => {
    const text = '1'.repeat(380) + 'x138 0013 8000' + '南'.repeat(100);
    expect(scrubPersonalData(text, QUESTION_LOG_CHARS)).not.toMatch(/\d/);
    const mails = Array.from({ length: 30 }, (_, i) => `someone.long${i}@example.com`).join(' ') + ' 13800138000';
    expect(scrubPersonalData(mails, QUESTION_LOG_CHARS)).not.toMatch(/\d{2}/);
  });

  it('cuts on a code point, never inside a placeholder', () => {
    const emoji = scrubPersonalData('😀'.repeat(400), QUESTION_LOG_CHARS);
    expect(emoji).toBe('😀'.repeat(QUESTION_LOG_CHARS));
    const placeholders = scrubPersonalData('13800138000 '.repeat(100), QUESTION_LOG_CHARS);
    expect(placeholders).toMatch(/^(?:<number> )*<number> ?$/);
    expect(cp(placeholders)).toBeLessThanOrEqual(QUESTION_LOG_CHARS);
  });
});
