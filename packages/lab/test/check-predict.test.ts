// Predict-then-observe (tasks 2 and 3): right predictions hold, a wrong one does not and says which
// and why; the unfilled starter exits 2 asking for the numbers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const solutions = join(import.meta.dirname, 'solutions');

function check(task: number, file: string, cwd?: string): { status: number | null; out: string } {
  const out = mkdtempSync(join(tmpdir(), `lab-check-${task}-`));
  const r = spawnSync(process.execPath, [cli, 'check', String(task), file, '--out', out], { cwd, encoding: 'utf8', timeout: 200_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('check 2 with the right predictions: holds, each with why', () => {
  const { status, out } = check(2, join(solutions, 'drain-right.ts'));
  assert.equal(status, 0, out);
  assert.match(out, /Task 2: holds\n {2}right: New calls in the second loop with no collection/);
  assert.match(out, /right: New calls in the second loop after one forced collection: you said 0, observed 0\. The collection moved the item to the victim cache/);
});

test('check 2 predicting that one collection empties the pool: does not hold, names the wrong prediction', () => {
  const { status, out } = check(2, join(solutions, 'drain-one-gc.ts'));
  assert.equal(status, 1, out);
  assert.match(out, /wrong: New calls in the second loop after one forced collection: you said 1, observed 0/);
  assert.doesNotMatch(out, /wrong: New calls in the second loop after two/);
});

test('check 3 with the right predictions: holds', () => {
  const { status, out } = check(3, join(solutions, 'steal-right.ts'));
  assert.equal(status, 0, out);
  assert.match(out, /right: how many of those hits were steals from another thread's local: you said 7200, observed 7200/);
});

test('init 2, then check 2 on the unfilled predictions: exit 2, asking for the numbers with the contract', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-init-2-'));
  const init = spawnSync(process.execPath, [cli, 'init', '2', 'mine'], { cwd: dir, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  const { status, out } = check(2, 'mine', dir);
  assert.equal(status, 2, out);
  assert.match(out, /predictions\.newAfter0, .* are not a number yet[\s\S]*The contract:\nexport const predictions = \{\n {2}newAfter0: number,/);
});
