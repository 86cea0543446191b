// Every exercise's verdict can fail: each judge function gets numbers on the passing side of its
// criterion and on the failing side, and the verdict flips and the reason changes with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Judgement } from '../src/exercise.js';
import { judgeBufferPool, type FormatFigures } from '../src/exercises/01-buffer-pool.js';
import { goDrainCells, goOneGcNote, judgeDrain, type GoDrainRun, type Scenario } from '../src/exercises/02-gc-drain.js';
import { judgeSteal, type Trial } from '../src/exercises/03-cross-p-steal.js';
import { judgeSlowPath } from '../src/exercises/04-slow-path.js';
import { judgeFastPath, type FastPathFindings } from '../src/exercises/05-fast-path-asm.js';
import { judgeCliff, type CliffFigures } from '../src/exercises/06-victim-cliff.js';
import { auditSeen, judgeDequeue } from '../src/exercises/07-dequeue-stress.js';
import { findCrossover, judgeSizeSweep, type SizePoint } from '../src/exercises/08-size-sweep.js';
import { judgePadding, type PaddingFigures } from '../src/exercises/09-false-sharing.js';
import { judgeContention, type ContentionFigures } from '../src/exercises/10-mutex-pool.js';
import { judgeTrace, type TraceFigures } from '../src/exercises/11-trace.js';
import { judgeWarmup } from '../src/exercises/12-warmup.js';
import { median, round, showSpread, spread, type Spread } from '../src/lib/stats.js';
import { speedWord, trend } from '../src/lib/words.js';

/** A spread of three runs around a median. */
const s = (m: number, lo = m * 0.9, hi = m * 1.1): Spread => ({ median: m, min: lo, max: hi, n: 3 });

/** The passing judgement holds, the failing one does not, and their reasons differ. */
function flips(pass: Judgement, fail: Judgement, failing: RegExp, expected: Judgement['verdict'] = 'does not hold'): void {
  assert.equal(pass.verdict, 'holds', pass.reason);
  assert.equal(fail.verdict, expected, fail.reason);
  assert.notEqual(pass.reason, fail.reason);
  assert.match(fail.reason, failing);
}

test('exercise 1: allocs/op must drop by one, ns/op stay within 5%, the buffer be reset', () => {
  const f = (ns: number, allocs: number): FormatFigures => ({ ns: s(ns), bytesPerOp: 100, allocsPerOp: allocs });
  const pass = judgeBufferPool(f(100, 5), f(80, 1), true);
  flips(pass, judgeBufferPool(f(100, 5), f(80, 4.5), true), /dropped by 0\.5, less than the 1/);
  flips(pass, judgeBufferPool(f(100, 5), f(106, 1), true), /slower: 1\.06×/);
  flips(pass, judgeBufferPool(f(100, 5), f(80, 1), false), /not reset/);
  assert.equal(judgeBufferPool(f(100, 5), f(104, 4), true).verdict, 'holds');
});

test('exercise 2: New must run again 0, 0, 1 times with the victim cache and once without', () => {
  const scenario = (victim: boolean, gcs: number, after: number): Scenario =>
    ({ victim, gcs, before: 1, after, victimHits: 0, cleanups: gcs });
  const twoStep = [scenario(true, 0, 1), scenario(true, 1, 1), scenario(true, 2, 2), scenario(false, 1, 2)];
  const oneStep = [scenario(true, 0, 1), scenario(true, 1, 2), scenario(true, 2, 2), scenario(false, 1, 2)];
  assert.deepEqual(judgeDrain(twoStep).counts, [0, 0, 1, 1]);
  flips(judgeDrain(twoStep), judgeDrain(oneStep), /not the two-step drain/);
  assert.throws(() => judgeDrain(twoStep.slice(1)), RangeError);
});

