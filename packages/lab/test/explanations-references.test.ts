// A sentence that refers to other output appears only when that output is in the same report:
// a section never points at another exercise's output (a report may hold any subset of the
// exercises: `syncpool-lab 4` alone), only at a command the reader can run; and without
// --with-go no sentence points at Go's section, tables or same-run figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Result } from '../src/exercise.js';
import { otherOutcomes, sections } from './synthetic.js';

const texts = (r: Result) => [r.reason, r.explanation, r.go?.note ?? '', ...[...r.tables, ...(r.go?.tables ?? [])].map((t) => t.title)];
/** "exercise 5", "exercises 9 and 10", "exercise 5's": references to sections, not `syncpool-lab 5` commands. */
const exerciseRefs = (text: string) => [...text.replace(/syncpool-lab \d+/g, '').matchAll(/\bexercises? (\d+)/gi)].map((m) => Number(m[1]));
/** What only a report with Go's section can point at. */
const GO_OUTPUT = /\bGo (section|table|listing|rows?)\b|\bGo(, | )in the same run\b|\bGo's ratio\b|\bin the Go section\b/i;

for (const [exercise, outcome, section] of [...sections.map(([e, build]) => [e, 'typical', build] as const), ...otherOutcomes]) {
  for (const withGo of [false, true]) {
    test(`exercise ${exercise.id} ${withGo ? 'with' : 'without'} --with-go, ${outcome}: no sentence points at output this report may lack`, () => {
      const all = texts(section(withGo));
      assert.deepEqual(all.flatMap(exerciseRefs).filter((n) => n !== exercise.id), []);
      if (!withGo) assert.deepEqual(all.filter((t) => GO_OUTPUT.test(t)), []);
    });
  }
}

test('the reference check catches a pointer at another exercise and at an absent Go section', () => {
  assert.deepEqual(exerciseRefs('as exercise 5\'s Go listing shows; run `syncpool-lab 5`'), [5]);
  assert.equal(GO_OUTPUT.test('the Go section below counts how often'), true);
  assert.equal(GO_OUTPUT.test('Go in the same run: 2.1×'), true);
  assert.equal(GO_OUTPUT.test('run with --with-go to measure Go here'), false);
});
