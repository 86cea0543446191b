import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeDrain, type Scenario } from '../src/exercises/02-gc-drain.js';
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

test('median and round', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
  assert.equal(round(0.000123456), 0.000123);
  assert.equal(round(12345.678), 12300);
  assert.equal(round(7), 7);
});
