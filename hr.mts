import { openEngine } from './src/qa/open-engine.ts';
import { asYouType } from './src/bot/features/inline.ts';
import { LANGS } from './src/knowledge/schema.ts';
const { engine } = openEngine(undefined, {});
let n = 0, eng = 0, merged = 0; const times: number[] = [], ft: number[] = [];
const parts: [string, any, any, any][] = [];
for (const k of engine.knowledge.articles) for (const f of k.facts) for (const lang of LANGS) for (const q of f.questions[lang]) { const chars = [...q]; for (const cut of [0.4, 0.6, 0.8]) parts.push([chars.slice(0, Math.max(1, Math.round(chars.length * cut))).join(''), f, k, lang]); }
for (const [p] of parts.slice(0, 300)) asYouType({ engine }, p, 'en');
for (const [part, f, k, lang] of parts) {
    n++;
    const hit = (rs: any[]) => rs.some((r) => r.kind === 'sentence' && r.sentenceId === f.sentence && r.source.articleId === k.article.id);
    if (hit(engine.search(part, 5))) eng++;
    let t = performance.now(); engine.closestFacts(part, 5, 0.25); ft.push(performance.now() - t);
    t = performance.now(); const rs = asYouType({ engine }, part, lang); times.push(performance.now() - t);
    if (hit(rs)) merged++;
}
times.sort((a, b) => a - b); ft.sort((a, b) => a - b);
console.log({ n, engine: (eng / n).toFixed(3), merged: (merged / n).toFixed(3), p50: times[Math.floor(times.length / 2)].toFixed(2), p99: times[Math.floor(times.length * 0.99)].toFixed(2), fuse50: ft[Math.floor(ft.length / 2)].toFixed(2), fuse99: ft[Math.floor(ft.length * 0.99)].toFixed(2) });
