import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEQUEUE_LIMIT, DEQUEUE_MAX_VALUE, PoolDequeue } from '../src/pool-dequeue.js';
import { PoolError } from '../src/errors.js';
import { exited, startWorker } from './workers/spawn.js';

// The reference: a bounded double-ended queue as a plain array, oldest value first.
interface Model {
  values: number[];
  capacity: number;
}
type Real = PoolDequeue;

class PushHead implements fc.Command<Model, Real> {
  constructor(readonly value: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, d: Real): void {
    const full = m.values.length === m.capacity;
    assert.equal(d.pushHead(this.value), !full, 'pushHead fails exactly when the ring is full');
    if (!full) m.values.push(this.value);
    assert.equal(d.length, m.values.length);
  }
  toString(): string {
    return `pushHead(${this.value})`;
  }
}

class PopHead implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, d: Real): void {
    assert.equal(d.popHead(), m.values.length === 0 ? -1 : m.values.pop());
    assert.equal(d.length, m.values.length);
  }
  toString(): string {
    return 'popHead()';
  }
}

class PopTail implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, d: Real): void {
    assert.equal(d.popTail(), m.values.length === 0 ? -1 : m.values.shift());
    assert.deepEqual(d.values(), m.values);
    assert.equal(d.unreleased(), 0, 'a finished pop leaves no claimed slot behind');
  }
  toString(): string {
    return 'popTail()';
  }
}

test('PoolDequeue behaves as a bounded deque (model-based, single thread, any counter start)', () => {
  const commands = fc.commands(
    [
      fc.integer({ min: 0, max: DEQUEUE_MAX_VALUE }).map((v) => new PushHead(v)),
      fc.constant(new PopHead()),
      fc.constant(new PopTail()),
    ],
    { maxCommands: 200 },
  );
  fc.assert(
    fc.property(fc.constantFrom(2, 4, 8, 16), fc.integer({ min: 0, max: 0xffff }), commands, (capacity, start, cmds) => {
      const words = new Int32Array(capacity + 1);
      // An empty ring whose counters start anywhere, so that runs cross the 16-bit wrap.
      words[0] = (start << 16) | start;
      fc.modelRun(() => ({ model: { values: [], capacity }, real: new PoolDequeue(words) }), cmds);
    }),
    { numRuns: 300 },
  );
});

test('pushHead refuses a slot that a popTail has claimed and not yet handed back (Go\'s rule)', () => {
  const words = new Int32Array(PoolDequeue.byteLength(2) / 4);
  const d = new PoolDequeue(words);
  assert.ok(d.pushHead(10));
  assert.ok(d.pushHead(11));
  // Do by hand what a stealer does before its release store: claim the tail slot with the CAS
  // on headTail, but keep the slot marked in use (it still holds 10 + 1).
  const ptrs = Atomics.load(words, 0);
  assert.equal(Atomics.compareExchange(words, 0, ptrs, ptrs + 1), ptrs);
  assert.equal(d.length, 1, 'one value left between tail and head');
  assert.equal(d.unreleased(), 1);
  assert.equal(d.pushHead(12), false, 'the head slot is the claimed one: the owner must not overwrite it');
  Atomics.store(words, 1, 0); // the stealer's release
  assert.equal(d.unreleased(), 0);
  assert.ok(d.pushHead(12));
  assert.deepEqual(d.values(), [11, 12]);
});

test('PoolDequeue shares a SharedArrayBuffer and can sit inside a larger layout', () => {
  const sab = new SharedArrayBuffer(PoolDequeue.byteLength(8));
  const a = new PoolDequeue(sab);
  const b = new PoolDequeue(sab);
  assert.equal(a.capacity, 8);
  a.pushHead(1);
  a.pushHead(2);
  assert.equal(b.popTail(), 1, 'a second view over the same words sees the same ring');
  const words = new Int32Array(20);
  const inner = new PoolDequeue(words, 16, 19, 2); // headTail after the slots
  inner.pushHead(5);
  assert.equal(words[2], 6, 'slot 0 holds value + 1');
  assert.equal(words[19], 1 << 16, 'head is the high half of headTail');
});

test('PoolDequeue rejects bad memory, capacities, indexes and values', () => {
  assert.throws(() => new PoolDequeue(new ArrayBuffer(16) as unknown as SharedArrayBuffer), TypeError);
  assert.throws(() => new PoolDequeue(new Int32Array(4)), RangeError, '3 slots: not a power of two');
  assert.throws(() => new PoolDequeue(new Int32Array(2)), RangeError, '1 slot is too few');
  assert.throws(() => new PoolDequeue(new Int32Array(DEQUEUE_LIMIT * 2 + 1)), RangeError, 'more than 2^14 slots');
  assert.throws(() => PoolDequeue.byteLength(12), RangeError);
  assert.throws(() => new PoolDequeue(new Int32Array(9), 8, 9), RangeError, 'headTail outside memory');
  assert.throws(() => new PoolDequeue(new Int32Array(9), 8, 0, 2), RangeError, 'slots run past the end');
  assert.throws(() => new PoolDequeue(new Int32Array(10), 8, 3, 1), RangeError, 'headTail inside the slots');
  const words = new Int32Array(5);
  const d = new PoolDequeue(words);
  for (const bad of [-1, DEQUEUE_MAX_VALUE + 1]) assert.throws(() => d.pushHead(bad), RangeError, String(bad));
  for (const bad of [1.5, Number.NaN, '3', Symbol('v'), 3n]) {
    assert.throws(() => d.pushHead(bad as number), (e: unknown) => e instanceof TypeError && e.message.startsWith('PoolDequeue'), String(typeof bad));
  }
  assert.deepEqual([...words], [0, 0, 0, 0, 0], 'rejected pushes changed nothing');
});

