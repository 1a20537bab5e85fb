/** The bot's own words in English (en): one module per language, the compiler checks every key (Messages). */
import type { Messages } from './messages.js';
import { menu } from './menu.js';

export const EN: Messages = {
  bot: {
    editors: (names) => `Editors: ${names}`,
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
    contextButton: 'Context',
    privacy: (days, minutes, shared) =>
      (days > 0
        ? `What I keep: each question (its first 300 characters), with phone, card and ID numbers, e-mail addresses, @usernames and messenger ids, and your name when you introduce yourself ("my name is …") replaced — names mentioned otherwise and addresses are not recognised, so please leave them out; how it came (private chat, group, inline), its language, what it got (the sentence quoted, or that it was declined), how long it took, your 👍/👎 if you gave one, and which "did you mean" choice you tapped if you tapped one. Never your name, username, user id or chat id. Kept ${days} days, then deleted; except that an operator reviewing unanswered questions may keep one (as written here, never who asked) as a phrasing the bot has learned, until they remove it.`
        : 'I keep no questions.') +
      (minutes > 0
        ? ` To understand follow-ups, I remember the subject of your last question for ${minutes} minutes, ${shared ? 'shared between my servers under a one-way hash of the chat (never its id), then deleted' : 'in memory only'}.`
        : '') +
      ' Your /lang choice and /subscribe schedule are kept with your chat id until you change or cancel them.',
    voteThanks: 'Thanks for the feedback!',
    slowDown: 'Too many messages: please slow down, I will answer new questions in a moment.',
    storageDown: 'Cannot save that right now: please try again later.',
    commands: (e) => menu(`Ask: /ask ${e}`, 'Start', 'What I can answer', 'The article and a summary', 'Key facts', 'Reply language: zh-Hans, zh-Hant, en', 'What is kept about your questions'),
  },
  labels: {
    untranslated: 'No English translation of this article exists: the quote is its Chinese original.',
    articles: 'the articles below',
    answer: 'Answer: ',
    original: 'Original: ',
    paragraph: (n) => `paragraph ${n}`,
    alsoIn: 'Also covered in: ',
    tryAsking: 'You could ask:',
    didYouMean: 'I am not sure which sentence of the articles answers that. Did you mean one of these?',
    orDidYouMean: 'Or did you mean:',
    greeting: (c, topic) => `Hello! I answer questions about ${topic}, quoting the article each answer rests on. Source: ${c}.`,
    thanks: (_c, topic) => `You're welcome! Ask me anything else about ${topic}.`,
    farewell: (_c, topic) => `Goodbye! Come back any time with a question about ${topic}.`,
    'out-of-scope': (c) => `Sorry, the article does not cover that, and I would rather not guess. I can answer questions about ${c}.`,
    help: (c, topic) => `I answer questions about ${topic}. Source: ${c}. Each answer quotes the sentence it rests on. Just ask in a sentence.`,
    partial: (subject, missing) => `The article mentions “${subject}” but does not ${missing}.`,
    closest: ' The closest it comes:',
    context: (p) => `Context (${p})`,
    followUp: (s) => `(Follow-up on: ${s})`,
    empty: (c) => `Please ask in words. I can answer questions about ${c}.`,
  },
  announce: {
    notAdmin: () => 'Only group admins can do that.',
    notOperator: () => 'Only operators can broadcast.',
    noFact: () => 'No fact matches that.',
    cannotPin: () => 'Posted, but I may not pin: give me the "Pin messages" right in the group settings.',
    notPosted: () => 'It could not be posted, so it is not pinned.',
    stillPosting: () => 'The previous announcements are still being posted: try again in a moment.',
    usage: () => 'Usage: /subscribe daily 09:00 or /subscribe weekly mon 09:00',
    subscribed: (t) => `Subscribed. Next post: ${t}`,
    unsubscribed: () => 'Unsubscribed.',
    notSubscribed: () => 'No subscription here. /subscribe daily 09:00 subscribes.',
    subscription: (t) => `Subscription: ${t}`,
    broadcastUsage: () => 'Usage: /broadcast <text or fact keyword>',
    broadcasting: (n) => `Broadcasting to ${n} chats.`,
    report: (r) => `Broadcast done: ${r}`,
  },
  cadence: { daily: 'daily', weekly: (d) => `weekly ${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d - 1]}` },
  digest: { digest: (s) => (s ? `${s}: key facts` : 'Key facts'), paragraph: (n) => `paragraph ${n}` },
  review: {
    notOperator: 'Only operators can review, in a private chat with me.',
    nothing: 'Nothing waits for review.',
    heading: (n) => `To review (${n} waiting)`,
    how: (count, h) => `asked ${count}×: ${[h.declined && `declined ${h.declined}`, h.partial && `partial ${h.partial}`, h.down && `👎 ${h.down}`, h.picked && `picked a choice ${h.picked}`].filter(Boolean).join(', ')}`,
    which: 'Which sentence answers it?',
    noCandidates: 'No sentence found for it.',
    notInArticle: 'Not in the article',
    skip: 'Skip',
    more: 'More candidates ▸',
    taught: (q) => `✓ Learned: “${q}” is answered by the sentence chosen.`,
    declined: (q) => `✓ Learned: “${q}” is not in the articles.`,
    skipped: (q) => `Skipped: “${q}”.`,
    undone: (q) => `Taken back: what you taught about “${q}”.`,
    nothingToUndo: 'Nothing of yours to take back.',
    gone: 'Already reviewed.',
  },
};
