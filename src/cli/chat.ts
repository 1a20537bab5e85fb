/** `npm run chat`: the bot's replies in a terminal, without Telegram. `/lang zh-Hans|zh-Hant|en` fixes the reply language. */
import { createInterface } from 'node:readline/promises';
import { LangSchema, type Lang } from '../knowledge/schema.js';
import { openEngineOrExit } from '../qa/open-engine.js';
import { render } from '../qa/render.js';

const { engine, ctx } = openEngineOrExit();
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
let lang: Lang | undefined;
console.log(render(engine.answer('你好'), 'text', ctx));
console.log('\n(/lang zh-Hans|zh-Hant|en to fix the reply language, /quit or Ctrl-D to leave)');
rl.setPrompt('\n> ');
rl.prompt();
for await (const line of rl) {
  const text = line.trim();
  if (text === '/quit' || text === '/exit') break;
  if (text.startsWith('/lang')) {
    const choice = LangSchema.safeParse(text.split(/\s+/)[1]);
    lang = choice.success ? choice.data : undefined;
    console.log(choice.success ? `Replies in ${choice.data}.` : 'Replies follow the language of each question. (/lang zh-Hans|zh-Hant|en)');
  } else if (text) {
    const result = engine.answer(text);
    console.log(render(result, 'text', ctx, lang ?? result.lang));
  }
  rl.prompt();
}
rl.close();
