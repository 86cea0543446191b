// Every exercise's report section built from synthetic measurements, with and without its Go
// side (--with-go): every figure quoted by the verdict, the explanation and the Go note is in the
// section's tables or the exercise's stated setup, and changing one quoted figure is caught.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoted, unquoted } from './quoted.js';
import { otherOutcomes, sections } from './synthetic.js';

/** A figure no synthetic measurement holds: what a changed quote becomes. */
const CHANGED = 987654.321;

for (const [exercise, outcome, section] of [...sections.map(([e, build]) => [e, 'typical', build] as const), ...otherOutcomes]) {
  for (const withGo of [false, true]) {
    const mode = `${withGo ? 'with' : 'without'} --with-go, ${outcome}`;
    test(`exercise ${exercise.id} ${mode}: every quoted figure is in the section's tables or setup`, () => {
      const result = section(withGo);
      assert.equal(result.go !== undefined, withGo);
      assert.deepEqual(unquoted(result, exercise).map((u) => `${u.where}: ${u.figure}`), []);
    });
    test(`exercise ${exercise.id} ${mode}: a changed quoted figure is caught, in the verdict, the explanation and the Go note`, () => {
      const result = section(withGo);
      const setup = new Set([exercise.goal, exercise.criterion, exercise.analogue].flatMap(quoted));
      // The first figure a text quotes that is a measurement, not the setup: change it.
      const change = (text: string) => {
        const figure = quoted(text).find((n) => !setup.has(n));
        if (figure === undefined) return undefined;
        const changed = text.replace(new RegExp(`(?<![\\d.])${String(figure).replace('.', '\\.')}(?![\\d]|\\.\\d)`), String(CHANGED));
        assert.notEqual(changed, text);
        return changed;
      };
      const explanation = change(result.explanation);
      const reason = change(result.reason);
      assert.ok(explanation !== undefined || reason !== undefined, 'neither the explanation nor the verdict quotes a measured figure');
      if (explanation !== undefined) {
        assert.deepEqual(unquoted({ ...result, explanation }, exercise).map((u) => `${u.where}: ${u.figure}`), [`explanation: ${CHANGED}`]);
      }
      if (reason !== undefined) assert.deepEqual(unquoted({ ...result, reason }, exercise).map((u) => `${u.where}: ${u.figure}`), [`reason: ${CHANGED}`]);
      const note = result.go?.note === undefined ? undefined : change(result.go.note);
      if (note !== undefined) {
        assert.deepEqual(unquoted({ ...result, go: { ...result.go!, note } }, exercise).map((u) => `${u.where}: ${u.figure}`), [`Go note: ${CHANGED}`]);
      }
    });
  }
}
