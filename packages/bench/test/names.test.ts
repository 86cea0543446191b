import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchtime, parseDuration, predictN } from '../src/benchtime.js';
import { BenchError, bench } from '../src/index.js';
import { Matcher, NameRegistry, rewrite } from '../src/names.js';

test('-bench patterns match per level, split at / and | outside brackets and parentheses', () => {
  const m = new Matcher('Pool/size=1|Other');
  assert.deepEqual(m.match('BenchmarkPool'), { ok: true, partial: true });
  assert.deepEqual(m.match('BenchmarkPool/size=16'), { ok: true, partial: false });
  assert.deepEqual(m.match('BenchmarkPool/size=2'), { ok: false, partial: false });
  assert.deepEqual(m.match('BenchmarkOther/anything'), { ok: true, partial: false });
  assert.equal(new Matcher('X[/]Y').match('BenchmarkX/Y').ok, false); // the slash is inside brackets: one level
  assert.equal(new Matcher('^Benchmark(X|Y)$/^sub$').match('BenchmarkY/sub').ok, true); // | inside parentheses
  assert.equal(new Matcher('.').match('BenchmarkAnything/sub').ok, true);
  assert.throws(() => new Matcher('Pool/(unclosed'), (e: unknown) => e instanceof BenchError && /element 1 .*"\(unclosed"/.test(e.message));
});

test('sub-benchmark names: spaces to underscores, duplicates numbered #01, #02', () => {
  assert.equal(rewrite('with space\tand tab'), 'with_space_and_tab');
  const names = new NameRegistry();
  assert.equal(names.unique('BenchmarkX', 'a b'), 'BenchmarkX/a_b');
  assert.equal(names.unique('BenchmarkX', 'a b'), 'BenchmarkX/a_b#01');
  assert.equal(names.unique('BenchmarkX', 'a b'), 'BenchmarkX/a_b#02');
  assert.equal(names.unique('BenchmarkY', 'a b'), 'BenchmarkY/a_b');
  assert.equal(names.unique('BenchmarkX', ''), 'BenchmarkX/#00');
});

test('--benchtime: Go durations and counts; bad values say what to write', () => {
  assert.deepEqual(parseBenchtime('1s'), { ns: 1e9 });
  assert.deepEqual(parseBenchtime('1.5s'), { ns: 1.5e9 });
  assert.deepEqual(parseBenchtime('1m30s'), { ns: 90e9 });
  assert.deepEqual(parseBenchtime('250ms'), { ns: 250e6 });
  assert.deepEqual(parseBenchtime('200x'), { n: 200 });
  assert.equal(parseDuration('3us'), 3000);
  assert.equal(parseDuration('3µs'), 3000);
  for (const bad of ['', '1', 'abc', '0s', '-1s', '0x', '1.5x', 'x', '1sx']) {
    assert.throws(() => parseBenchtime(bad), (e: unknown) => e instanceof BenchError && /--benchtime/.test(e.message), bad);
  }
});

test('b.N grows as Go predicts: 1.2× the estimate, at most 100× per step, at least +1, at most 1e9', () => {
  assert.equal(predictN(1e9, 1, 1000, 1), 100); // 1e6 wanted, capped at 100× the last N
  assert.equal(predictN(1e9, 100, 100_000, 100), 10_000); // 1.2e6 wanted, capped at 100 × 100
  assert.equal(predictN(1e9, 10_000, 1e7, 10_000), 1_000_000); // 1e6 × 1.2 = 1.2e6, capped at 100 × 10 000
  assert.equal(predictN(1e9, 1_000_000, 5e8, 1_000_000), 2_400_000);
  assert.equal(predictN(1e9, 5, 2e9, 5), 6); // slower than the goal: still one more
  assert.equal(predictN(1e9, 1e8, 1, 1e8), 1e9);
});

test('bench() rejects names that would not be Benchmark names under benchfmt, and non-functions', () => {
  assert.throws(() => bench('lower', () => {}), TypeError);
  assert.throws(() => bench('Has space', () => {}), TypeError);
  assert.throws(() => bench('Has/slash', () => {}), TypeError);
  assert.throws(() => bench('', () => {}), TypeError);
  assert.throws(() => bench('Fine', 42 as unknown as () => void), TypeError);
});
