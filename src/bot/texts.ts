/**
 * The bot's own words in the three reply languages. What the articles are about (`topic`, from
 * knowledge/bot.json) and an example question (`example`, the first key fact's) come from the
 * knowledge: no article's words are written here.
 */
import type { Lang } from '../knowledge/schema.js';

export interface Texts {
  help: (covers: string, topic: string) => string;
  examples: string;
  facts: string;
  langSet: string;
  langAuto: string;
  langUsage: string;
  askUsage: (example: string) => string;
  sendText: (example: string) => string;
  groupIntro: (username: string, topic: string) => string;
  staleButton: string;
  slowDown: string;
  storageDown: string;
  commands: (example: string) => { command: string; description: string }[];
}

const commands = (ask: string, start: string, help: string, source: string, facts: string, lang: string) => [
  { command: 'ask', description: ask },
  { command: 'help', description: help },
  { command: 'facts', description: facts },
  { command: 'source', description: source },
  { command: 'lang', description: lang },
  { command: 'start', description: start },
];

export const TEXTS: Record<Lang, Texts> = {
  'zh-Hans': {
    help: (c, topic) =>
      `我回答关于${topic}的问题，每个回答都引用原文并注明出处。资料：${c}。\n\n直接发问题给我；在群里用 /ask 问题、@我，或回复我的消息。/facts 看要点，/source 看出处，/lang 切换语言。`,
    examples: '可以试试：',
    facts: '要点',
    langSet: '好的，之后用简体中文回答。',
    langAuto: '好的，之后按提问的语言回答。',
    langUsage: '用法：/lang zh-Hans（简体）、/lang zh-Hant（繁體）、/lang en（English）、/lang auto（跟随提问）',
    askUsage: (e) => `用法：/ask ${e}`,
    sendText: (e) => `请用文字提问，例如：${e}`,
    groupIntro: (u, topic) => `大家好！我回答关于${topic}的问题，引用原文并注明出处。用 /ask 问题，或 @${u} 提问。`,
    staleButton: '这个按钮已过期，请直接提问。',
    slowDown: '消息太多了，请慢一点：我稍后再回答新的问题。',
    storageDown: '暂时无法保存，请稍后再试。',
    commands: (e) => commands(`提问：/ask ${e}`, '开始', '我能回答什么', '文章出处和摘要', '改革要点', '回答语言：zh-Hans、zh-Hant、en'),
  },
  'zh-Hant': {
    help: (c, topic) =>
      `我回答關於${topic}的問題，每個回答都引用原文並註明出處。資料：${c}。\n\n直接傳問題給我；在群組用 /ask 問題、@我，或回覆我的訊息。/facts 看要點，/source 看出處，/lang 切換語言。`,
    examples: '可以試試：',
    facts: '要點',
    langSet: '好的，之後用繁體中文回答。',
    langAuto: '好的，之後按提問的語言回答。',
    langUsage: '用法：/lang zh-Hans（简体）、/lang zh-Hant（繁體）、/lang en（English）、/lang auto（跟隨提問）',
    askUsage: (e) => `用法：/ask ${e}`,
    sendText: (e) => `請用文字提問，例如：${e}`,
    groupIntro: (u, topic) => `大家好！我回答關於${topic}的問題，引用原文並註明出處。用 /ask 問題，或 @${u} 提問。`,
    staleButton: '這個按鈕已過期，請直接提問。',
    slowDown: '訊息太多了，請慢一點：我稍後再回答新的問題。',
    storageDown: '暫時無法儲存，請稍後再試。',
    commands: (e) => commands(`提問：/ask ${e}`, '開始', '我能回答甚麼', '文章出處和摘要', '改革要點', '回答語言：zh-Hans、zh-Hant、en'),
  },
  en: {
    help: (c, topic) =>
      `I answer questions about ${topic}, quoting the article each answer rests on. Source: ${c}.\n\nSend me a question; in groups use /ask <question>, mention me, or reply to my message. /facts for the key facts, /source for the article, /lang to change language.`,
    examples: 'Try:',
    facts: 'Key facts',
    langSet: 'OK, I will answer in English.',
    langAuto: 'OK, I will answer in the language of each question.',
    langUsage: 'Usage: /lang zh-Hans (简体), /lang zh-Hant (繁體), /lang en (English), /lang auto (follow each question)',
    askUsage: (e) => `Usage: /ask ${e}`,
    sendText: (e) => `Please send your question as text, e.g. ${e}`,
    groupIntro: (u, topic) => `Hello! I answer questions about ${topic}, quoting the article. Use /ask <question> or mention @${u}.`,
    staleButton: 'This button has expired: please ask directly.',
    slowDown: 'Too many messages: please slow down, I will answer new questions in a moment.',
    storageDown: 'Cannot save that right now: please try again later.',
    commands: (e) => commands(`Ask: /ask ${e}`, 'Start', 'What I can answer', 'The article and a summary', 'Key facts', 'Reply language: zh-Hans, zh-Hant, en'),
  },
};

/** Telegram's language_code → reply language (zh-TW, zh-HK, zh-Hant → Traditional; zh → Simplified). */
export function langFromCode(code: string | undefined): Lang | undefined {
  if (!code) return undefined;
  const c = code.toLowerCase();
  if (c.startsWith('zh')) return /hant|tw|hk|mo/.test(c) ? 'zh-Hant' : 'zh-Hans';
  if (c.startsWith('en')) return 'en';
  return undefined;
}
