/** The bot's own words in 繁體中文 (zh-Hant): one module per language, the compiler checks every key (Messages). */
import type { Messages } from './messages.js';
import { menu } from './menu.js';

export const ZH_HANT: Messages = {
  bot: {
    editors: (names) => `責編：${names}`,
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
    contextButton: '上下文',
    privacy: (days, minutes, shared) =>
      (days > 0
        ? `我保存的內容：每個問題（最多前 300 個字，其中的電話號碼、銀行卡號、證件號、電子郵件地址、@用戶名和微信/QQ 號，以及自我介紹中的名字（「我叫…」、「我係…」）會被替換掉；其他方式提到的名字和地址無法識別，請不要輸入）、提問方式（私訊、群組、內聯）、語言、得到的回答（引用的句子，或未能回答）、用時，以及你按的 👍/👎 和你在「你想問的是不是」裡點選的那一項。從不保存你的名字、用戶名、用戶 ID 或聊天 ID。保存 ${days} 天後刪除；營運者審核未答好的問題時，可以把某個問題（即上面保存的文字，從不包括是誰問的）留作機器人學會的問法，直到他們刪除為止。`
        : '我不保存任何問題。') +
      (minutes > 0
        ? shared
          ? `為了理解追問，我會記住你上一個問題的主題 ${minutes} 分鐘，在我的幾台伺服器之間共享，只用對話的單向雜湊（從不存對話 id），到期即刪。`
          : `為了理解追問，我會在記憶體中記住你上一個問題的主題 ${minutes} 分鐘。`
        : '') +
      '你用 /lang 選的語言和 /subscribe 的訂閱時間會和聊天 ID 一起保存，直到你更改或取消。',
    voteThanks: '謝謝回饋！',
    slowDown: '訊息太多了，請慢一點：我稍後再回答新的問題。',
    storageDown: '暫時無法儲存，請稍後再試。',
    commands: (e) => menu(`提問：/ask ${e}`, '開始', '我能回答甚麼', '文章出處和摘要', '改革要點', '回答語言：zh-Hans、zh-Hant、en', '我會保存關於提問的哪些資料'),
  },
  labels: {
    untranslated: '',
    articles: '下面這些文章',
    answer: '答：',
    original: '原文：',
    paragraph: (n) => `第${n}段`,
    alsoIn: '另見：',
    tryAsking: '可以這樣問：',
    didYouMean: '我不確定文章裡哪一句回答了這個問題。你想問的是不是下面其中一項？',
    orDidYouMean: '還是你想問：',
    greeting: (c, topic) => `你好！我回答關於${topic}的問題，每個回答都引用原文並註明出處。資料來源：${c}。`,
    thanks: (_c, topic) => `不客氣！關於${topic}還想了解甚麼，隨時問我。`,
    farewell: (_c, topic) => `再見！關於${topic}有問題隨時來問。`,
    'out-of-scope': (c) => `抱歉，文章沒有談到這個問題，我不想亂答。我能回答的是${c}裡的內容。`,
    help: (c, topic) => `我回答關於${topic}的問題，資料：${c}。每個回答都引用原文並註明出處，請直接用一句話提問。`,
    partial: (subject, missing) => `文章提到了「${subject}」，但沒有${missing}。`,
    closest: '最相關的是這一句：',
    context: (p) => `上下文（${p}）`,
    followUp: (s) => `（接着問：${s}）`,
    empty: (c) => `請用文字提問。我能回答的是${c}裡的內容。`,
  },
  announce: {
    notAdmin: () => '只有群組管理員可以這樣做。',
    notOperator: () => '只有營運者可以群發。',
    noFact: () => '沒有找到相關的要點。',
    cannotPin: () => '已發布，但我沒有置頂權限：請在群組設定給我「置頂訊息」的權限。',
    notPosted: () => '沒能發布，所以也沒有置頂。',
    stillPosting: () => '前面的公告還在發送，請稍後再發。',
    usage: () => '用法：/subscribe daily 09:00 或 /subscribe weekly mon 09:00',
    subscribed: (t) => `已訂閱，下一次：${t}`,
    unsubscribed: () => '已取消訂閱。',
    notSubscribed: () => '這裡沒有訂閱。/subscribe daily 09:00 可以訂閱。',
    subscription: (t) => `訂閱：${t}`,
    broadcastUsage: () => '用法：/broadcast 文字或要點關鍵詞',
    broadcasting: (n) => `開始群發到 ${n} 個對話。`,
    report: (r) => `群發完成：${r}`,
  },
  cadence: { daily: '每天', weekly: (d) => `每週${'一二三四五六日'[d - 1]}` },
  digest: { digest: (s) => (s ? `${s} · 要點` : '要點'), paragraph: (n) => `第${n}段` },
  review: {
    notOperator: '只有營運者可以審核，請在與我的私聊裡使用。',
    nothing: '沒有待審核的問題。',
    heading: (n) => `待審核（${n} 個）`,
    how: (count, h) => `被問 ${count} 次：${[h.declined && `拒答 ${h.declined}`, h.partial && `部分回答 ${h.partial}`, h.down && `👎 ${h.down}`, h.picked && `選了候選 ${h.picked}`].filter(Boolean).join('，')}`,
    which: '哪一句回答了它？',
    noCandidates: '沒有找到可能的句子。',
    notInArticle: '不在文章裡',
    skip: '跳過',
    more: '更多候選 ▸',
    taught: (q) => `✓ 已學會：「${q}」由所選的句子回答。`,
    declined: (q) => `✓ 已學會：「${q}」不在文章裡。`,
    skipped: (q) => `已跳過：「${q}」。`,
    undone: (q) => `已撤銷對「${q}」的審核。`,
    nothingToUndo: '你還沒有可以撤銷的審核。',
    gone: '已經審核過了。',
  },
};
