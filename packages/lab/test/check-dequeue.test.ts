// check 7 on the gallery: every broken ring does not hold, with the finding that shows its bug;
// both correct rings hold. Runs the built CLI as a learner would; the spawn's limit is the check's own
// (180 s, far above the ~15 s a correct ring takes on a quiet machine), so no assertion depends on timing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const rings = join(import.meta.dirname, 'rings');

function check(ring: string): { status: number | null; out: string; seconds: number } {
  const out = mkdtempSync(join(tmpdir(), 'lab-check-'));
  const started = performance.now();
  const r = spawnSync(process.execPath, [cli, 'check', '7', join(rings, ring), '--out', out], { encoding: 'utf8', timeout: 200_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, seconds: (performance.now() - started) / 1000 };
}

/**
 * The gallery's row for the closing note, as a test diagnostic: the states explored (every case
 * run), the check's wall time, and the first lines of the counterexample (or the stress finding).
 */
function galleryRow(t: TestContext, ring: string, r: { out: string; seconds: number }): void {
  const states = [...r.out.matchAll(/: ([\d,]+) states in ([\d.]+) s/g)];
  const explored = states.reduce((n, m) => n + Number(m[1]!.replace(/,/g, '')), 0);
  const exhaustiveS = states.reduce((n, m) => n + Number(m[2]), 0);
  const lines = r.out.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Violation: '));
  const findings = lines.filter((l) => (l.startsWith('  exhaustive, ') && !l.includes('every interleaving linearizable')) || l.startsWith('  stress: '));
  const first = at >= 0 ? lines.slice(at, at + 12).filter((l) => l !== '') : findings.map((l) => l.slice(0, 300));
  t.diagnostic(`gallery ${ring}: ${explored} states (${states.length} cases, ${exhaustiveS.toFixed(1)} s exhaustive), check ${r.seconds.toFixed(1)} s wall`);
  for (const l of first) t.diagnostic(`gallery ${ring}:   ${l}`);
}

const broken: [string, RegExp][] = [
  ['broken-poptail-no-cas.ts', /a value nobody pushed|came out twice/],
  ['broken-pophead-no-cas.ts', /a value nobody pushed|came out twice/],
  ['broken-publish-before-write.ts', /a value nobody pushed/],
  ['broken-release-before-read.ts', /came out twice/],
  ['broken-poptail-loses-value.ts', /never came out.*lost/],
  ['broken-mask-15-bit.ts', /16-bit wrap.*violation/],
  ['broken-push-no-full-check.ts', /a value nobody pushed|lost/],
  ['broken-never-frees-slot.ts', /a slot was never freed/],
  ['broken-pophead-no-tail-check.ts', /a value nobody pushed/],
  ['broken-own-buffer.ts', /breaks the contract: the code allocated a SharedArrayBuffer of its own/],
];

for (const [ring, finding] of broken) {
  test(`check 7 ${ring}: does not hold, and says why`, (t) => {
    const r = check(ring);
    const { status, out } = r;
    galleryRow(t, ring, r);
    assert.equal(status, 1, out);
    assert.match(out, /Task 7: does not hold/);
    assert.match(out, finding);
  });
}

test('check 7: a counterexample lists each thread\'s operations, then the interleaving with words and values', () => {
  const { out } = check('broken-poptail-no-cas.ts');
  assert.match(out, /Operations and results, per thread:\n {2}owner: pushHead\(1\): true/);
  assert.match(out, /The following interleaving \(\d+ steps, a shortest one\) leads to the error:\n\s+1\. owner\s+pushHead\(1\)\s+Atomics\.load word 0: 0/);
});

for (const ring of ['correct-minimal.ts', 'correct-pool-dequeue.ts']) {
  test(`check 7 ${ring}: holds`, (t) => {
    const r = check(ring);
    const { status, out } = r;
    galleryRow(t, ring, r);
    assert.equal(status, 0, out);
    assert.match(out, /Task 7: holds/);
    assert.match(out, /All 1000000 values were taken exactly once/);
  });
}

test('check 7 on a module without Dequeue, or a missing file: exit 2 with the contract', () => {
  const missing = check('no-such-ring.ts');
  assert.equal(missing.status, 2);
  assert.match(missing.out, /does not exist[\s\S]*static words\(capacity: number\): number/);
  const wrong = spawnSync(process.execPath, [cli, 'check', '7', join(import.meta.dirname, 'elbow.test.ts')], { encoding: 'utf8', timeout: 200_000 });
  assert.equal(wrong.status, 2, wrong.stderr);
  assert.match(wrong.stderr, /does not export a class named Dequeue[\s\S]*The contract/);
});
