/**
 * Splits Telegram HTML into messages of at most `max` characters, at sentence ends where it can,
 * never inside a tag or an entity, and with every chunk's tags balanced: tags open at a cut are
 * closed at its end and reopened at the start of the next chunk.
 */
import { TELEGRAM_MAX_CHARS } from '../qa/render.js';

interface Tag {
  tag: string;
  raw: string;
}
type Token = ({ kind: 'open' } & Tag) | ({ kind: 'close' } & Tag) | { kind: 'text'; raw: string };

function tokenize(html: string): Token[] {
  const out: Token[] = [];
  const re = /<(\/?)([a-z-]+)[^>]*>|[^<]+/giu;
  for (const m of html.matchAll(re)) {
    if (m[2]) out.push({ kind: m[1] ? 'close' : 'open', tag: m[2].toLowerCase(), raw: m[0] });
    else out.push({ kind: 'text', raw: m[0] });
  }
  return out;
}

/** Text pieces that end at a sentence end or a line break, each still whole HTML text (entities intact). */
function sentencePieces(text: string): string[] {
  return text.match(/[^。！？!?\n]*(?:[。！？!?]+[”’」』)]*|\n+|$)/gu)?.filter((p) => p.length > 0) ?? [text];
}

/** Cuts an over-long piece at a character boundary that is not inside an entity (&amp;). */
function hardCut(piece: string, room: number): [string, string] {
  let at = Math.max(1, room);
  const amp = piece.lastIndexOf('&', at);
  if (amp >= 0 && piece.indexOf(';', amp) >= at) at = amp;
  if (at > 0 && /[\uD800-\uDBFF]/.test(piece[at - 1]!)) at--;
  return [piece.slice(0, Math.max(1, at)), piece.slice(Math.max(1, at))];
}

export function splitHtml(html: string, max = TELEGRAM_MAX_CHARS): string[] {
  if (html.length <= max) return [html];
  const chunks: string[] = [];
  const open: Tag[] = [];
  let current = '';
  const closing = () => open.map((t) => `</${t.tag}>`).reverse().join('');
  const flush = () => {
    if (current.replace(/<[^>]*>/g, '').trim() !== '') chunks.push(current + closing());
    current = open.map((t) => t.raw).join('');
  };
  const append = (piece: string) => {
    let rest = piece;
    while (rest.length > 0) {
      const room = max - current.length - closing().length;
      if (rest.length <= room) {
        current += rest;
        return;
      }
      if (current.replace(/<[^>]*>/g, '').trim() !== '' && rest.length <= max - open.map((t) => t.raw).join('').length - closing().length) {
        flush();
        continue;
      }
      const [head, tail] = hardCut(rest, room);
      current += head;
      flush();
      rest = tail;
    }
  };
  for (const token of tokenize(html)) {
    if (token.kind === 'text') {
      for (const piece of sentencePieces(token.raw)) append(piece);
      continue;
    }
    if (current.length + token.raw.length + closing().length + (token.kind === 'open' ? token.tag.length + 3 : 0) > max) flush();
    current += token.raw;
    if (token.kind === 'open') open.push(token);
    else {
      const at = open.map((t) => t.tag).lastIndexOf(token.tag);
      if (at >= 0) open.splice(at, 1);
    }
  }
  if (current.replace(/<[^>]*>/g, '').trim() !== '') chunks.push(current + closing());
  return chunks;
}
