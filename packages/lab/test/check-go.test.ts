// check 1 --go and check 7 --go: the seed's Go shapes under go test (-bench -benchmem, -race) with the check's own
// tests. Where `go` is not on PATH every case must instead exit 2 saying what to install.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const rings = join(import.meta.dirname, 'rings');
const haveGo = spawnSync('go', ['version']).status === 0;

function check(dir: string, cwd?: string): { status: number | null; out: string } {
  const out = mkdtempSync(join(tmpdir(), 'lab-check-go-'));
  const r = spawnSync(process.execPath, [cli, 'check', '7', '--go', dir, '--out', out], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A broken copy of a fixture package: `drop` removes the lines that match it. */
function without(dir: string, drop: RegExp): string {
  const copy = mkdtempSync(join(tmpdir(), 'lab-go-variant-'));
  for (const f of readdirSync(dir)) {
    writeFileSync(join(copy, f), readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => !drop.test(l)).join('\n'));
  }
  return copy;
}

function expect(r: { status: number | null; out: string }, status: number, finding: RegExp): void {
  if (!haveGo) {
    assert.equal(r.status, 2, r.out);
    assert.match(r.out, /needs Go 1\.19 or later on PATH/);
    return;
  }
  assert.equal(r.status, status, r.out);
  assert.match(r.out, finding);
}

test('check 7 --go on a race-free ring that loses nothing: holds', () => {
  expect(check(join(rings, 'go-mutex')), 0, /Task 7 \(Go\): holds\n {2}go test -race found no data race, and all 200000 values/);
});

test('check 7 --go on the same ring without its mutex: the race detector\'s report', () => {
  expect(check(without(join(rings, 'go-mutex'), /mu\.(Lock|Unlock)\(\)|sync\.Mutex|^\t"sync"$/)), 1, /Task 7 \(Go\): does not hold\n {2}the race detector reported \d+ data races?[\s\S]*WARNING: DATA RACE/);
});

test('init 7 --go writes the seed\'s skeleton; unmodified, check 7 --go reports a hang with where each goroutine was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-init-go-'));
  const init = spawnSync(process.execPath, [cli, 'init', '7', '--go', 'mine'], { cwd: dir, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /Check it with: npx syncpool-lab check 7 --go mine/);
  expect(check('mine', dir), 1, /hang: no goroutine moved a value for 3s \(owner [A-Za-z ]+; stealer 1 [A-Za-z ]+; stealer 2 [A-Za-z ]+; 0 steps so far\); headTail = 0x0/);
});

test('init and check --go for a task without a Go check, or a folder without Go: exit 2', () => {
  const init = spawnSync(process.execPath, [cli, 'init', '5', '--go'], { encoding: 'utf8' });
  assert.equal(init.status, 2);
  assert.match(init.stderr, /task 5 has no Go check in this version \(Go checks: 1, 7\)/);
  const empty = check(mkdtempSync(join(tmpdir(), 'lab-empty-')));
  assert.equal(empty.status, 2, empty.out);
  assert.match(empty.out, /is not a folder with the Go package to check[\s\S]*type Dequeue struct/);
});

function checkFormat(dir: string): { status: number | null; out: string } {
  const out = mkdtempSync(join(tmpdir(), 'lab-check-go-1-'));
  const r = spawnSync(process.execPath, [cli, 'check', '1', '--go', dir, '--out', out], { encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('check 1 --go: a pooled, reset buffer holds; without Reset it does not, with the call that showed it', () => {
  expect(checkFormat(join(import.meta.dirname, 'solutions', 'go-format-correct')), 0, /Task 1 \(Go\): holds\n {2}allocs\/op drops by/);
  expect(checkFormat(without(join(import.meta.dirname, 'solutions', 'go-format-correct'), /b\.Reset\(\)/)), 1,
    /not reset before Put\. The call that showed it: formatPooled\(7\) after formatPooled\(100\) gave "0,1,2/);
});

test('init 1 --go writes the seed\'s starter; unmodified, allocs/op does not drop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-init-go-1-'));
  const init = spawnSync(process.execPath, [cli, 'init', '1', '--go', 'mine'], { cwd: dir, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  expect(checkFormat(join(dir, 'mine')), 1, /allocs\/op dropped by 0, less than the 1 the criterion needs/);
});
