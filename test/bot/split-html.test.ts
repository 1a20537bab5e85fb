import { describe, expect, it } from 'vitest';
import { splitHtml } from '../../src/bot/split-html.js';
import { escapeHtml } from '../../src/qa/render.js';
import { parseTelegramHtml } from '../support/bot-api-standin.js';

const visible = (html: string) => parseTelegramHtml(html).text;

describe('splitHtml', () => {
  it('leaves a message that fits alone', () => {
    expect(splitHtml('<b>短</b>文本')).toEqual(['<b>短</b>文本']);
  });

  it('cuts a long reply at sentence ends into valid, balanced Telegram HTML of at most 4096 characters, losing nothing', () => {
    const sentence = (i: number) => escapeHtml(`第${i}句：减证便民 & <改革>，广州取消证明事项430项。`);
    const html = `<b>要点</b>\n${Array.from({ length: 300 }, (_, i) => `<i>${sentence(i)}</i>`).join('')}<blockquote>${Array.from({ length: 200 }, (_, i) => sentence(i)).join('')}</blockquote>`;
    const parts = splitHtml(html);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(() => parseTelegramHtml(part)).not.toThrow();
    }
    for (const part of parts.slice(0, -1)) expect(visible(part)).toMatch(/[。\n]$/);
    expect(parts.map(visible).join('')).toBe(visible(html));
  });

  it('cuts text without sentence ends inside the text, never inside a tag or an entity', () => {
    const html = `<blockquote>${'&amp;无标点'.repeat(3000)}</blockquote>`;
    const parts = splitHtml(html);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(() => parseTelegramHtml(part)).not.toThrow();
    }
    expect(parts.map(visible).join('')).toBe(visible(html));
  });
});
