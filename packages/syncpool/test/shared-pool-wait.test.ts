// Waiting for a block (getWait, getAsync) in SharedPool and MutexPool, with real workers and
// exact accounting: a waiter is woken by the push that makes a block available to it, a put
// wakes only when somebody waits (the header's waiter count; SharedPool's private-slot put
// wakes nobody), timeouts return -1, bad timeouts are typed errors, a thread that may not
// block gets a PoolError, and a waiter terminated in Atomics.wait breaks nothing. No test
// sleeps for timing: the parent waits for the waiter count itself, and every result is exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MutexPool, PoolError, SharedPool, type BlockId } from '../src/index.js';
import { H_WAITERS, H_WAKE } from '../src/shared-layout.js';
import { exited, firstMessage, startWorker } from './workers/spawn.js';

type AnyPool = SharedPool | MutexPool;
const header = (pool: AnyPool) => new Int32Array(pool.buffer, 0, 32);

/** Resolves once `count` threads wait (the waiter count), yielding to the event loop between looks. */
async function waiters(pool: AnyPool, count: number): Promise<void> {
  while (Atomics.load(header(pool), H_WAITERS) !== count) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Has `pool`'s creator put back the blocks it holds so that exactly one becomes available to
 * another thread, and returns that one's id. SharedPool: the first put fills the creator's
 * private slot, which no other thread reads; the second goes to its ring, where a waiter steals
 * it. MutexPool: one put onto the shared stack (the second block follows once the waiter has its id).
 */
function handOne(pool: AnyPool, ids: BlockId[]): BlockId {
  if (pool instanceof SharedPool) {
    pool.put(ids[0]!);
    pool.put(ids[1]!);
    return ids[1]!;
  }
  pool.put(ids[0]!);
  return ids[0]!;
}

/** Puts back what handOne kept. */
function handRest(pool: AnyPool, ids: BlockId[]): void {
  if (pool instanceof MutexPool) pool.put(ids[1]!);
}

for (const Pool of [SharedPool, MutexPool]) {
  for (const async of [false, true]) {
    const method = async ? 'getAsync' : 'getWait';
    test(`${Pool.name}.${method}: a worker waiting on a used-up arena gets the block another thread puts, and is woken for it`, async () => {
      const pool: AnyPool = Pool.create({ blockSize: 16, blocks: 2, maxLocals: 2 });
      const ids = [pool.get(), pool.get()];
      assert.equal(pool.get(), -1, 'the arena is used up');
      const seat = pool.reserve();
      const worker = startWorker('wait-get', { kind: Pool.name, buffer: pool.buffer, seat, timeoutMs: 600_000, async });
      const got = firstMessage<number>(worker);
      const done = exited(worker);
      await waiters(pool, 1);
      const wakes = Atomics.load(header(pool), H_WAKE);
      const available = handOne(pool, ids);
      assert.equal(await got, available);
      assert.equal(await done, 0);
      handRest(pool, ids);
      assert.ok(Atomics.load(header(pool), H_WAKE) > wakes, 'the put woke the waiter');
      assert.equal(Atomics.load(header(pool), H_WAITERS), 0, 'the waiter is no longer counted');
      assert.deepEqual(pool.reclaim(seat.localId, seat.generation), { reclaimed: false, recovered: 0, lost: 0 }, 'it detached');
      const census = pool.census();
      assert.equal(census.outstanding, 0, 'every block is back in the pool');
      assert.deepEqual([...census.pooled].sort(), [...ids].sort());
    });
  }

  test(`${Pool.name}: a waiter terminated inside Atomics.wait breaks nothing: its local is reclaimed, the next waiter is served, every block is accounted for`, async () => {
    const pool: AnyPool = Pool.create({ blockSize: 16, blocks: 2, maxLocals: 3 });
    const ids = [pool.get(), pool.get()];
    const dead = pool.reserve();
    const victim = startWorker('wait-get', { kind: Pool.name, buffer: pool.buffer, seat: dead, timeoutMs: 600_000, async: false });
    await waiters(pool, 1);
    await victim.terminate();
    // The killed waiter never subtracted itself: the count stays one too high (wait.ts argues why that is harmless).
    assert.equal(Atomics.load(header(pool), H_WAITERS), 1);
    assert.deepEqual(pool.reclaim(dead.localId, dead.generation), { reclaimed: true, recovered: 0, lost: 0 });
    const seat = pool.reserve();
    const worker = startWorker('wait-get', { kind: Pool.name, buffer: pool.buffer, seat, timeoutMs: 600_000, async: false });
    const got = firstMessage<number>(worker);
    const done = exited(worker);
    await waiters(pool, 2);
    const available = handOne(pool, ids);
    assert.equal(await got, available);
    assert.equal(await done, 0);
    handRest(pool, ids);
    assert.equal(Atomics.load(header(pool), H_WAITERS), 1, 'only the dead waiter is still counted');
    assert.equal(pool.census().outstanding, 0);
    // With the stale count, a put pays a wake-up for nobody and nothing else changes.
    const again = pool.getWait(0);
    assert.ok(again >= 0);
    pool.put(again);
    assert.equal(pool.census().outstanding, 0);
  });

  test(`${Pool.name}: timeouts return -1 and leave no waiter counted; bad timeouts are typed errors that change nothing`, async () => {
    const pool: AnyPool = Pool.create({ blockSize: 16, blocks: 1, maxLocals: 2 });
    const id = pool.get();
    assert.equal(pool.getWait(0), -1);
    assert.equal(pool.getWait(1), -1);
    assert.equal(await pool.getAsync(0), -1);
    assert.equal(await pool.getAsync(1), -1);
    assert.equal(Atomics.load(header(pool), H_WAITERS), 0);
    const before = pool.stats();
    for (const bad of [1.5, Number.NaN, '5', 5n, null]) {
      assert.throws(() => pool.getWait(bad as number), TypeError);
      await assert.rejects(pool.getAsync(bad as number), TypeError);
    }
    for (const bad of [-1, 2 ** 31]) {
      assert.throws(() => pool.getWait(bad), RangeError);
      await assert.rejects(pool.getAsync(bad), RangeError);
    }
    assert.deepEqual(pool.stats(), before, 'a rejected call tried no get');
    pool.put(id);
    assert.equal(pool.getWait(0), id, 'a block available now is returned without waiting');
    pool.put(id);
    pool.detach();
    assert.throws(() => pool.getWait(0), PoolError);
    await assert.rejects(pool.getAsync(0), PoolError);
  });

  test(`${Pool.name}.getWait on a thread that may not block (Atomics.wait throws, as on a browser's main thread): PoolError, nothing taken, no waiter left counted`, () => {
    const pool: AnyPool = Pool.create({ blockSize: 16, blocks: 1, maxLocals: 2 });
    const id = pool.get();
    const real = Atomics;
    (globalThis as { Atomics: typeof Atomics }).Atomics = new Proxy(real, {
      get: (target, key) => (key === 'wait' ? () => { throw new TypeError('Atomics.wait cannot be called in this context'); } : Reflect.get(target, key)),
    });
    try {
      assert.throws(() => pool.getWait(1000), (error) => error instanceof PoolError && /getAsync/.test(error.message));
    } finally {
      (globalThis as { Atomics: typeof Atomics }).Atomics = real;
    }
    assert.equal(Atomics.load(header(pool), H_WAITERS), 0);
    pool.put(id);
    assert.equal(pool.census().outstanding, 0);
  });
}

test('SharedPool.getAsync on one thread: a put into its own private slot while it awaits is found at its next try, with and without Atomics.waitAsync', async () => {
  for (const withWaitAsync of [true, false]) {
    const pool = SharedPool.create({ blockSize: 16, blocks: 1, maxLocals: 1 });
    const id = pool.get();
    const real = Atomics;
    if (!withWaitAsync) {
      (globalThis as { Atomics: typeof Atomics }).Atomics = new Proxy(real, {
        get: (target, key) => (key === 'waitAsync' ? undefined : Reflect.get(target, key)),
      });
    }
    try {
      const waiting = pool.getAsync(600_000);
      pool.put(id);
      assert.equal(await waiting, id);
    } finally {
      (globalThis as { Atomics: typeof Atomics }).Atomics = real;
    }
    assert.equal(Atomics.load(header(pool), H_WAITERS), 0);
  }
});

test('puts wake only when a thread waits: SharedPool\'s ring push and MutexPool\'s push bump the wake word exactly then; a private-slot put never does', () => {
  const shared = SharedPool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
  const [a, b] = [shared.get(), shared.get()];
  const words = header(shared);
  shared.put(a); // private slot
  shared.put(b); // ring
  assert.equal(Atomics.load(words, H_WAKE), 0, 'nobody waits: no wake');
  assert.equal(shared.get(), a);
  assert.equal(shared.get(), b);
  Atomics.store(words, H_WAITERS, 1); // as if a thread waited
  shared.put(a);
  assert.equal(Atomics.load(words, H_WAKE), 0, 'a private-slot put makes nothing available to another thread');
  shared.put(b);
  assert.equal(Atomics.load(words, H_WAKE), 1, 'a ring push wakes the waiter');

  const mutex = MutexPool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
  const m = mutex.get();
  mutex.put(m);
  assert.equal(Atomics.load(header(mutex), H_WAKE), 0);
  assert.equal(mutex.get(), m);
  Atomics.store(header(mutex), H_WAITERS, 1);
  mutex.put(m);
  assert.equal(Atomics.load(header(mutex), H_WAKE), 1);
});
