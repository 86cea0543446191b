// check 4: a slow path that steals holds (about 10× the fast path here, far from the 2× line);
// the unmodified starter, whose slowPath is the fast path, does not; missing exports exit 2.
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
  assert.match(out, /Task 4: holds\n.*× per get, at least the 2×/);
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
