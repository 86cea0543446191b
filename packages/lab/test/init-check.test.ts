// init 7 writes the skeleton with the contract and a way to import syncpool; check 7 on the
// unmodified skeleton does not hold and says it is not implemented.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');

test('init 7 then check 7 on the skeleton: does not hold, not implemented', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-init-'));
  const init = spawnSync(process.execPath, [cli, 'init', '7', 'my-ring'], { cwd: dir, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /npx syncpool-lab check 7 my-ring\/dequeue\.ts/);
  const starter = readFileSync(join(dir, 'my-ring', 'dequeue.ts'), 'utf8');
  assert.match(starter, /static words\(capacity: number\): number;/);
  assert.match(starter, /Criterion: /);
  assert.ok(existsSync(join(dir, 'my-ring', 'node_modules', 'syncpool', 'package.json')));
  const again = spawnSync(process.execPath, [cli, 'init', '7', 'my-ring'], { cwd: dir, encoding: 'utf8' });
  assert.equal(again.status, 2);
  const check = spawnSync(process.execPath, [cli, 'check', '7', 'my-ring/dequeue.ts'], { cwd: dir, encoding: 'utf8', timeout: 200_000 });
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stdout, /Task 7: does not hold[\s\S]*throws Error: not implemented: pushHead/);
  // The learner's report shows their code where a reference report shows the exercise's source:
  // never the reference solution.
  const report = readFileSync(join(dir, 'lab-check-7', 'report.md'), 'utf8');
  assert.match(report, /<summary>Your code: [^<]*dequeue\.ts<\/summary>[\s\S]*not implemented: pushHead/);
  assert.doesNotMatch(report, /The analogue's source/);
});

test('init and check reject a task that does not exist, and check a task without a check, with exit 2', () => {
  for (const args of [['init', '13'], ['check', '0', 'x.ts'], ['check', '6', 'x.ts'], ['check', '5', 'x.ts'], ['check', '7']]) {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  }
});

test('--help names the tasks with a check and states each check\'s time limit', () => {
  const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Tasks with a check: 1, 2, 3, 4, 5, 7, 8, 11; init writes a starter to run for the others \(6, 9, 10, 12\)/);
  assert.match(r.stdout, /within its limit \(task 1: \d+ s, task 2: \d+ s, task 3: \d+ s, task 4: \d+ s, task 5: \d+ s, task 7: \d+ s, task 8: \d+ s, task 11: \d+ s\)/);
  assert.match(r.stdout, /Predict-then-observe \(tasks 2, 3, 5, 11\): fill in predictions\.ts/);
});

test('init for a task without a check writes a starter that runs as its header says, and check says there is no check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-init-10-'));
  const init = spawnSync(process.execPath, [cli, 'init', '10', 'mine'], { cwd: dir, encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /Run it with: cd mine && node --import tsx task-10\.ts/);
  assert.match(readFileSync(join(dir, 'mine', 'task-10.ts'), 'utf8'), /\/\/ Criterion: [\s\S]*no automatic check in this version/);
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'task-10.ts'], { cwd: join(dir, 'mine'), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const check = spawnSync(process.execPath, [cli, 'check', '10', join(dir, 'mine')], { encoding: 'utf8' });
  assert.equal(check.status, 2);
  assert.match(check.stderr, /task 10 has no check in this version; tasks with one: 1, 2, 3, 4, 5, 7, 8, 11/);
});
