/** The bot's own words in 简体中文 (zh-Hans): one module per language, the compiler checks every key (Messages). */
import type { Messages } from './messages.js';
import { menu } from './menu.js';

export const ZH_HANS: Messages = {
  bot: {
    editors: (names) => `责编：${names}`,
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
    contextButton: '上下文',
    privacy: (days, minutes, shared) =>
      (days > 0
        ? `我保存的内容：每个问题（最多前 300 个字，其中的电话号码、银行卡号、证件号、电子邮件地址、@用户名和微信/QQ 号，以及自我介绍中的名字（“我叫…”）会被替换掉；其他方式提到的名字和地址无法识别，请不要输入）、提问方式（私聊、群组、内联）、语言、得到的回答（引用的句子，或未能回答）、用时，以及你点的 👍/👎 和你在“你想问的是不是”里点选的那一项。从不保存你的名字、用户名、用户 ID 或聊天 ID。保存 ${days} 天后删除；运营者审核未答好的问题时，可以把某个问题（即上面保存的文字，从不包括是谁问的）留作机器人学会的问法，直到他们删除为止。`
        : '我不保存任何问题。') +
      (minutes > 0
        ? shared
          ? `为了理解追问，我会记住你上一个问题的主题 ${minutes} 分钟，在我的几台服务器之间共享，只用对话的单向散列（从不存对话 id），到期即删。`
          : `为了理解追问，我会在内存中记住你上一个问题的主题 ${minutes} 分钟。`
        : '') +
      '你用 /lang 选的语言和 /subscribe 的订阅时间会和聊天 ID 一起保存，直到你更改或取消。',
    voteThanks: '谢谢反馈！',
    slowDown: '消息太多了，请慢一点：我稍后再回答新的问题。',
    storageDown: '暂时无法保存，请稍后再试。',
    commands: (e) => menu(`提问：/ask ${e}`, '开始', '我能回答什么', '文章出处和摘要', '改革要点', '回答语言：zh-Hans、zh-Hant、en', '我会保存关于提问的哪些信息'),
  },
  labels: {
    untranslated: '',
    articles: '下面这些文章',
    answer: '答：',
    original: '原文：',
    paragraph: (n) => `第${n}段`,
    alsoIn: '另见：',
    tryAsking: '可以这样问：',
    didYouMean: '我不确定文章里哪一句回答了这个问题。你想问的是不是下面其中一项？',
    orDidYouMean: '还是你想问：',
    greeting: (c, topic) => `你好！我回答关于${topic}的问题，每个回答都引用原文并注明出处。资料来源：${c}。`,
    thanks: (_c, topic) => `不客气！关于${topic}还想了解什么，随时问我。`,
    farewell: (_c, topic) => `再见！关于${topic}有问题随时来问。`,
    'out-of-scope': (c) => `抱歉，文章没有谈到这个问题，我不想乱答。我能回答的是${c}里的内容。`,
    help: (c, topic) => `我回答关于${topic}的问题，资料：${c}。每个回答都引用原文并注明出处，请直接用一句话提问。`,
    partial: (subject, missing) => `文章提到了“${subject}”，但没有${missing}。`,
    closest: '最相关的是这一句：',
    context: (p) => `上下文（${p}）`,
    followUp: (s) => `（接着问：${s}）`,
    empty: (c) => `请用文字提问。我能回答的是${c}里的内容。`,
  },
  announce: {
    notAdmin: () => '只有群管理员可以这样做。',
    notOperator: () => '只有运营者可以群发。',
    noFact: () => '没有找到相关的要点。',
    cannotPin: () => '已发布，但我没有置顶权限：请在群设置里给我“置顶消息”的权限。',
    notPosted: () => '没能发布，所以也没有置顶。',
    stillPosting: () => '前面的公告还在发送，请稍后再发。',
    usage: () => '用法：/subscribe daily 09:00 或 /subscribe weekly mon 09:00',
    subscribed: (t) => `已订阅，下一次：${t}`,
    unsubscribed: () => '已取消订阅。',
    notSubscribed: () => '这里没有订阅。/subscribe daily 09:00 可以订阅。',
    subscription: (t) => `订阅：${t}`,
    broadcastUsage: () => '用法：/broadcast 文字或要点关键词',
    broadcasting: (n) => `开始群发到 ${n} 个会话。`,
    report: (r) => `群发完成：${r}`,
  },
  cadence: { daily: '每天', weekly: (d) => `每周${'一二三四五六日'[d - 1]}` },
  digest: { digest: (s) => (s ? `${s} · 要点` : '要点'), paragraph: (n) => `第${n}段` },
  review: {
    notOperator: '只有运营者可以审核，请在与我的私聊里使用。',
    nothing: '没有待审核的问题。',
    heading: (n) => `待审核（${n} 个）`,
    how: (count, h) => `被问 ${count} 次：${[h.declined && `拒答 ${h.declined}`, h.partial && `部分回答 ${h.partial}`, h.down && `👎 ${h.down}`, h.picked && `选了候选 ${h.picked}`].filter(Boolean).join('，')}`,
    which: '哪一句回答了它？',
    noCandidates: '没有找到可能的句子。',
    notInArticle: '不在文章里',
    skip: '跳过',
    more: '更多候选 ▸',
    taught: (q) => `✓ 已学会：“${q}”由所选的句子回答。`,
    declined: (q) => `✓ 已学会：“${q}”不在文章里。`,
    skipped: (q) => `已跳过：“${q}”。`,
    undone: (q) => `已撤销对“${q}”的审核。`,
    nothingToUndo: '你还没有可以撤销的审核。',
    gone: '已经审核过了。',
  },
};