test('exercise 3: every consumer hit must be a steal, and producer-first runs must all hit', () => {
  const stats = (steals: number) => ({ gets: 0, puts: 0, privateHits: 0, ringHits: 0, steals, fresh: 0, exhausted: 0, waits: 0 });
  const trial = (locals: 1 | 4, order: Trial['order'], hits: number, steals: number): Trial =>
    ({ locals, order, hits, misses: 7200 - hits, exhausted: 0, stats: stats(steals) });
  const good = [trial(4, 'race', 5000, 5000), trial(4, 'after', 7200, 7200), trial(1, 'after', 7200, 0)];
  flips(judgeSteal(good), judgeSteal([trial(4, 'race', 5000, 5000), trial(4, 'after', 7000, 7000), trial(1, 'after', 7200, 0)]),
    /missed although the producer had put enough/);
  flips(judgeSteal(good), judgeSteal([trial(4, 'race', 5000, 4000), trial(4, 'after', 7200, 7200), trial(1, 'after', 7200, 0)]),
    /steal count differs/);
  assert.match(judgeSteal(good).reason, /hit rate was 69/);
  // Racing on one local, exactly the consumer that runs before the producer misses.
  flips(judgeSteal([...good, trial(1, 'race', 4800, 0)]), judgeSteal([...good, trial(1, 'race', 5000, 0)]),
    /single-local racing run missed 2200 times, not the 2400 gets/);
  flips(judgeSteal(good), judgeSteal([...good, trial(1, 'race', 4800, 10)]), /single-local run stole/);
});

test('exercise 2 in Go: New ran again after one GC counted over runs, and whether a change of P accounts for it', () => {
  const run = (putP: number, getP: number, again: boolean): GoDrainRun =>
    ({ gomaxprocs: 2, gcs: 1, before: 1, after: again ? 2 : 1, putP, getP });
  const moved = [run(0, 1, true), run(1, 0, true), run(0, 0, false), run(1, 1, false), run(0, 0, false)];
  const cells = goDrainCells([...moved, { ...run(0, 0, false), gomaxprocs: 1 }]);
  assert.deepEqual(cells.map((c) => [c.gomaxprocs, c.runs, c.newAgain, c.moved, c.movedAndNew]), [[2, 5, 2, 2, 2], [1, 1, 0, 0, 0]]);
  const exact = goOneGcNote(cells);
  assert.match(exact, /GOMAXPROCS=2, New ran again after one GC in 2 of 5 runs; .* in 2 of them, and New ran again in 2 of those 2\. So New ran again exactly when/);
  assert.match(exact, /GOMAXPROCS=1, New ran again after one GC in 0 of 1 runs\./);
  const unexplained = goOneGcNote(goDrainCells([...moved, run(0, 0, true)]));
  assert.match(unexplained, /does not account for every run/);
  assert.doesNotMatch(unexplained, /exactly when/);
});

test('exercise 4: a stealing get must cost at least 2× the fast path', () => {
  const pass = judgeSlowPath(s(10), s(20));
  assert.equal(pass.ratio, 2);
  flips(pass, judgeSlowPath(s(10), s(19.9)), /less than the 2×/);
  assert.match(pass.reason, /upper bound on a fast get/);
});

test('exercise 5: no lock prefix or Atomics call on a success path, every landmark found, a CAS on the steal path', () => {
  const path = (locked: number, atomicsCalls: number, missing: string[] = []) =>
    ({ subject: 'SharedPool.get', found: true, instructions: 70, locked, atomicsCalls, missing });
  const findings = (p: FastPathFindings['paths'][number], casCalls = 2): FastPathFindings =>
    ({ paths: [p], stealChain: 'popTail → claim', casCalls, builtin: { locked: 8 } });
  const pass = judgeFastPath(findings(path(0, 0)));
  flips(pass, judgeFastPath(findings(path(1, 0))), /lock-prefixed instruction or an Atomics call/);
  flips(pass, judgeFastPath(findings(path(0, 1))), /lock-prefixed instruction or an Atomics call/);
  flips(pass, judgeFastPath(findings(path(0, 0, ['empty check']))), /landmarks not found: SharedPool.get: empty check/);
  flips(pass, judgeFastPath(findings(path(0, 0), 0)), /calls no AtomicsCompareExchange/);
});

