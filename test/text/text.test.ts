import { describe, expect, it } from 'vitest';
import { detectLang, fold, foldMany, simplify } from '../../src/text/normalize.js';
import { PhraseLists, Phrases } from '../../src/text/phrases.js';
import { Trie } from '../../src/text/trie.js';

describe('normalize', () => {
  it('converts Hong Kong and Taiwan Traditional to Simplified, and leaves Simplified as it is', () => {
    expect(simplify('現在來南沙落戶')).toBe('现在来南沙落户');
    expect(simplify('臺灣的雲端服務')).toBe('台湾的云端服务');
    expect(simplify('啲嘢點樣')).toBe(simplify('啲嘢點樣'));
    const simplified = '现在来南沙落户,从申报到落户只需10个工作日即可';
    expect(simplify(simplified)).toBe(simplified);
  });

  it('folds width, case, script and punctuation; many texts at once as one by one', () => {
    expect(fold('ＮＡＮＳＨＡ　南沙落戶？！')).toBe('nansha 南沙落户');
    const texts = ['證照做“減法”', 'How LONG?', '', '  精準，即服務更精準。'];
    expect(foldMany(texts)).toEqual(texts.map(fold));
  });

  it('removes invisible format characters inside a word instead of splitting it', () => {
    expect(fold('南\u200b沙落\u2060户要多久\ufeff')).toBe(fold('南沙落户要多久'));
    expect(fold('re\u00adform\u200e')).toBe('reform');
  });

  it('tells the asker’s language and script', () => {
    expect(detectLang('南沙落户要多久')).toBe('zh-Hans');
    expect(detectLang('南沙落戶要幾耐？')).toBe('zh-Hant');
    expect(detectLang('How long in Nansha?')).toBe('en');
    expect(detectLang('🙂 123')).toBe('other');
    // An English sentence quoting a Chinese term is English; a Chinese one with an English word is Chinese.
    expect(detectLang('What does 减证便民 mean?')).toBe('en');
    expect(detectLang('How long does 南沙落户 take?')).toBe('en');
    expect(detectLang('APP上怎么办理')).toBe('zh-Hans');
    expect(detectLang('有没有app可以办')).toBe('zh-Hans');
    expect(detectLang('琶洲驛站 opening hours')).toBe('zh-Hant');
  });
});

describe('Trie', () => {
  it('finds every word starting at a place, shortest first, and the longest', () => {
    const trie = new Trie<string>();
    trie.add('南沙', 'place');
    trie.add('南沙区', 'district');
    const found: [number, string | undefined][] = [];
    trie.matches('去南沙区', 1, (length, value) => found.push([length, value]));
    expect(found).toEqual([
      [2, 'place'],
      [3, 'district'],
    ]);
    expect(trie.longest('去南沙区', 1)).toEqual({ length: 3, value: 'district' });
    expect(trie.longest('去南沙区', 0).length).toBe(0);
    expect(trie.has('南')).toBe(false);
  });
});

describe('Phrases', () => {
  const help = new Phrases(['help', '怎么用', 'what time is it', '现在几点', '几点']);

  it('finds Chinese phrases anywhere and English ones as whole words only', () => {
    expect(help.test(fold('Can you help me?'))).toBe(true);
    expect(help.test(fold('helpful'))).toBe(false);
    expect(help.test(fold('这个怎么用啊'))).toBe(true);
    expect(help.test(fold('怎麼用'))).toBe(true);
  });

  it('takes the longest phrase at a place, without overlaps, and removes what it finds', () => {
    expect(help.find(fold('现在几点了'))).toEqual([{ at: 0, end: 4 }]);
    expect(help.remove(fold('help 南沙落户'))).toBe('  南沙落户');
    expect(help.remove(fold('这个怎么用'))).toBe('这个 ');
  });

  it('gives each list its first match, scanning once', () => {
    const lists = new PhraseLists([['多少钱', 'how much'], ['哪些', 'which'], ['电话']]);
    const [fee, list, phone] = lists.first(fold('办理要多少钱,有哪些材料'));
    expect(fee).toMatchObject({ at: 3, end: 6 });
    expect(list).toMatchObject({ at: 8, end: 10 });
    expect(phone).toBeUndefined();
    expect(lists.first(fold('which one costs how much'))[0]).toMatchObject({ at: 16 });
  });
});
