// The interleaving explorer on models that have nothing to do with pools: a lost update that it
// must find with a shortest trace, the same counter with Atomics.add that it must pass, a spin
// lock nobody releases that it must report as a hang, and the linearizability check on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterexampleText, explore, linearize, type HistoryOp, type Model, type Specification } from '../src/interleave/index.js';

/** Two threads increment word 0 once each; `increment` is how. Finally the word must be 2. */
function counter(increment: (m: Int32Array) => void): Model {
  return {
    words: 1,
    build: (memory) => ({
      threads: ['a', 'b'].map((name) => ({ name, ops: [{ label: 'increment()', run: () => increment(memory) }] })),
      final: (s) => (s.memory[0] === 2 ? undefined : `the counter is ${s.memory[0]} after two increments`),
    }),
  };
}

test('a read-then-write increment loses an update: found, with a shortest trace of the words read and written', () => {
  const r = explore(counter((m) => { m[0] = m[0]! + 1; }));
  assert.ok(r.violation !== undefined);
  assert.equal(r.violation.message, 'the counter is 1 after two increments');
  assert.equal(r.violation.trace.length, 4);
  const text = counterexampleText(r.violation, ['a', 'b']);
  assert.match(text, /reads word 0: 0[\s\S]*reads word 0: 0[\s\S]*writes word 0 := 1[\s\S]*writes word 0 := 1/);
});

test('Atomics.add does not lose it: every interleaving explored, no violation', () => {
  const r = explore(counter((m) => { Atomics.add(m, 0, 1); }));
  assert.equal(r.violation, undefined);
  assert.equal(r.limitReached, undefined);
  assert.ok(r.finals >= 1);
});

test('a spin lock that is never released: a hang of the thread that waits for it', () => {
  const r = explore({
    words: 1,
    build: (m) => ({
      threads: [
        { name: 'holder', ops: [{ label: 'lock()', run: () => Atomics.compareExchange(m, 0, 0, 1) }] },
        { name: 'waiter', ops: [{ label: 'lock()', run: () => { while (Atomics.compareExchange(m, 0, 0, 1) !== 0) { /* spin */ } } }] },
      ],
    }),
  });
  assert.ok(r.violation !== undefined);
  assert.match(r.violation.message, /hang|cannot finish|round in circles/i);
});

const register: Specification<number> = {
  initial: 0,
  key: (s) => String(s),
  apply: (s, label) => (label.startsWith('write') ? { state: Number(/\d+/.exec(label)![0]), outcome: { value: undefined } } : { state: s, outcome: { value: s } }),
};
const op = (thread: number, label: string, call: number, ret: number, value: unknown): HistoryOp => ({ thread, index: 0, label, call, ret, outcome: { value } });

test('linearize: a read that overlaps a write may see either value, one after it returned may not see the old one', () => {
  assert.equal(linearize([op(0, 'write(1)', 0, 3, undefined), op(1, 'read()', 1, 2, 0)], register).ok, true);
  assert.equal(linearize([op(0, 'write(1)', 0, 1, undefined), op(1, 'read()', 2, 3, 0)], register).ok, false);
});