test('exercise 6: allocations with the GCs must stay under 2× the run without; no collection means no verdict', () => {
  const figures = (ratio: number, outAtCollections = [20, 22, 0]): CliffFigures =>
    ({ baseline: s(1e-4), withVictim: s(ratio * 1e-4), withoutVictim: s(4e-4), ratio: s(ratio), cliff: s(4), outAtCollections });
  const pass = judgeCliff(figures(1.06));
  flips(pass, judgeCliff(figures(2.5)), /at least 2×: the allocations doubled/);
  assert.match(pass.reason, /2 of the 3 collections hit while handlers held buffers/);
  const none = judgeCliff(figures(1, []));
  assert.equal(none.verdict, 'not applicable here');
  assert.match(none.reason, /Measured instead/);
});

test('exercise 7: no value lost, none taken twice, popHead used', () => {
  const ok = { count: 100, lost: 0, duplicated: 0, popHeads: 10, popTails: 90 };
  const pass = judgeDequeue(ok);
  flips(pass, judgeDequeue({ ...ok, lost: 1, popTails: 89, firstBad: 7 }), /1 values lost.*first at value 7/);
  flips(pass, judgeDequeue({ ...ok, duplicated: 1, popTails: 91, firstBad: 3 }), /1 taken more than once/);
  flips(pass, judgeDequeue({ ...ok, popHeads: 0, popTails: 100 }), /popHead succeeded 0 times/);
  assert.match(pass.reason, /no race detector/);
  assert.deepEqual(auditSeen(Int32Array.of(1, 1, 1)), { lost: 0, duplicated: 0 });
  assert.deepEqual(auditSeen(Int32Array.of(1, 0, 2, 1, 0)), { lost: 2, duplicated: 1, firstBad: 1 });
});

test('exercise 8: a crossover size must exist inside the sweep', () => {
  const p = (size: number, allocNs: number, poolNs: number): SizePoint => ({ size, alloc: s(allocNs), pool: s(poolNs) });
  const crossing = [p(16, 20, 30), p(64, 25, 30), p(128, 300, 30), p(1024, 600, 30)];
  const pass = judgeSizeSweep(crossing);
  assert.equal(pass.crossover, 128);
  flips(pass, judgeSizeSweep([p(16, 40, 30), p(64, 45, 30)]), /faster at every size/);
  flips(pass, judgeSizeSweep([p(16, 20, 30), p(64, 25, 30)]), /no faster at any size/);
  flips(pass, judgeSizeSweep([p(16, 40, 30), p(64, 25, 30), p(128, 300, 30)]), /No single crossover/);
  // Within 5% is a tie, not a win.
  assert.deepEqual(findCrossover([p(64, 31, 30), p(128, 300, 30)]), { size: 128, identified: true });
});

test('exercise 9: pad 128 at least 1.1× pad 0, judged only when two control workers ran in parallel', () => {
  const figures = (padded: number, packed: number, control2 = 1900): PaddingFigures => ({
    padded: s(padded), packed: s(packed), ratio: s(padded / packed), singleRatio: s(1), control1: s(1000), control2: s(control2),
  });
  const pass = judgePadding(figures(110, 100));
  flips(pass, judgePadding(figures(109, 100)), /under the 1\.1×/);
  // Busy cores, seen by the control workers: no verdict, and what was measured instead.
  const busy = judgePadding(figures(150, 100, 1000));
  assert.equal(busy.verdict, 'not applicable here');
  assert.match(busy.reason, /Measured instead, and not a verdict: with 2 workers pad 128 ran 1\.5×/);
  // Padded workers that do not scale (a padding that failed) are a failure when the control scaled.
  assert.equal(judgePadding(figures(60, 100)).verdict, 'does not hold');
});

