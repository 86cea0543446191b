// The Go notes of exercises 2 and 3 over synthetic runs: every figure a note quotes is one of the
// figures in its section's table (source line references aside), and the check fails when a
// quoted figure is changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDrainCells, goOneGcNote, type GoDrainRun } from '../src/exercises/02-gc-drain.js';
import { goOneProcNote, type GoStealRun, type Trial } from '../src/exercises/03-cross-p-steal.js';

/** The numbers a sentence quotes, without source references ("pool.go:175–180", "Go 1.19", "(181–186)", "c0–c2"). */
function quoted(text: string): number[] {
  const stripped = text.replace(/\S+\.go:\d+(–\d+)?/g, '').replace(/Go \d+\.\d+/g, '').replace(/\(\d+–\d+\)/g, '').replace(/\bc\d(–c\d)?\b/g, '');
  return [...stripped.matchAll(/\d+(\.\d+)?/g)].map((m) => Number(m[0]));
}

/** The figures quoted in `text` that no table cell holds. */
function unquotedIn(text: string, cells: readonly (string | number)[]): number[] {
  const figures = new Set(cells.flatMap((c) => (typeof c === 'number' ? [c] : quoted(c))));
  return quoted(text).filter((n) => !figures.has(n));
}

const drainRuns = (procs: number, moves: boolean[]): GoDrainRun[] => moves.map((moved, i) =>
  ({ gomaxprocs: procs, gcs: 1, before: 1, after: moved ? 2 : 1, putP: i % 2, getP: moved ? 1 - (i % 2) : i % 2 }));

test('exercise 2: the Go note quotes only figures of the Go table, and a changed figure is caught', () => {
  const cells = goDrainCells([...drainRuns(1, [false, false, false]), ...drainRuns(2, [true, false, true, true, false, false, true])]);
  const table = cells.flatMap((c) => [c.gomaxprocs, c.gcs, c.runs, c.newAgain, c.moved, c.movedAndNew]);
  const note = goOneGcNote(cells);
  assert.deepEqual(unquotedIn(note, table), []);
  assert.match(note, /in 4 of 7 runs/);
  assert.deepEqual(unquotedIn(note.replace('in 4 of 7 runs', 'in 5 of 7 runs'), table), [5]);
});

test('exercise 3: the GOMAXPROCS=1 racing note quotes only the Go rows and the analogue, and a changed figure is caught', () => {
  const run = (hits: number, order: string[]): GoStealRun => ({ procs: 1, race: true, lock: true, hits, misses: 9000 - hits, order });
  const runs = [run(6000, ['c2', 'p', 'c0', 'c1']), run(6000, ['c2', 'p', 'c0', 'c1']), run(9000, ['p', 'c2', 'c0', 'c1'])];
  const stats = { gets: 0, puts: 0, privateHits: 0, ringHits: 0, steals: 0, fresh: 0, exhausted: 0, waits: 0 };
  const analogue: Trial[] = [{ locals: 1, order: 'race', hits: 4800, misses: 2400, exhausted: 0, stats }];
  const note = goOneProcNote(runs, analogue);
  // What the section's tables hold: Go's rows (runs, hits, misses, start orders), the analogue's row, the gets.
  const table = [runs.length, 2, ...runs.flatMap((r) => [r.hits, r.misses]), 4800, 2400, 3, 3000, 2400, 33, 1];
  assert.deepEqual(unquotedIn(note, table), []);
  assert.match(note, /6000 hits and 3000 misses in 2 of 3 runs/);
  assert.match(note, /missed 33% of its gets, beside Go's 33%: the same share/);
  assert.deepEqual(unquotedIn(note.replace('6000 hits', '6100 hits'), table), [6100]);
  // The order the runs record, not an assumption: with the producer first in most runs the note says so.
  assert.match(goOneProcNote([run(9000, ['p', 'c2', 'c0', 'c1'])], analogue), /does not explain the split/);
});
