/**
 * `npm run chat`: the bot's replies in a terminal, without Telegram. Commands work as in a private
 * chat with the bot: /start, /help, /facts, /source, /lang zh-Hans|zh-Hant|en|auto, /ask <question>;
 * a reply's "did you mean" choices are numbered, and typing the number picks one; /quit leaves.
 */
import { createInterface } from 'node:readline/promises';
import { EXAMPLES, factsMessage, helpMessage, langChoice, sourceMessage } from '../bot/messages.js';
import { TEXTS } from '../bot/texts.js';
import type { Lang } from '../knowledge/schema.js';
import { openEngineOrExit } from './or-exit.js';
import { Conversations } from '../qa/conversation.js';
import type { Choice } from '../qa/engine.js';
import { render } from '../qa/render.js';

const { engine, ctx, followUpMs } = openEngineOrExit();
/** The terminal is one conversation: a follow-up is read with the last subject (FOLLOW_UP_MINUTES). */
const conversation = new Conversations(engine, { ttlMs: followUpMs });
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
/** Fixed by /lang; otherwise each reply follows its question (commands: the last question's language). */
let fixed: Lang | undefined;
let last: Lang = 'zh-Hans';
const lang = (): Lang => fixed ?? last;

/** A command's reply, or undefined when the line is a question. */
function command(line: string): string | undefined {
  const m = /^\/([a-z]+)(?:@\S+)?\s*(.*)$/is.exec(line);
  if (!m) return undefined;
  const [, name, arg] = [m[0], m[1]!.toLowerCase(), m[2]!];
  switch (name) {
    case 'start':
    case 'help':
      return helpMessage(engine, ctx, lang(), 'text');
    case 'facts':
      return factsMessage(engine, ctx, lang(), 'text');
    case 'source':
      return sourceMessage(engine, ctx, lang(), 'text');
    case 'lang': {
      const choice = langChoice(arg);
      if (choice === 'auto') fixed = undefined;
      else if (choice) fixed = choice;
      return choice === 'auto' ? TEXTS[lang()].langAuto : choice ? TEXTS[choice].langSet : TEXTS[lang()].langUsage;
    }
    case 'ask':
      return arg.trim() ? answer(arg) : TEXTS[lang()].askUsage(engine.example(lang()));
    default:
      return helpMessage(engine, ctx, lang(), 'text');
  }
}

/** The last reply's "did you mean" choices: typing 1–3 picks one, as a tap does in Telegram. */
let choices: Choice[] = [];

function answer(question: string): string {
  const picked = /^[1-9]$/.test(question) ? choices[Number(question) - 1] : undefined;
  if (picked) {
    choices = [];
    const result = engine.answerSentence(picked.source.articleId, picked.sentenceId, lang());
    if (result) return render(result, 'text', ctx, lang());
  }
  const { result, readWith } = conversation.ask('chat', question);
  last = result.lang;
  choices = result.found ? [] : result.choices;
  return render(result, 'text', ctx, fixed ?? result.lang, { readWith });
}

console.log(helpMessage(engine, ctx, lang(), 'text'));
console.log(`\n(${EXAMPLES} examples above; /facts, /source, /lang zh-Hans|zh-Hant|en|auto; /quit or Ctrl-D to leave)`);
rl.setPrompt('\n> ');
rl.prompt();
for await (const line of rl) {
  const text = line.trim();
  if (text === '/quit' || text === '/exit') break;
  if (text) console.log(command(text) ?? answer(text));
  rl.prompt();
}
rl.close();
