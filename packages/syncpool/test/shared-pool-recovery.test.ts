// Recovery that needs nothing from the thread that died (issue 19's table): a parent reserves a
// local before it starts a worker, so a worker killed inside attach, or before it posted its
// localId and generation, is reclaimed from what the parent holds; or the worker attaches
// plainly and the parent recovers it by worker.threadId alone (real workers, terminated at every
// step of attach); reclaiming a local that already detached is a no-op; a block that a dead
// stealer claimed comes back within one slow operation of the ring's owner; attach refuses a
// crafted bump counter; generations never wrap. The real-worker tests run the built library
// (npm test builds first), as their workers import it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { MutexPool, PoolError, SharedPool } from '../src/index.js';
import { H_BUMP, type Layout } from '../src/shared-layout.js';
import { GENERATION_LIMIT, stateIndex, stateWord } from '../src/shared-local.js';
import { killAt } from './support/kill.js';

const KILLED = Symbol('killed');

/** Runs `body` with the n-th Atomics call on any array dying `when` its effect (a thread terminated inside attach). */
function dieAtAnyAtomics(n: number, when: 'before' | 'after', body: () => void): boolean {
  const real = Atomics;
  let calls = 0;
  let died = false;
  (globalThis as { Atomics: typeof Atomics }).Atomics = new Proxy(real, {
    get(target, key) {
      const fn = Reflect.get(target, key) as unknown;
      if (typeof fn !== 'function') return fn;
      return (...args: unknown[]) => {
        if (died) throw KILLED;
        const here = ++calls === n;
        if (here && when === 'before') {
          died = true;
          throw KILLED;
        }
        const result = (fn as (...a: unknown[]) => unknown).apply(target, args);
        if (here) {
          died = true;
          throw KILLED;
        }
        return result;
      };
    },
  });
  try {
    body();
  } catch (error) {
    // A library catch around the dying call (MutexPool's probe of Atomics.wait) may turn KILLED into its own error.
    if (error !== KILLED && !died) throw error;
  } finally {
    (globalThis as { Atomics: typeof Atomics }).Atomics = real;
  }
  return died;
}

for (const Pool of [SharedPool, MutexPool]) {
  test(`${Pool.name}: a worker killed at any step of attach(buffer, reservation) leaks no local: the parent reclaims its reservation`, () => {
    let deaths = 0;
    for (const when of ['before', 'after'] as const) {
      for (let n = 1; ; n++) {
        const parent = Pool.create({ blockSize: 16, blocks: 8, maxLocals: 3 });
        const seat = parent.reserve();
        let worker: SharedPool | MutexPool | undefined;
        const died = dieAtAnyAtomics(n, when, () => { worker = Pool.attach(parent.buffer, seat); });
        if (!died) {
          assert.equal(worker!.localId, seat.localId);
          assert.equal(worker!.generation, seat.generation);
          worker!.detach();
          assert.deepEqual(parent.reclaim(seat.localId, seat.generation), { reclaimed: false, recovered: 0, lost: 0 },
            'reclaiming a worker that detached is a no-op');
          break;
        }
        deaths++;
        assert.equal(parent.reclaim(seat.localId, seat.generation).reclaimed, true, `died at Atomics call ${n} ${when}`);
        // Every local can be attached again: none leaked.
        const others = [Pool.attach(parent.buffer), Pool.attach(parent.buffer)];
        assert.deepEqual(others.map((o) => o.localId).sort(), [1, 2]);
        assert.throws(() => Pool.attach(parent.buffer), PoolError, 'the pool is full again, with every local accounted for');
      }
    }
    assert.ok(deaths >= 2, `attach died ${deaths} times`);
  });

  test(`${Pool.name}: a worker that dies before it posts anything is reclaimed with the parent's reservation alone`, () => {
    const parent = Pool.create({ blockSize: 16, blocks: 8, maxLocals: 2 });
    for (let round = 0; round < 50; round++) {
      const seat = parent.reserve();
      const worker = Pool.attach(parent.buffer, seat);
      const id = worker.get();
      worker.put(id); // then the worker "dies" without posting or detaching
      assert.equal(parent.reclaim(seat.localId, seat.generation).reclaimed, true);
      assert.throws(() => Pool.attach(parent.buffer, seat), PoolError, 'a reclaimed reservation is void');
    }
    assert.equal(parent.census().outstanding, 0, 'the dead workers\' pooled blocks are all back');
  });

  test(`${Pool.name}: a reservation attaches once; a malformed one gets a typed error`, () => {
    const parent = Pool.create({ blockSize: 16, blocks: 8, maxLocals: 3 });
    const seat = parent.reserve();
    Pool.attach(parent.buffer, seat);
    assert.throws(() => Pool.attach(parent.buffer, seat), PoolError);
    assert.throws(() => Pool.attach(parent.buffer, {} as typeof seat), TypeError);
    assert.throws(() => Pool.attach(parent.buffer, { localId: Symbol('x') } as unknown as typeof seat), TypeError);
    assert.throws(() => Pool.attach(parent.buffer, { localId: 7, generation: 1 }), RangeError);
  });

  test(`${Pool.name}: attach refuses a header whose bump counter (word 16) is out of range`, () => {
    const pool = Pool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
    const header = new Int32Array(pool.buffer, 0, 32);
    for (const bad of [-3, -1, 5, 2 ** 31 - 1]) {
      header[H_BUMP] = bad;
      assert.throws(() => Pool.attach(pool.buffer), (e: unknown) => e instanceof PoolError && /bump counter/.test(e.message), String(bad));
    }
    header[H_BUMP] = 4;
    assert.equal(Pool.attach(pool.buffer).get(), -1, 'in range: accepted');
  });
}