test('exercise 10: SharedPool at least 5× MutexPool with 2 workers, and memory within 1.25×', () => {
  const memory = (rss: number) => ({ arenaBytes: 4096, ownBytes: 1500, workerHeapBytes: 6e6, peakRssGrowth: rss });
  const figures = (shared: number, rssMutex = 16e6, goRatio?: number): ContentionFigures => ({
    shared: s(shared), mutex: s(5), ratio: s(shared / 5), sharedMemory: memory(16e6), mutexMemory: { ...memory(rssMutex), ownBytes: 1000 },
    ...(goRatio === undefined ? {} : { goRatio }),
  });
  const pass = judgeContention(figures(200));
  flips(pass, judgeContention(figures(24)), /less than the 5×/);
  flips(pass, judgeContention(figures(200, 40e6)), /not within the 1\.25× read as similar/);
  assert.match(pass.reason, /own memory.*\(1\.5×\)/);
  assert.match(judgeContention(figures(200, 16e6, 1.9)).reason, /Go in the same run: sync\.Pool 1\.9× the mutex pool/);
});

test('exercise 11: every stamped get matches its put, and some get follows its producer\'s exit', () => {
  const f = (broken: number, afterExit: number): TraceFigures =>
    ({ handoffs: 160, broken, toConsumer: 150, afterExit, pair: 'block 7 …' });
  const pass = judgeTrace(f(0, 120));
  flips(pass, judgeTrace(f(3, 120)), /3 gets read a stamp that no put wrote/);
  flips(pass, judgeTrace(f(0, 0)), /none of the consumer's 150 gets came after/);
});

test('exercise 12: the steady-state New rate needs an elbow; a flat one does not hold', () => {
  const ks = [0, 4, 8, 12, 16, 24, 32];
  const pass = judgeWarmup(ks, [0.016, 0.012, 0.008, 0.004, 0, 0, 0]);
  assert.equal(pass.elbow.x, 16);
  const flat = judgeWarmup(ks, ks.map(() => 0.0043));
  flips(pass, flat, /steady-state New rate .* is flat in K: 0\.0043 per get at every K/);
  assert.equal(flat.flat, true);
  // A drop within 10% of the largest value is flat too, however sharp its corner: the same shape
  // with a deeper drop holds.
  const shallow = judgeWarmup(ks, [0.0100, 0.0091, 0.0091, 0.0091, 0.0091, 0.0091, 0.0091]);
  assert.equal(shallow.verdict, 'does not hold');
  assert.equal(shallow.flat, true);
  assert.equal(judgeWarmup(ks, [0.0100, 0.0050, 0.0050, 0.0050, 0.0050, 0.0050, 0.0050]).verdict, 'holds');
  flips(pass, judgeWarmup(ks, ks.map((k) => 32 - k)), /no clear elbow/);
});

test('median, round and spreads', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
  assert.equal(round(0.000123456), 0.000123);
  assert.equal(round(12345.678), 12300);
  assert.equal(round(7), 7);
  assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
  assert.equal(showSpread(spread([148, 121, 160])), '148 (121–160)');
  assert.equal(showSpread(spread([5])), '5');
  assert.equal(showSpread(spread([5, 5])), '5 (all 2)');
});

test('quantitative words follow the numbers', () => {
  assert.equal(trend([688, 683, 606, 808]), 'goes up and down');
  assert.equal(trend([688, 683, 640, 700]), 'stays flat');
  assert.equal(trend([400, 700, 1400, 3000]), 'rises');
  assert.equal(trend([3000, 1400, 700, 400]), 'falls');
  assert.equal(trend([400, 1400, 300, 3000]), 'goes up and down');
  assert.equal(speedWord(10, 20), 'faster than');
  assert.equal(speedWord(20, 10), 'slower than');
  assert.equal(speedWord(10.2, 10), 'as fast as');
  assert.throws(() => trend([1]), RangeError);
});
