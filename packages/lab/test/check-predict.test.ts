// Predict-then-observe (tasks 2, 3, 11 and 5): right predictions hold, a wrong one does not and says which
// and why; the unfilled starter exits 2 asking for the numbers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** init <task> into a fresh folder, then check it unfilled: exit 2 naming the unfilled predictions, with the contract. Returns the folder. */
function initUnfilled(task: number, firstKey: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lab-init-${task}-`));
  const init = spawnSync(process.execPath, [cli, 'init', String(task), 'mine'], { cwd: dir, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  const { status, out } = check(task, 'mine', dir);
  assert.equal(status, 2, out);
  assert.match(out, new RegExp(`predictions\\.${firstKey}, .* are not a number yet[\\s\\S]*The contract:\\nexport const predictions = \\{\\n {2}${firstKey}: number,`));
  return dir;
}

test('init 2, then check 2 on the unfilled predictions: exit 2, asking for the numbers with the contract', () => {
  initUnfilled(2, 'newAfter0');
});

test('check 11 with the right predictions: holds, naming the put each get came from', () => {
  const { status, out } = check(11, join(solutions, 'handoff-right.ts'));
  assert.equal(status, 0, out);
  assert.match(out, /right: which of a producer's 4 puts \(1 to 4\) supplies the consumer's first get from that producer: you said 2, observed 2\. A put fills the private slot first/);
  assert.match(out, /right: how many of the 12 puts reach the consumer.*: you said 12, observed 12/);
});

test('check 11 predicting that the consumer takes puts in the order they were made: does not hold, says why', () => {
  const { status, out } = check(11, join(solutions, 'handoff-in-order.ts'));
  assert.equal(status, 1, out);
  assert.match(out, /wrong: which of a producer's 4 puts .*: you said 1, observed 2\./);
  assert.match(out, /wrong: which of that producer's puts supplies the consumer's last get from it: you said 4, observed 1\. Put #1 sat in the producer's private slot/);
  assert.match(out, /right: how many gets in a row/);
});

test('init 11, then check 11 on the unfilled predictions: exit 2 with the contract', () => {
  initUnfilled(11, 'firstPut');
});

/** Task 5's landmarks read off init's listing.txt by their source text (a field load, not a stack slot), apart from the check's search. */
function listingOffsets(listing: string): { privateLoad: number; emptyCheck: number; clear: number } {
  const lines = listing.split('\n').filter((l) => l.startsWith('+0x'));
  const offset = (l: string | undefined) => (l === undefined ? -1 : Number.parseInt(l.slice(1, 6), 16));
  const load = lines.findIndex((l) => /movq \w+,\[(?!rbp|rsp)\w+\+0x\w+\]\s+\/\/ #private;/.test(l));
  const check = lines.findIndex((l, n) => n > load && /^\+0x\w+\s+j(?!mp)/.test(l));
  const clear = lines.findIndex((l, n) => n > check && /movq \[\w+\+0x\w+\],\w+\s+\/\/ = undefined;/.test(l));
  return { privateLoad: offset(lines[load]), emptyCheck: offset(lines[check]), clear: offset(lines[clear]) };
}

test('init 5 writes the listing; check 5: unfilled exits 2, the right offsets hold, a wrong one does not', () => {
  const dir = initUnfilled(5, 'privateLoad');

  const right = listingOffsets(readFileSync(join(dir, 'mine', 'listing.txt'), 'utf8'));
  assert.ok(right.privateLoad > 0 && right.emptyCheck > right.privateLoad && right.clear > right.emptyCheck, JSON.stringify(right));
  const hex = (n: number) => `0x${n.toString(16)}`;
  writeFileSync(join(dir, 'right.ts'), `export const predictions = { privateLoad: ${hex(right.privateLoad)}, ` +
    `emptyCheck: ${hex(right.emptyCheck)}, clear: ${hex(right.clear)}, locked: 0 };\n`);
  const holds = check(5, join(dir, 'right.ts'));
  assert.equal(holds.status, 0, holds.out);
  assert.match(holds.out, new RegExp(`right: the offset .* loads the private slot: you said ${hex(right.privateLoad)}, observed ${hex(right.privateLoad)}\\. .*#private`));

  // The load predicted one instruction early (V8's check of this's map), and a lock prefix expected.
  writeFileSync(join(dir, 'wrong.ts'), `export const predictions = { privateLoad: ${hex(right.privateLoad - 4)}, ` +
    `emptyCheck: ${hex(right.emptyCheck)}, clear: ${hex(right.clear)}, locked: 1 };\n`);
  const wrong = check(5, join(dir, 'wrong.ts'));
  assert.equal(wrong.status, 1, wrong.out);
  assert.match(wrong.out, new RegExp(`wrong: the offset .* loads the private slot: you said ${hex(right.privateLoad - 4)}, observed ${hex(right.privateLoad)}`));
  assert.match(wrong.out, /wrong: how many lock-prefixed instructions .*: you said 1, observed 0\. None of the \d+ instructions/);
  assert.match(wrong.out, /right: the offset of the store that clears the private slot/);
});
