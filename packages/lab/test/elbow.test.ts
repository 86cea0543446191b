import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { findElbow } from '../src/lib/elbow.js';
import { judgeWarmup } from '../src/exercises/12-warmup.js';

test('findElbow finds the corner of a falling hockey stick', () => {
  const xs = [0, 2, 4, 6, 8, 10, 12, 16, 24, 32];
  const ys = xs.map((x) => Math.max(0, 10 - x)); // linear fall to 0 at x = 10, then flat
  const elbow = findElbow(xs, ys);
  assert.equal(elbow.x, 10);
  assert.equal(elbow.y, 0);
  assert.ok(elbow.distance > 0.5);
});

test('findElbow finds the knee of 1/x', () => {
  const xs = Array.from({ length: 50 }, (_, i) => i + 1);
  const elbow = findElbow(xs, xs.map((x) => 1 / x));
  assert.ok(elbow.x >= 4 && elbow.x <= 9, `knee of 1/x on [1, 50] at ${elbow.x}`);
});

test('a straight line or a flat curve has no elbow (distance 0)', () => {
  assert.equal(findElbow([0, 1, 2, 3], [3, 2, 1, 0]).distance, 0);
  assert.equal(findElbow([0, 1, 2, 3], [5, 5, 5, 5]).distance, 0);
});

test('findElbow rejects too few points, unequal lengths and non-increasing x', () => {
  assert.throws(() => findElbow([0, 1], [1, 0]), RangeError);
  assert.throws(() => findElbow([0, 1, 2], [1, 0]), RangeError);
  assert.throws(() => findElbow([2, 1, 0], [0, 1, 2]), RangeError);
});

test('findElbow never reports a point above the chord, for any curve', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 40 }), (ys) => {
    const xs = ys.map((_, i) => i);
    const elbow = findElbow(xs, ys);
    assert.ok(elbow.distance >= 0 && elbow.distance <= 1);
    assert.equal(ys[elbow.index], elbow.y);
  }));
});

test('judgeWarmup: holds for a sharp elbow with a flat tail, not for a steady fall or a late dip', () => {
  const ks = [0, 4, 8, 12, 16, 24, 32];
  assert.equal(judgeWarmup(ks, [16, 12, 8, 4, 0, 0, 0]).verdict, 'holds');
  assert.equal(judgeWarmup(ks, [16, 12, 8, 4, 0, 0, 0]).elbow.x, 16);
  assert.equal(judgeWarmup(ks, ks.map((k) => 32 - k)).verdict, 'does not hold');
  // An elbow followed by a second big drop: more warm-up still pays, so no elbow.
  assert.equal(judgeWarmup(ks, [16, 8, 7.9, 7.8, 7.7, 7.6, 0]).verdict, 'does not hold');
});
