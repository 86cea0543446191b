// Every exercise's report section built from synthetic measurements, with and without its Go
// side (--with-go): every figure quoted by the verdict, the explanation and the Go note is in the
// section's tables or the exercise's stated setup, and changing one quoted figure is caught.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Exercise, Result } from '../src/exercise.js';
import * as e1 from '../src/exercises/01-buffer-pool.js';
import * as e2 from '../src/exercises/02-gc-drain.js';
import * as e3 from '../src/exercises/03-cross-p-steal.js';
import * as e4 from '../src/exercises/04-slow-path.js';
import type { Figures } from '../src/lib/bench.js';
import { spread } from '../src/lib/stats.js';
import { quoted, unquoted } from './quoted.js';

const GO_VERSION = 'go version go1.19.8 linux/amd64';
const ns = (...values: number[]) => spread(values);
const figures = (nsValues: number[], bytesPerOp: number, allocsPerOp: number): Figures => ({ ns: ns(...nsValues), bytesPerOp, allocsPerOp, procs: 2 });
const artifact = { name: 'raw.txt', content: '' };

/** Go's drain program: GOMAXPROCS 1 and 2, after 0, 1 and 2 GCs, 4 runs each; New ran again after one GC with 2 Ps when the P changed. */
const drainRuns = [1, 2].flatMap((gomaxprocs) => [0, 1, 2].flatMap((gcs) => [0, 1, 2, 3].map((i) => {
  const moved = gomaxprocs === 2 && gcs > 0 && i % 2 === 0;
  return { gomaxprocs, gcs, before: 1, after: gcs === 2 || moved ? 2 : 1, putP: 0, getP: moved ? 1 : 0 };
})));

const stealStats = (hits: number, locals: number) =>
  ({ gets: 7200 + 8000, puts: 8000, privateHits: locals === 1 ? 1 : 0, ringHits: locals === 1 ? hits - 1 : 0, steals: locals === 1 ? 0 : hits, fresh: 8000 + 7200 - hits, exhausted: 0, waits: 0 });
const stealTrial = (locals: 1 | 4, order: 'race' | 'after', hits: number): e3.Trial =>
  ({ locals, order, hits, misses: 7200 - hits, exhausted: 0, stats: stealStats(hits, locals) });
/** Go's steal program: every configuration 3 times. */
const stealRuns: e3.GoStealRun[] = [0, 1, 2].flatMap((i) => [
  { procs: 4, race: true, lock: true, hits: 4500 + 1000 * i, misses: 4500 - 1000 * i, order: ['c2', 'c0', 'c1', 'p'] },
  { procs: 4, race: false, lock: true, hits: 9000, misses: 0, order: ['p', 'c2', 'c0', 'c1'] },
  { procs: 1, race: true, lock: true, hits: 6000, misses: 3000, order: ['c2', 'p', 'c0', 'c1'] },
  { procs: 4, race: true, lock: false, hits: 5268 - i, misses: 3732 + i, order: ['c2', 'c0', 'p', 'c1'] },
]);

/** Each exercise's section from synthetic measurements, without Go and with it. */
const sections: [Exercise, (withGo: boolean) => Result][] = [
  [e1.exercise, (withGo) => e1.present({
    noPool: { ns: ns(1510, 1432, 1620), bytesPerOp: 1792, allocsPerOp: 9.2 },
    pool: { ns: ns(811, 790, 840), bytesPerOp: 616, allocsPerOp: 2.1 },
    resetsCleanly: true, remaining: { strings: 0.04, result: 2.02 }, capacities: [64, 128, 256, 512], outputBytes: 290,
    artifacts: [artifact],
    ...(withGo ? { go: { version: GO_VERSION, data: { noPool: figures([1213, 1180, 1290], 1280, 6), pool: figures([612, 590, 640], 0, 0), artifact } } } : {}),
  })],
  [e2.exercise, (withGo) => e2.present({
    scenarios: [true, false].flatMap((victim) => [0, 1, 2].map((gcs) => ({
      gcs, victim, before: 1, after: gcs === 0 || (victim && gcs === 1) ? 1 : 2, victimHits: victim && gcs === 1 ? 1 : 0, cleanups: gcs,
    }))),
    ...(withGo ? { go: { version: GO_VERSION, data: drainRuns } } : {}),
  })],
  [e3.exercise, (withGo) => e3.present({
    trials: [stealTrial(4, 'race', 3958), stealTrial(4, 'after', 7200), stealTrial(1, 'race', 4800), stealTrial(1, 'after', 7200),
      stealTrial(4, 'race', 1384), stealTrial(4, 'after', 7200), stealTrial(1, 'race', 4800), stealTrial(1, 'after', 7200)],
    ...(withGo ? { go: { version: GO_VERSION, data: stealRuns } } : {}),
  })],
  [e4.exercise, (withGo) => e4.present({
    fast: figures([7.9, 7.1, 8.4], 0, 0), slow: figures([41.2, 39.5, 47.3], 12.5, 0.01), untimed: { privateBytes: 0.01, stealBytes: 0.02 },
    artifacts: [artifact],
    ...(withGo ? { go: { version: GO_VERSION, data: { fast: figures([11.2, 10.9, 12.1], 0, 0), slow: figures([88.4, 80.3, 91.2], 0, 0), artifacts: [artifact] } } } : {}),
  })],
];

/** A figure no synthetic measurement holds: what a changed quote becomes. */
const CHANGED = 987654.321;

for (const [exercise, section] of sections) {
  for (const withGo of [false, true]) {
    const mode = withGo ? 'with --with-go' : 'without --with-go';
    test(`exercise ${exercise.id} ${mode}: every quoted figure is in the section's tables or setup`, () => {
      const result = section(withGo);
      assert.equal(result.go !== undefined, withGo);
      assert.deepEqual(unquoted(result, exercise).map((u) => `${u.where}: ${u.figure}`), []);
    });
    test(`exercise ${exercise.id} ${mode}: a changed quoted figure is caught`, () => {
      const result = section(withGo);
      const setup = new Set([exercise.goal, exercise.criterion, exercise.analogue].flatMap(quoted));
      // The first figure the explanation quotes that is a measurement, not the setup: change it.
      const figure = quoted(result.explanation).find((n) => !setup.has(n));
      assert.notEqual(figure, undefined, 'the explanation quotes no measured figure');
      const changed = { ...result, explanation: result.explanation.replace(new RegExp(`(?<![\\d.])${String(figure).replace('.', '\\.')}(?![\\d]|\\.\\d)`), String(CHANGED)) };
      assert.notEqual(changed.explanation, result.explanation);
      assert.deepEqual(unquoted(changed, exercise).map((u) => `${u.where}: ${u.figure}`), [`explanation: ${CHANGED}`]);
    });
  }
}