test('PoolDequeue misuse gets the library\'s typed errors, never a silent loss or an engine error', () => {
  const isLibrary = (type: abstract new (...args: never[]) => Error) => (e: unknown) => e instanceof type && /^PoolDequeue/.test((e as Error).message);
  // A Symbol (or BigInt) capacity or index: the template conversion of a Symbol used to throw the engine's TypeError.
  for (const bad of [Symbol('c'), 8n, '8']) {
    assert.throws(() => new PoolDequeue(new Int32Array(9), bad as unknown as number), isLibrary(TypeError), `capacity ${typeof bad}`);
    assert.throws(() => PoolDequeue.byteLength(bad as unknown as number), isLibrary(TypeError));
    assert.throws(() => new PoolDequeue(new Int32Array(9), 8, bad as unknown as number), isLibrary(TypeError), `headTailIndex ${typeof bad}`);
    assert.throws(() => new PoolDequeue(new Int32Array(9), 8, 0, bad as unknown as number), isLibrary(TypeError), `slotsIndex ${typeof bad}`);
  }
  // A capacity-8 view of a capacity-16 ring holding 12 values.
  const sab = new SharedArrayBuffer(PoolDequeue.byteLength(16));
  const ring = new PoolDequeue(sab, 16);
  for (let v = 0; v < 12; v++) assert.ok(ring.pushHead(v));
  const narrow = new PoolDequeue(sab, 8);
  assert.throws(() => narrow.popTail(), isLibrary(PoolError), 'popTail of the narrow view');
  assert.throws(() => narrow.popHead(), isLibrary(PoolError), 'popHead of the narrow view');
  assert.throws(() => narrow.pushHead(99), isLibrary(PoolError), 'pushHead of the narrow view');
  assert.equal(ring.length, 12, 'the refused calls took nothing');
  // Memory that was not zeroed: slots inside tail..head without a value.
  const dirty = new Int32Array(17);
  dirty.fill(-5);
  dirty[0] = 3 << 16; // head 3, tail 0: three "values" of -6
  const d = new PoolDequeue(dirty, 16);
  assert.throws(() => d.popTail(), isLibrary(PoolError), 'popTail returned -6 before');
  assert.throws(() => d.popHead(), isLibrary(PoolError));
  // Two producers on one ring: the second pushes between the first one's check of its slot and
  // its write (simulated in one thread from inside the first push's second Atomics.load). The
  // first producer's publishing add finds the head moved and reports it; the slot the second
  // producer's value was overwritten in, and the empty slot the two pushes left, are refused too.
  const shared = new Int32Array(17);
  const first = new PoolDequeue(shared, 16);
  const second = new PoolDequeue(shared, 16);
  const realLoad = Atomics.load;
  let loads = 0;
  (Atomics as { load: typeof Atomics.load }).load = ((array: Int32Array, index: number) => {
    const value = realLoad(array, index);
    if (++loads === 2) {
      (Atomics as { load: typeof Atomics.load }).load = realLoad;
      assert.equal(second.pushHead(2), true, 'the second producer\'s push goes through');
    }
    return value;
  }) as typeof Atomics.load;
  try {
    assert.throws(() => first.pushHead(1), isLibrary(PoolError), 'the first producer sees the second');
  } finally {
    (Atomics as { load: typeof Atomics.load }).load = realLoad;
  }
  assert.equal(first.popTail(), 1);
  assert.throws(() => first.popTail(), isLibrary(PoolError), 'the slot left empty inside the ring');
});

// Go's TestPoolDequeue: one producer pushes N values, popping the head after every 10th push;
// the other threads pop the tail. Every value must be seen exactly once. Go runs N = 2e6 with a
// ring of 16 slots and 9 consumers; here 3 worker threads, as this machine has 2 cores.
test('TestPoolDequeue: 1 producer, 3 popTail workers, 2e6 values each seen exactly once', async () => {
  const N = 2e6;
  const ring = new SharedArrayBuffer(PoolDequeue.byteLength(16));
  const have = new SharedArrayBuffer(4 * N);
  const stop = new SharedArrayBuffer(4);
  const seen = new Int32Array(have);
  const workers = [1, 2, 3].map(() => startWorker('dequeue-consumer', { ring, have, stop }));
  const done = workers.map(exited);
  const d = new PoolDequeue(ring);
  let popHeads = 0;
  for (let j = 0; j < N; j++) {
    while (!d.pushHead(j)) {
      // Full (the consumers are behind); they run on other threads, so just try again.
    }
    if (j % 10 === 0) {
      const value = d.popHead();
      if (value >= 0) {
        popHeads++;
        Atomics.add(seen, value, 1);
      }
    }
  }
  // Go stops the consumers when the last value is seen; stopping once the ring is empty instead
  // lets a lost value fail the test rather than hang it.
  while (d.length !== 0) {
    // The consumers are draining the ring.
  }
  Atomics.store(new Int32Array(stop), 0, 1);
  assert.deepEqual(await Promise.all(done), [0, 0, 0]);
  let wrong = 0;
  for (let i = 0; i < N; i++) if (seen[i] !== 1) wrong++;
  assert.equal(wrong, 0, `${wrong} of ${N} values were not seen exactly once`);
  assert.ok(popHeads > 0, 'popHead never succeeded');
});
