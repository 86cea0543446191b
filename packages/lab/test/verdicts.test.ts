import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeBufferPool } from '../src/exercises/01-buffer-pool.js';
import { judgeDrain, type Scenario } from '../src/exercises/02-gc-drain.js';
import { judgeSlowPath } from '../src/exercises/04-slow-path.js';
import { auditSeen } from '../src/exercises/07-dequeue-stress.js';
import { findCrossover } from '../src/exercises/08-size-sweep.js';
import { judgePadding } from '../src/exercises/09-false-sharing.js';
import { judgeContention } from '../src/exercises/10-mutex-pool.js';
import { median, round } from '../src/lib/stats.js';

const scenario = (victim: boolean, gcs: number, after: number): Scenario =>
  ({ victim, gcs, before: 1, after, victimHits: 0, cleanups: gcs });

test('judgeDrain holds exactly for the two-step drain', () => {
  const twoStep = [scenario(true, 0, 1), scenario(true, 1, 1), scenario(true, 2, 2), scenario(false, 1, 2)];
  assert.deepEqual(judgeDrain(twoStep), { counts: [0, 0, 1, 1], holds: true });
  const oneStep = [scenario(true, 0, 1), scenario(true, 1, 2), scenario(true, 2, 2), scenario(false, 1, 2)];
  assert.equal(judgeDrain(oneStep).holds, false);
  assert.throws(() => judgeDrain(twoStep.slice(1)), RangeError);
});

test('judgeBufferPool needs one allocation fewer, no slowdown beyond 5%, and a clean reset', () => {
  const f = (ns: number, allocs: number) => ({ nsPerOp: ns, nsSamples: [ns], bytesPerOp: 0, allocsPerOp: allocs });
  assert.equal(judgeBufferPool(f(100, 5), f(80, 1), true).holds, true);
  assert.equal(judgeBufferPool(f(100, 5), f(104, 4), true).holds, true);
  assert.equal(judgeBufferPool(f(100, 5), f(106, 1), true).holds, false);
  assert.equal(judgeBufferPool(f(100, 5), f(80, 4.5), true).holds, false);
  assert.equal(judgeBufferPool(f(100, 5), f(80, 1), false).holds, false);
});

test('ratio verdicts: slow path 2×, padding 1.1× (with the workers in parallel), contention 5×', () => {
  assert.deepEqual(judgeSlowPath(10, 20), { ratio: 2, holds: true });
  assert.equal(judgeSlowPath(10, 19.9).holds, false);
  assert.equal(judgePadding(110, 100, 60).verdict, 'holds');
  assert.equal(judgePadding(109, 100, 60).verdict, 'does not hold');
  // Two workers no faster than one: they ran in turns, so the layout cannot matter.
  assert.equal(judgePadding(110, 100, 100).verdict, 'not applicable here');
  assert.equal(judgeContention(50, 10).holds, true);
  assert.equal(judgeContention(49, 10).holds, false);
});

test('auditSeen finds lost and duplicated values', () => {
  assert.deepEqual(auditSeen(Int32Array.of(1, 1, 1)), { lost: 0, duplicated: 0 });
  assert.deepEqual(auditSeen(Int32Array.of(1, 0, 2, 1, 0)), { lost: 2, duplicated: 1, firstBad: 1 });
});

test('findCrossover: the pool wins at no size below it and at every size from it', () => {
  const p = (size: number, allocNs: number, poolNs: number) => ({ size, allocNs, poolNs });
  assert.deepEqual(findCrossover([p(16, 20, 30), p(64, 25, 30), p(128, 300, 30), p(1024, 600, 30)]), { size: 128, identified: true });
  // Faster everywhere: the crossover is below the sweep.
  assert.deepEqual(findCrossover([p(16, 40, 30), p(64, 45, 30)]), { size: 16, identified: false });
  // Never faster.
  assert.deepEqual(findCrossover([p(16, 20, 30), p(64, 25, 30)]), { identified: false });
  // Wins, loses, wins: no single crossover.
  assert.deepEqual(findCrossover([p(16, 40, 30), p(64, 25, 30), p(128, 300, 30)]), { identified: false });
  // Within 5% is a tie, not a win.
  assert.deepEqual(findCrossover([p(64, 31, 30), p(128, 300, 30)]), { size: 128, identified: true });
});

test('median and round', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
  assert.equal(round(0.000123456), 0.000123);
  assert.equal(round(12345.678), 12300);
  assert.equal(round(7), 7);
});
