import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeError, loadKnowledge } from '../../src/knowledge/load.js';
import { TEST_KNOWLEDGE } from '../support/knowledge.js';

const ARTICLE = 'guangzhou-daily-2019-07-16';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'knowledge-'));
  cpSync(TEST_KNOWLEDGE, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Edits one JSON knowledge file of the copy. */
function edit(file: string, change: (data: any) => void): string {
  const full = path.join(dir, file);
  const data = JSON.parse(readFileSync(full, 'utf8'));
  change(data);
  writeFileSync(full, JSON.stringify(data));
  return full;
}

const loadError = (): KnowledgeError => {
  try {
    loadKnowledge(dir);
  } catch (e) {
    if (e instanceof KnowledgeError) return e;
    throw e;
  }
  throw new Error('loadKnowledge accepted malformed knowledge');
};

describe('malformed knowledge stops start-up with a message naming file, entry and field', () => {
  it('loads the real knowledge', () => {
    const k = loadKnowledge(dir);
    expect(k.articles[0]!.facts.length).toBeGreaterThan(20);
    expect(k.version).toMatch(/^[0-9a-f]{8}$/);
  });

  it('missing field', () => {
    const file = edit(`${ARTICLE}/facts.json`, (facts) => delete facts[2].questions.en);
    const e = loadError();
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/entry 2 \(id "[a-z0-9-]+"\), field "questions\.en"/);
  });

  it('wrong type', () => {
    const file = edit(`${ARTICLE}/facts.json`, (facts) => (facts[0].key = 'yes'));
    const e = loadError();
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/entry 0 \(id "[a-z0-9-]+"\), field "key": .*boolean/);
  });

  it('sentence id that does not exist', () => {
    const file = edit(`${ARTICLE}/facts.json`, (facts) => (facts[1].sentence = 'p9s9'));
    expect(loadError().message).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: entry 1 \\(id "[a-z0-9-]+"\\), field "sentence": no sentence "p9s9"`));
  });

  it('sentence id that is not an id at all', () => {
    edit(`${ARTICLE}/facts.json`, (facts) => (facts[1].sentence = 'paragraph two'));
    expect(loadError().message).toMatch(/field "sentence": a sentence id looks like "p2s5"/);
  });

  it('a sentence without translation', () => {
    const file = edit(`${ARTICLE}/translations.json`, (t) => delete t.sentences.p3s2);
    expect(loadError().message).toBe(`${file}: entry "p3s2", field "sentences.p3s2": missing translation`);
  });

  it('a shared file of the wrong shape', () => {
    const file = edit('synonyms.json', (groups) => groups.push(['只有一个']));
    expect(loadError().message).toMatch(/synonyms\.json: invalid\n  entry \d+: Too small: expected array to have >=2 items/);
    expect(loadError().message).toContain(file);
  });

  it('a file that is not JSON', () => {
    writeFileSync(path.join(dir, 'lexicon.json'), '{ "stopwords": [');
    expect(loadError().message).toMatch(/lexicon\.json: not valid JSON/);
  });

  it('a missing file', () => {
    rmSync(path.join(dir, 'glossary.json'));
    expect(loadError().message).toMatch(/glossary\.json: cannot read \(ENOENT\)/);
  });
});
