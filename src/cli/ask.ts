/**
 * `npm run ask -- "<question>"` prints the reply a person would read.
 * `npm run --silent ask -- --jsonl` reads one question per line on stdin and writes one JSON object
 * per line, in order (the evaluation's contract: keep it stable):
 *   {"question","found","quote","reply","short_answer","source","paragraph","sentence","score","lang","related","choices"}
 * `related` is set only for a partial reply (the article speaks of the subject but does not give what
 * was asked: `found` is false): {"quote","paragraph","sentence"} of the closest sentence; null otherwise.
 * `choices` ("did you mean", only when `found` is false; empty when none): up to three
 * {"sentence","article","label"} that may answer, best first.
 * Each line is a question of its own, unless `--session`: then the lines are one conversation, a
 * follow-up (能办多少项？) is read with the last subject, and each object also has "read_with" (the
 * subject, or null).
 */
import { createInterface } from 'node:readline';
import { Conversations } from '../qa/conversation.js';
import type { Result } from '../qa/engine.js';
import { openEngineOrExit } from './or-exit.js';
import { render, type RenderContext } from '../qa/render.js';

export function toJsonLine(question: string, result: Result, ctx: RenderContext, session?: { readWith: string | undefined }): string {
  const found = result.found ? result : null;
  const quoted = result.found && result.kind === 'sentence' ? result : null;
  return JSON.stringify({
    question,
    found: result.found,
    quote: quoted?.quote ?? null,
    reply: render(result, 'text', ctx, result.lang, { readWith: session?.readWith }),
    short_answer: found?.shortAnswer?.[result.lang] ?? null,
    source: found
      ? {
          title: found.source.title,
          publication: found.source.publication,
          author: found.source.author,
          date: found.source.date,
          editors: found.source.editors,
        }
      : null,
    paragraph: quoted?.paragraph ?? null,
    sentence: quoted?.sentenceId ?? null,
    score: result.score,
    lang: result.lang,
    related: result.kind === 'partial' ? { quote: result.related.quote, paragraph: result.related.paragraph, sentence: result.related.sentenceId } : null,
    choices: result.found ? [] : result.choices.map((c) => ({ sentence: c.sentenceId, article: c.source.articleId, label: c.label })),
    ...(session ? { read_with: session.readWith ?? null } : {}),
  });
}

async function jsonl(conversations: Conversations, ctx: RenderContext, session: boolean): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const { result, readWith } = conversations.ask(session ? 'session' : undefined, line);
    process.stdout.write(`${toJsonLine(line, result, ctx, session ? { readWith } : undefined)}\n`);
  }
}

const args = process.argv.slice(2);
const { engine, ctx, followUpMs } = openEngineOrExit();
if (args.includes('--jsonl')) {
  await jsonl(new Conversations(engine, { ttlMs: followUpMs }), ctx, args.includes('--session'));
} else if (args[0] === '--explain') {
  const e = engine.explain(args.slice(1).join(' '));
  console.log(`read as: ${e.text}\noutcome: ${e.outcome}\nasks for: ${e.asks.join(', ') || '-'}`);
  for (const t of e.terms) console.log(`  ${t.text.padEnd(14)} ${t.kind.padEnd(9)} ${t.weight.toFixed(2).padStart(5)}  ${t.alts.join(' ')}`);
  for (const u of e.top) console.log(`  ${u.score.toFixed(3)}  ${u.unit}`);
} else if (args.length === 0) {
  console.error('usage: npm run ask -- "<question>"   or   npm run --silent ask -- --jsonl < questions.txt');
  process.exit(2);
} else {
  console.log(render(engine.answer(args.join(' ')), 'text', ctx));
}