test('SharedPool: a block a dead stealer claimed comes back on the owner\'s next slow get once the stealer is reclaimed', () => {
  const owner = SharedPool.create({ blockSize: 16, blocks: 8, maxLocals: 3 });
  const stealer = SharedPool.attach(owner.buffer);
  const ids = [owner.get(), owner.get(), owner.get()];
  for (const id of ids) owner.put(id); // private: ids[0]; ring: ids[1], ids[2]
  const kill = killAt(stealer, 'compareExchange', 'after', () => stealer.get());
  assert.ok(kill.died, 'the stealer died right after its claiming CAS');
  assert.equal(owner.census().stranded.length, 1, 'its claimed slot is stranded');
  assert.equal(owner.reclaim(stealer.localId, stealer.generation).reclaimed, true);
  assert.equal(owner.get(), ids[0], 'a private hit: the fast path does not look');
  const got = [owner.get(), owner.get()];
  assert.deepEqual(got.sort(), [ids[1], ids[2]].sort(), 'the next slow get took the stranded block back, and the other one');
  const census = owner.census();
  assert.deepEqual(census.stranded, []);
  assert.equal(census.outstanding, 3, 'exactly the three blocks the owner holds');
});

for (const Pool of [SharedPool, MutexPool]) {
  test(`${Pool.name}: generations do not wrap at 2^20: a stale reclaim never becomes valid again`, () => {
    const parent = Pool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
    const stale = Pool.attach(parent.buffer);
    const { localId, generation } = stale;
    stale.detach();
    // 2^20 - 2 re-attaches later (written directly: the state word's low bits at their last value, free).
    const state = new Int32Array(parent.buffer, 0, parent.buffer.byteLength >>> 2);
    const index = stateIndex(parentLayout(parent), localId);
    state[index] = stateWord(GENERATION_LIMIT - 1, 0);
    const wrapped = Pool.attach(parent.buffer);
    assert.equal(wrapped.localId, localId);
    assert.equal(wrapped.generation, GENERATION_LIMIT + 1, 'the epoch counts the wrap');
    assert.equal(parent.reclaim(localId, generation).reclaimed, false, 'the stale pair (generation 1) reclaims nothing');
    assert.equal(parent.reclaim(localId, GENERATION_LIMIT - 1).reclaimed, false);
    wrapped.put(wrapped.get());
    assert.equal(wrapped.census().outstanding, 0, 'the live attachment still works');
    wrapped.detach();
    const seat = parent.reserve();
    assert.equal(seat.generation, GENERATION_LIMIT + 2);
    Pool.attach(parent.buffer, seat);
    assert.equal(parent.reclaim(seat.localId, seat.generation).reclaimed, true, 'the current generation reclaims');
  });
}

function parentLayout(pool: SharedPool | MutexPool): Layout {
  return (pool as unknown as { layout: Layout }).layout;
}

const lib = new URL('../dist/index.js', import.meta.url).href;
const built = (await import(lib)) as typeof import('../src/index.js');
const stopper = new URL('./workers/attach-stop.mjs', import.meta.url);

/**
 * Starts a worker that attaches plainly to `buffer` and stops at its `stop`-th Atomics call
 * (test/workers/attach-stop.mjs), terminates it there, and returns its threadId, read at start
 * as a parent would, and whether it stopped inside attach (else: attached, before posting).
 */
async function terminatedAt(kind: 'shared' | 'mutex', buffer: SharedArrayBuffer, stop: number, when: 'before' | 'after') {
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(stopper, { workerData: { lib, kind, buffer, stop, when, signal: signal.buffer } });
  const { threadId } = worker;
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  const deadline = Date.now() + 20_000;
  while (Atomics.load(signal, 0) === 0) {
    assert.ok(Date.now() < deadline, 'the worker neither stopped nor attached within 20 s');
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 1)), failed]);
  }
  await worker.terminate();
  return { threadId, insideAttach: Atomics.load(signal, 0) === 1 };
}

