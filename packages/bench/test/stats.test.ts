import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareResults } from '../src/compare.js';
import { parseGoBench } from '../src/index.js';
import { mannWhitneyU, median, medianInterval } from '../src/stats.js';

test('Mann-Whitney U: exact p-values for small samples without ties', () => {
  assert.equal(mannWhitneyU([1, 2, 3], [4, 5, 6]), 2 / 20);
  assert.equal(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]), 2 / 252);
  assert.equal(mannWhitneyU([1, 3, 5], [2, 4, 6]), 0.7);
  assert.equal(mannWhitneyU([], [1]), 1);
});

test('Mann-Whitney U: symmetric, in (0, 1], with ties handled', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 12 }),
    fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 12 }),
    (a, b) => {
      const p = mannWhitneyU(a, b);
      assert.ok(p > 0 && p <= 1, `p = ${p}`);
      assert.ok(Math.abs(p - mannWhitneyU(b, a)) < 1e-9);
    },
  ));
  assert.ok(mannWhitneyU([1, 1, 2, 2, 2, 3], [7, 7, 8, 8, 9, 9]) < 0.01);
});

test('median and its 95% interval from order statistics', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  assert.deepEqual(medianInterval(ten), [2, 9]); // k = 2: coverage 1 − 2·11/1024 ≥ 0.95
  assert.deepEqual(medianInterval([1, 2, 3, 4, 5]), [-Infinity, Infinity]); // n < 6 reaches no 95 % interval
  assert.deepEqual(medianInterval([1, 2, 3, 4, 5, 6]), [1, 6]);
});

test('compare prints median ± CI, the change, and ~ when not significant', () => {
  const lines = (ns: number[], name: string): string => ns.map((v) => `${name}-2 1000 ${v} ns/op 40 B/op 1 allocs/op`).join('\n');
  const old = parseGoBench(`goos: linux\n${lines([10, 10.1, 9.9, 10.2, 10, 9.8, 10.1, 10, 9.9, 10.05], 'BenchmarkA')}\n${lines([5, 5.1, 4.9, 5, 5.2, 4.8], 'BenchmarkB')}`);
  const cur = parseGoBench(`goos: linux\n${lines([5, 5.05, 4.95, 5.1, 5, 4.9, 5.05, 5, 4.95, 5.02], 'BenchmarkA')}\n${lines([5.1, 4.9, 5, 5.05, 4.95, 5.15], 'BenchmarkB')}`);
  const table = compareResults(old, cur, { oldLabel: 'old.txt', newLabel: 'new.txt' });
  assert.match(table, /^goos: linux$/m);
  assert.match(table, /sec\/op/);
  assert.match(table, /^A-2\s+10\.00n ± 1%\s+5\.000n ± 1%\s+-50\.00% \(p=0\.000 n=10\)$/m);
  assert.match(table, /^B-2\s+5\.000n ± 4%\s+5\.025n ± 2%\s+~ \(p=0\.808 n=6\)$/m);
  assert.match(table, /^A-2\s+40\.00 ± 0%\s+40\.00 ± 0%\s+~ \(p=1\.000 n=10\)$/m);
  assert.match(table, /^geomean\s+7\.071n\s+5\.012n\s+-29\.11%$/m);
});
