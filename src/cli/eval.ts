/**
 * `npm run eval`: the dev evaluation, `node ../shared/eval/score.mjs ../shared/eval/dev.jsonl`, run
 * in the project root (the scorer asks `npm run ask -- --jsonl`). The evaluation kit is not part of
 * this repository: without it, one line saying where it is expected.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kit = path.resolve(root, '../shared/eval');
const scorer = path.join(kit, 'score.mjs');
const set = path.join(kit, 'dev.jsonl');
if (!existsSync(scorer) || !existsSync(set)) {
  console.error(`eval: the evaluation kit is not at ${kit} (score.mjs and dev.jsonl, kept beside the project, not in it): put the shared folder beside the project`);
  process.exit(2);
}
const run = spawnSync(process.execPath, [scorer, set, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