for (const [kind, Pool] of [['shared', built.SharedPool], ['mutex', built.MutexPool]] as const) {
  for (const wraps of kind === 'shared' ? [false, true] : [false]) {
    test(`${Pool.name}: a worker terminated at every step of a plain attach(buffer)${wraps ? " that bumps the generation's epoch" : ''}, or after it before posting, is recovered by reclaimThread(worker.threadId) alone`, { timeout: 120_000 }, async (t) => {
      const parent = Pool.create({ blockSize: 16, blocks: 4, maxLocals: 2 }); // the parent and one worker: a leaked local fails the next attach
      const index = stateIndex(parentLayout(parent), 1);
      let insideAttach = 0;
      for (const when of ['before', 'after'] as const) {
        for (let stop = 1; ; stop++) {
          const words = new Int32Array(parent.buffer, 0, index + 1);
          if (wraps) words[index] = stateWord(GENERATION_LIMIT - 1, 0); // free, its low bits at their last value
          const died = await terminatedAt(kind, parent.buffer, stop, when);
          const result = parent.reclaimThread(died.threadId);
          assert.deepEqual(parent.reclaimThread(died.threadId), { reclaimed: false, recovered: 0, lost: 0 }, 'a second reclaimThread is a no-op');
          const census = parent.census();
          assert.equal(census.outstanding, 0, `stopped at Atomics call ${stop} ${when}: every block is back (${JSON.stringify(census)})`);
          const next = Pool.attach(parent.buffer);
          assert.equal(next.localId, 1, "the worker's local is free again");
          if (wraps) assert.ok(next.generation > GENERATION_LIMIT, `generation ${next.generation} went past the epoch`);
          assert.throws(() => Pool.attach(parent.buffer), built.PoolError, 'and every local is accounted for');
          next.detach();
          if (!died.insideAttach) {
            assert.equal(result.reclaimed, true, 'an attached worker that died before posting is reclaimed');
            break;
          }
          insideAttach++;
        }
      }
      t.diagnostic(`terminated inside attach ${insideAttach} times (at every Atomics call, before and after its effect), and twice after it`);
      assert.ok(insideAttach >= 10, `terminated inside attach ${insideAttach} times`);
    });
  }
}

for (const Pool of [SharedPool, MutexPool]) {
  test(`${Pool.name}: reclaimThread takes a threadId; bad ids get a typed error that says what to pass, and change nothing`, () => {
    const pool = Pool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
    assert.deepEqual(pool.reclaimThread(12345), { reclaimed: false, recovered: 0, lost: 0 }, 'a thread that holds nothing: a no-op');
    for (const bad of ['1', 1.5, undefined, null, 1n, Symbol('id'), { threadId: 1 }]) {
      assert.throws(() => pool.reclaimThread(bad as number), (e: unknown) => e instanceof TypeError && /threadId .* is not an integer; pass worker\.threadId/.test(e.message), String(bad));
    }
    assert.throws(() => pool.reclaimThread(-1), (e: unknown) => e instanceof RangeError && /it is -1 once the worker has exited/.test(e.message));
    assert.throws(() => pool.reclaimThread(2 ** 29), RangeError);
    assert.throws(() => pool.reclaim({ threadId: 3 } as unknown as number, 1), (e: unknown) => e instanceof TypeError && /call reclaimThread\(threadId\)/.test(e.message),
      'reclaim(worker) says which method takes a thread');
    assert.throws(() => pool.reclaimThread(0), (e: unknown) => e instanceof PoolError && /this thread's id; call detach\(\)/.test(e.message), 'the test runs on the main thread, id 0');
    assert.equal(pool.census().outstanding, 0);
    pool.detach();
    assert.throws(() => pool.reclaimThread(1), PoolError, 'a detached attachment');
  });

  test(`${Pool.name}: a worker killed at the last step of its detach is finished by the parent's reclaim of its reservation`, () => {
    const parent = Pool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
    const seat = parent.reserve();
    const worker = Pool.attach(parent.buffer, seat);
    worker.put(worker.get());
    // detach's last Atomics call clears the owner word (freeLocal): die before it.
    const dry = Pool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
    const twin = Pool.attach(dry.buffer, dry.reserve());
    twin.put(twin.get());
    const steps = killAt(twin, Number.MAX_SAFE_INTEGER, 'before', () => twin.detach()).calls;
    assert.ok(killAt(worker, steps, 'before', () => worker.detach()).died);
    assert.throws(() => Pool.attach(parent.buffer), PoolError, 'its local is free but still named: nobody takes it');
    assert.deepEqual(parent.reclaim(seat.localId, seat.generation), { reclaimed: false, recovered: 0, lost: 0 }, 'it had detached');
    assert.equal(Pool.attach(parent.buffer).localId, seat.localId, 'the reclaim cleared its name');
    assert.equal(parent.census().outstanding, 0);
  });
}
