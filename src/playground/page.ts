/**
 * The playground's page: one HTML document and one script, no framework, nothing from outside the
 * machine. Messages arrive as text and entities and are built with text nodes (never innerHTML), the
 * way a Telegram client renders Telegram's HTML subset: b, i, u, s, code, pre, links, blockquotes
 * (expandable ones fold), spoilers.
 */

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reform Q&amp;A bot — playground</title>
<style>
  body { margin: 0; font: 15px/1.45 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; background: #dfe7ee; color: #111; }
  header { background: #517da2; color: #fff; padding: 8px 14px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0 12px 0 0; }
  header button { background: transparent; color: #fff; border: 1px solid #fff8; border-radius: 14px; padding: 3px 12px; cursor: pointer; }
  header button[aria-pressed="true"] { background: #fff; color: #517da2; }
  header label, header select { font-size: 13px; }
  main { max-width: 760px; margin: 0 auto; padding: 10px; }
  #log { min-height: 360px; display: flex; flex-direction: column; gap: 6px; padding-bottom: 8px; }
  .msg { max-width: 82%; padding: 6px 10px; border-radius: 10px; background: #fff; box-shadow: 0 1px 1px #0002; white-space: pre-wrap; overflow-wrap: anywhere; }
  .msg.me { align-self: flex-end; background: #effdde; }
  .who { font-size: 12px; color: #3a6d99; font-weight: 600; }
  .meta { font-size: 11px; color: #888; }
  .reply { font-size: 12px; border-left: 2px solid #517da2; padding-left: 6px; color: #555; margin-bottom: 3px; }
  blockquote { margin: 4px 0; padding: 2px 8px; border-left: 3px solid #517da2; background: #517da211; border-radius: 4px; }
  blockquote.folded { max-height: 4.4em; overflow: hidden; cursor: pointer; }
  code, pre { font-family: ui-monospace, monospace; background: #0001; border-radius: 3px; }
  .spoiler { background: #999; color: transparent; cursor: pointer; }
  .keys { display: flex; flex-direction: column; gap: 3px; margin-top: 6px; }
  .keys div { display: flex; gap: 3px; }
  .keys button { flex: 1; background: #517da21a; border: 0; border-radius: 6px; padding: 5px; color: #2b5278; cursor: pointer; font: inherit; font-size: 13px; }
  form { display: flex; gap: 6px; position: sticky; bottom: 0; background: #dfe7ee; padding: 8px 0; }
  form input { flex: 1; padding: 8px; border-radius: 8px; border: 1px solid #bbb; font: inherit; }
  form button { padding: 8px 14px; border-radius: 8px; border: 0; background: #517da2; color: #fff; font: inherit; cursor: pointer; }
  #results { display: flex; flex-direction: column; gap: 4px; }
  #results button { text-align: left; background: #fff; border: 1px solid #ccd; border-radius: 8px; padding: 6px 8px; cursor: pointer; font: inherit; }
  #results small { color: #666; display: block; }
  #notice { position: fixed; top: 54px; left: 50%; transform: translateX(-50%); background: #333d; color: #fff; padding: 6px 12px; border-radius: 8px; display: none; }
  .hint { font-size: 12px; color: #555; margin: 4px 0; }
</style>
</head>
<body>
<header>
  <h1>Reform Q&amp;A bot · playground</h1>
  <button id="tab-private" aria-pressed="true">Private chat</button>
  <button id="tab-group" aria-pressed="false">Group</button>
  <button id="tab-inline" aria-pressed="false">Inline</button>
  <label>Telegram language <select id="lang"><option value="zh-hans">简体</option><option value="zh-hant">繁體</option><option value="en">English</option></select></label>
  <label id="admin-box" hidden><input type="checkbox" id="admin"> I am a group admin</label>
</header>
<main>
  <p class="hint" id="hint"></p>
  <div id="log" aria-live="polite"></div>
  <div id="results"></div>
  <form id="form"><input id="text" autocomplete="off" placeholder="Ask a question, e.g. 南沙落户要多久"><button>Send</button></form>
</main>
<div id="notice" role="status"></div>
<script src="/app.js"></script>
</body>
</html>
`;

export const PAGE_SCRIPT = String.raw`'use strict';
let tab = 'private';
let bot = 'reform_qa_bot';
let last = '';
const $ = (id) => document.getElementById(id);
const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
const TAGS = { bold: 'b', italic: 'i', underline: 'u', strikethrough: 's', code: 'code', pre: 'pre', blockquote: 'blockquote', expandable_blockquote: 'blockquote', spoiler: 'span', text_link: 'a', url: 'a', mention: 'span' };

/** Text with Telegram entities as DOM: text nodes only, entities nested by their ranges. */
function rich(text, entities) {
  const sorted = [...(entities || [])].filter((e) => TAGS[e.type]).sort((a, b) => a.offset - b.offset || b.length - a.length);
  const build = (start, end, list) => {
    const frag = document.createDocumentFragment();
    let at = start;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e.offset < at) continue;
      const eEnd = e.offset + e.length;
      if (e.offset > at) frag.append(document.createTextNode(text.slice(at, e.offset)));
      const inner = [];
      while (i + 1 < list.length && list[i + 1].offset < eEnd) inner.push(list[++i]);
      const el = document.createElement(TAGS[e.type]);
      if (e.type === 'text_link' || e.type === 'url') {
        const href = e.type === 'url' ? text.slice(e.offset, eEnd) : e.url;
        if (/^https?:\/\//.test(href || '')) { el.href = href; el.target = '_blank'; el.rel = 'noopener noreferrer'; }
      }
      if (e.type === 'expandable_blockquote') { el.className = 'folded'; el.title = 'Tap to expand'; el.onclick = () => el.classList.toggle('folded'); }
      if (e.type === 'spoiler') { el.className = 'spoiler'; el.onclick = () => el.classList.remove('spoiler'); }
      el.append(build(e.offset, eEnd, inner));
      frag.append(el);
      at = eEnd;
    }
    if (at < end) frag.append(document.createTextNode(text.slice(at, end)));
    return frag;
  };
  return build(0, text.length, sorted);
}

function keyboard(rows, onPress) {
  const box = document.createElement('div');
  box.className = 'keys';
  for (const row of rows || []) {
    const line = document.createElement('div');
    for (const b of row) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = b.text;
      button.onclick = () => onPress(b);
      line.append(button);
    }
    box.append(line);
  }
  return box;
}

function press(message, b) {
  if (b.url) return window.open(b.url, '_blank', 'noopener');
  if (b.inline !== undefined) { show('inline'); $('text').value = b.inline; return inlineQuery(); }
  if (b.data) post('/api/press', { chat: tab, id: message.id, data: b.data }).then(refresh);
}

function bubble(m) {
  const div = document.createElement('div');
  div.className = 'msg' + (m.fromBot ? '' : ' me');
  div.dataset.id = m.id;
  const who = document.createElement('div');
  who.className = 'who';
  who.textContent = m.fromBot ? m.name : m.via ? 'You via @' + bot : m.name;
  div.append(who);
  if (m.replyTo) { const r = document.createElement('div'); r.className = 'reply'; r.textContent = m.replyTo; div.append(r); }
  const body = document.createElement('div');
  body.className = 'text';
  body.append(rich(m.text, m.entities));
  div.append(body);
  if (m.buttons && m.buttons.length) div.append(keyboard(m.buttons, (b) => press(m, b)));
  if (m.edited) { const e = document.createElement('div'); e.className = 'meta'; e.textContent = 'edited'; div.append(e); }
  return div;
}

async function refresh() {
  if (tab === 'inline') return;
  const state = await fetch('/api/state?chat=' + tab).then((r) => r.json());
  bot = state.bot;
  $('admin').checked = state.admin;
  const key = JSON.stringify([tab, state.messages]);
  if (key !== last) {
    last = key;
    const log = $('log');
    const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
    log.replaceChildren(...state.messages.map(bubble));
    if (atBottom) window.scrollTo(0, document.body.scrollHeight);
  }
  const note = state.notices[state.notices.length - 1];
  if (note && note !== refresh.note) { refresh.note = note; flash(note); }
}

function flash(text) {
  const n = $('notice');
  n.textContent = text;
  n.style.display = 'block';
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => (n.style.display = 'none'), 2500);
}

let typing;
async function inlineQuery() {
  const query = $('text').value;
  const { results } = await post('/api/inline', { query });
  const box = $('results');
  box.replaceChildren(...results.map((r) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'result';
    const title = document.createElement('strong');
    title.textContent = r.title;
    const small = document.createElement('small');
    small.textContent = r.description;
    b.append(title, small);
    b.onclick = async () => {
      await post('/api/pick', { chat: 'private', text: r.text, entities: r.entities, buttons: r.buttons });
      $('text').value = '';
      box.replaceChildren();
      show('private');
    };
    return b;
  }));
  if (!results.length && query.trim()) { const p = document.createElement('p'); p.className = 'hint'; p.textContent = 'No results.'; box.append(p); }
}

const HINTS = {
  private: 'A private chat with the bot, as in Telegram. Buttons under answers work.',
  group: 'A group: the bot answers /ask, a mention of @BOT, or a reply to it, and stays quiet otherwise. Admins may /announce.',
  inline: 'Inline mode: type as after "@BOT " in any chat; pick a result to send it into the private chat.',
};
function show(name) {
  tab = name;
  for (const t of ['private', 'group', 'inline']) $('tab-' + t).setAttribute('aria-pressed', String(t === name));
  $('admin-box').hidden = name !== 'group';
  $('hint').textContent = HINTS[name].replace('BOT', bot);
  $('log').hidden = name === 'inline';
  $('results').replaceChildren();
  $('text').placeholder = name === 'inline' ? '@' + bot + ' 南沙落户' : name === 'group' ? '@' + bot + ' 南沙落户要多久' : 'Ask a question, e.g. 南沙落户要多久';
  last = '';
  refresh();
}

$('tab-private').onclick = () => show('private');
$('tab-group').onclick = () => show('group');
$('tab-inline').onclick = () => show('inline');
$('admin').onchange = () => post('/api/admin', { admin: $('admin').checked });
$('lang').onchange = () => post('/api/lang', { lang: $('lang').value });
$('text').oninput = () => { if (tab === 'inline') { clearTimeout(typing); typing = setTimeout(inlineQuery, 250); } };
$('form').onsubmit = async (e) => {
  e.preventDefault();
  const text = $('text').value;
  if (tab === 'inline') return inlineQuery();
  if (!text.trim()) return;
  $('text').value = '';
  await post('/api/message', { chat: tab, text });
  setTimeout(refresh, 150);
};
show('private');
setInterval(refresh, 700);
`;
