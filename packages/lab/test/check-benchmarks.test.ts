// check 4 and check 8 on the learner's benchmarks. check 4: a slow path that steals holds (about 10× the
// fast path here, far from the 2× line); the unmodified starter, whose slowPath is the fast path, does not; missing exports exit 2.
// test: runs alone
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');

function check(file: string, cwd?: string): { status: number | null; out: string } {
  const out = mkdtempSync(join(tmpdir(), 'lab-check-4-'));
  const r = spawnSync(process.execPath, [cli, 'check', '4', file, '--out', out], { cwd, encoding: 'utf8', timeout: 200_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('check 4 on a slow path that steals: holds', () => {
  const { status, out } = check(join(import.meta.dirname, 'solutions', 'paths-steal.ts'));
  assert.equal(status, 0, out);
  assert.match(out, /Task 4: holds\n[^\n]*× per get[^\n]*at least the 2×/);
});

test('init 4, then check 4 on the unmodified starter: does not hold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-init-4-'));
  assert.equal(spawnSync(process.execPath, [cli, 'init', '4', 'mine'], { cwd: dir, encoding: 'utf8' }).status, 0);
  const { status, out } = check('mine', dir);
  assert.equal(status, 1, out);
  assert.match(out, /less than the 2× the criterion needs/);
});

test('check 4 on a module without slowPath: exit 2 with the contract', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-check-4-bad-'));
  writeFileSync(join(dir, 'paths.ts'), 'export function fastPath(): void {}\n');
  const { status, out } = check(join(dir, 'paths.ts'));
  assert.equal(status, 2, out);
  assert.match(out, /does not export a function named slowPath \(it exports fastPath\)[\s\S]*The contract:\nimport type \{ B \} from 'syncpool-bench';/);
});

test('check 8 on a module without pooled: exit 2 with the contract (the sweep itself is measured by the reference run)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-check-8-bad-'));
  writeFileSync(join(dir, 'sizes.ts'), 'export function fresh(size: number): unknown { return new Uint8Array(size); }\n');
  const out = mkdtempSync(join(tmpdir(), 'lab-check-8-'));
  const r = spawnSync(process.execPath, [cli, 'check', '8', join(dir, 'sizes.ts'), '--out', out], { encoding: 'utf8', timeout: 200_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /does not export a function named pooled \(it exports fresh\)[\s\S]*The contract:\nexport function fresh\(size: number\): unknown;/);
});
