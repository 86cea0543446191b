// check 1 on three solutions of task 1: the correct one holds, the one without a reset and the one
// that never takes from the pool do not, each with its reason; bad modules exit 2 with the contract.
// The correct solution's pooled ns/op is about a quarter of the unpooled one, far inside the 1.05×
// allowance, so its verdict does not hang on timing noise.
// test: runs alone
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const solutions = join(import.meta.dirname, 'solutions');

function check(file: string, cwd?: string): { status: number | null; out: string } {
  const out = mkdtempSync(join(tmpdir(), 'lab-check-1-'));
  const r = spawnSync(process.execPath, [cli, 'check', '1', file, '--out', out], { cwd, encoding: 'utf8', timeout: 200_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('check 1 on a correct solution: holds, with allocs/op and ns/op from syncpool-bench', () => {
  const { status, out } = check(join(solutions, 'format-correct.ts'));
  assert.equal(status, 0, out);
  assert.match(out, /Task 1: holds\n {2}allocs\/op drops by [\d.]+ \(at least 1\)/);
  assert.match(out, /formatPooled\s+\d/);
});

test('check 1 without the reset: does not hold, and shows the call that kept the previous bytes', () => {
  const { status, out } = check(join(solutions, 'format-no-reset.ts'));
  assert.equal(status, 1, out);
  assert.match(out, /Task 1: does not hold\n.*not reset before put\. The call that showed it: formatPooled\(7\) after formatPooled\(100\) gave "0,1,2/);
});

test('check 1 on a formatPooled that never takes from the pool: does not hold, and says so', () => {
  const { status, out } = check(join(solutions, 'format-never-takes.ts'));
  assert.equal(status, 1, out);
  assert.match(out, /allocs\/op dropped by -?[\d.]+, less than the 1 the criterion needs/);
  assert.match(out, /made 0 Pool\.get and 10 Pool\.put calls: formatPooled never takes a buffer from the pool/);
});

test('init 1 then check 1 on the unmodified starter: does not hold, it never takes from the pool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-init-1-'));
  const init = spawnSync(process.execPath, [cli, 'init', '1', 'mine'], { cwd: dir, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /npx syncpool-lab check 1 mine\/format\.ts/);
  const { status, out } = check('mine', dir);
  assert.equal(status, 1, out);
  assert.match(out, /formatPooled never takes a buffer from the pool/);
});

test('check 1 on modules without the contract\'s functions, or that throw at import: exit 2 with the contract', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-check-1-bad-'));
  writeFileSync(join(dir, 'half.ts'), 'export function format(n: number): string { return String(n); }\n');
  writeFileSync(join(dir, 'throws.ts'), 'throw new Error("broken at import");\n');
  const half = check(join(dir, 'half.ts'));
  assert.equal(half.status, 2, half.out);
  assert.match(half.out, /does not export a function named formatPooled \(it exports format\)[\s\S]*The contract:\nexport function format\(n: number\): string;/);
  const throws = check(join(dir, 'throws.ts'));
  assert.equal(throws.status, 2, throws.out);
  assert.match(throws.out, /does not load: Error: broken at import[\s\S]*The contract:/);
});
