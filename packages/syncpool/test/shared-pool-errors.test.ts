// The error contract of SharedPool and MutexPool (issues 5 and 9): TypeError for an argument that
// is not an integer, of any type, with the library's own message; RangeError for an integer out
// of range; PoolError for a state that forbids the call, including every method of a detached
// attachment; a damaged or foreign buffer refused before anything is written. Each test checks
// the error's type and that the pool is unchanged afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MutexPool, PoolError, SharedPool } from '../src/index.js';

const geometry = { blockSize: 64, blocks: 8, maxLocals: 2 };

type AnyPool = SharedPool | MutexPool;
function snapshot(pool: AnyPool): unknown {
  return [...new Uint8Array(pool.buffer)];
}

/** Not integers, of every type: each must give a TypeError whose message is the library's. */
const nonIntegers: unknown[] = ['1', undefined, null, {}, [], true, 1n, Symbol('id'), () => 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.5];
const isLibraryTypeError = (name: string) => (e: unknown) =>
  e instanceof TypeError && e.message.startsWith(`${name}.`) && !/Cannot (mix|convert)/.test(e.message);

for (const Pool of [SharedPool, MutexPool]) {
  const name = Pool.name;

  test(`${name}: put and bytes of a non-integer throw the library's TypeError, of an integer out of range RangeError; nothing changes`, () => {
    const pool = Pool.create(geometry);
    pool.put(pool.get()); // fill the private slot, so a bad put would reach the ring too
    const before = snapshot(pool);
    for (const bad of nonIntegers) {
      assert.throws(() => pool.put(bad as number), isLibraryTypeError(name), `put(${typeof bad})`);
      assert.throws(() => pool.bytes(bad as number), isLibraryTypeError(name), `bytes(${typeof bad})`);
    }
    for (const bad of [-1, geometry.blocks, 2 ** 32, 2 ** 53]) {
      assert.throws(() => pool.put(bad), RangeError, String(bad));
      assert.throws(() => pool.bytes(bad), RangeError, `bytes(${bad})`);
    }
    assert.deepEqual(snapshot(pool), before);
  });

  test(`${name}: every method of a detached attachment throws PoolError, whatever its arguments`, () => {
    const pool = Pool.create(geometry);
    const other = Pool.attach(pool.buffer);
    const id = pool.get();
    pool.detach();
    const before = snapshot(other);
    const calls: [string, () => unknown][] = [
      ['get', () => pool.get()], ['put', () => pool.put(id)], ['put(bad)', () => pool.put('x' as unknown as number)],
      ['put(out of range)', () => pool.put(999)], ['bytes', () => pool.bytes(id)], ['bytes(bad)', () => pool.bytes(-1)],
      ['stats', () => pool.stats()], ['census', () => pool.census()], ['detach', () => pool.detach()],
      ['reclaim', () => pool.reclaim(other.localId, other.generation)], ['reclaim(bad)', () => pool.reclaim('1' as unknown as number, 1)],
    ];
    for (const [what, call] of calls) {
      assert.throws(call, (e: unknown) => e instanceof PoolError && /detached/.test(e.message), what);
    }
    assert.deepEqual(snapshot(other), before);
  });

  test(`${name}: put of an id that is not handed out throws PoolError in debug mode`, () => {
    const pool = Pool.create({ ...geometry, debug: true });
    const id = pool.get();
    const before = snapshot(pool);
    assert.throws(() => pool.put(id + 1), (e: unknown) => e instanceof PoolError && /not handed out/.test(e.message));
    assert.throws(() => pool.put(1), (e: unknown) => e instanceof PoolError && /not handed out/.test(e.message), 'a bare block index');
    assert.deepEqual(snapshot(pool), before);
  });

  test(`${name}: debug mode catches a stale double put made after the block was handed out again`, () => {
    const a = Pool.create({ ...geometry, blocks: 1, debug: true });
    const b = Pool.attach(a.buffer);
    const first = a.get();
    a.put(first);
    const second = a.get(); // the same block, handed out again
    assert.equal(second % 16384, first % 16384, 'one block only');
    assert.notEqual(second, first, 'under a new handout');
    const before = snapshot(a);
    assert.throws(() => a.put(first), (e: unknown) => e instanceof PoolError && /not handed out under id/.test(e.message), 'a put of the old handout');
    assert.throws(() => a.bytes(first), PoolError, 'a use after put');
    assert.deepEqual(snapshot(a), before, 'the stale put changed nothing');
    assert.equal(b.get(), -1, 'the block was not put twice: nothing to get');
    b.put(second); // another thread returns the current handout: accepted
    assert.equal(b.get() % 16384, first % 16384);
  });

  test(`${name}: attach to something that is not a ${name} buffer of this layout version throws`, () => {
    const pool = Pool.create(geometry);
    for (const bad of [undefined, new ArrayBuffer(4096), new Uint8Array(4096)]) {
      assert.throws(() => Pool.attach(bad as unknown as SharedArrayBuffer), TypeError);
    }
    assert.throws(() => Pool.attach(new SharedArrayBuffer(16)), PoolError, 'too short');
    assert.throws(() => Pool.attach(new SharedArrayBuffer(4096)), PoolError, 'no magic');
    const other = name === 'SharedPool' ? MutexPool.create(geometry) : SharedPool.create(geometry);
    assert.throws(() => Pool.attach(other.buffer), (e: unknown) => e instanceof PoolError && /belongs to a/.test(e.message));
    const copy = (change: (words: Int32Array) => void, bytes = pool.buffer.byteLength) => {
      const sab = new SharedArrayBuffer(bytes);
      new Uint8Array(sab).set(new Uint8Array(pool.buffer, 0, Math.min(bytes, pool.buffer.byteLength)));
      change(new Int32Array(sab));
      return sab;
    };
    assert.throws(() => Pool.attach(copy((w) => { w[1] = 999; })), (e: unknown) => e instanceof PoolError && /layout version 999/.test(e.message));
    assert.throws(() => Pool.attach(copy(() => {}, pool.buffer.byteLength - 64)), (e: unknown) => e instanceof PoolError && /damaged/.test(e.message));
    assert.equal(Pool.attach(pool.buffer).localId, 1, 'the real buffer still attaches, to the next local');
  });

  test(`${name}: a header with any geometry word out of range is refused with PoolError before anything is written`, () => {
    const pool = Pool.create(geometry);
    pool.detach(); // every local free: an attach that got past the checks would claim one
    // Header words 3..9: blockSize, blocks, maxLocals, pad, lockSpin, waitLimitMs, debug.
    const damage: [string, number, number][] = [
      ['blockSize 0', 3, 0], ['negative blockSize', 3, -64], ['blocks 0', 4, 0], ['negative blocks', 4, -1],
      ['blocks beyond 2^14', 4, 2 ** 14 + 1], ['maxLocals 0', 5, 0], ['maxLocals 5000', 5, 5000], ['negative maxLocals', 5, -2],
      ['pad -128', 6, -128], ['pad not a multiple of 64', 6, 100], ['pad beyond 4096', 6, 8192], ['negative lockSpin', 7, -1],
      ['waitLimitMs 0', 8, 0], ['debug 2', 9, 2],
      // In range, but describing another size than the buffer's: a ring for 2^14 blocks, a wider stride.
      ['blocks 2^14 (in range, wrong size)', 4, 2 ** 14], ['blockSize 128 (in range, wrong size)', 3, 128], ['pad 0 (in range, wrong size)', 6, 0],
    ];
    for (const [why, word, value] of damage) {
      const sab = new SharedArrayBuffer(pool.buffer.byteLength);
      new Uint8Array(sab).set(new Uint8Array(pool.buffer));
      new Int32Array(sab)[word] = value;
      const before = [...new Uint8Array(sab)];
      assert.throws(() => Pool.attach(sab), (e: unknown) => e instanceof PoolError && /damaged/.test(e.message), why);
      assert.deepEqual([...new Uint8Array(sab)], before, `${why}: attach wrote to the buffer`);
    }
  });

  test(`${name}: attach when every local is taken throws PoolError and claims nothing`, () => {
    const pool = Pool.create(geometry);
    const second = Pool.attach(pool.buffer);
    const before = snapshot(pool);
    assert.throws(() => Pool.attach(pool.buffer), (e: unknown) => e instanceof PoolError && /all 2 locals/.test(e.message));
    assert.deepEqual(snapshot(pool), before);
    second.detach();
    assert.equal(Pool.attach(pool.buffer).localId, 1);
  });

  test(`${name}: create with impossible geometry throws TypeError or RangeError`, () => {
    assert.throws(() => Pool.create(undefined as unknown as typeof geometry), TypeError);
    assert.throws(() => Pool.create({ blocks: 8, maxLocals: 2 } as unknown as typeof geometry), TypeError, 'blockSize missing');
    assert.throws(() => Pool.create({ ...geometry, debug: 1 as unknown as boolean }), TypeError);
    assert.throws(() => Pool.create({ ...geometry, lockSpin: '4' as unknown as number }), TypeError);
    const bad: [string, Record<string, number>][] = [
      ['no blocks', { blocks: 0 }],
      ['more blocks than a ring holds', { blocks: 2 ** 14 + 1 }],
      ['fractional blocks', { blocks: 2.5 }],
      ['negative blocks', { blocks: -1 }],
      ['empty blocks', { blockSize: 0 }],
      ['negative blockSize', { blockSize: -64 }],
      ['no locals', { maxLocals: 0 }],
      ['too many locals', { maxLocals: 1025 }],
      ['pad not a multiple of 64', { pad: 100 }],
      ['pad smaller than a line', { pad: 32 }],
      ['negative pad', { pad: -128 }],
      ['negative lockSpin', { lockSpin: -1 }],
      ['no wait at all', { waitLimitMs: 0 }],
    ];
    for (const [why, change] of bad) assert.throws(() => Pool.create({ ...geometry, ...change }), RangeError, why);
  });

  test(`${name}: a block size or count whose arena cannot fit in a SharedArrayBuffer throws RangeError`, () => {
    assert.throws(() => Pool.create({ ...geometry, blockSize: 2 ** 31 }), RangeError, 'block size beyond a 32-bit header word');
    // 2^14 blocks of 2^31 - 1 bytes: 32 TiB, which no engine allocates.
    assert.throws(
      () => Pool.create({ ...geometry, blockSize: 2 ** 31 - 1, blocks: 2 ** 14 }),
      (e: unknown) => e instanceof RangeError && /could not allocate/.test(e.message),
    );
  });

  test(`${name}: reclaim of a bad, own, unattached or stale local throws and changes nothing`, () => {
    const pool = Pool.create({ ...geometry, maxLocals: 3 });
    const other = Pool.attach(pool.buffer);
    const stale = { localId: other.localId, generation: other.generation };
    other.detach();
    const live = Pool.attach(pool.buffer); // the same local, a new generation
    assert.equal(live.localId, stale.localId);
    assert.notEqual(live.generation, stale.generation);
    const before = snapshot(pool);
    for (const bad of nonIntegers) {
      assert.throws(() => pool.reclaim(bad as number, 1), isLibraryTypeError(name), `localId ${typeof bad}`);
      assert.throws(() => pool.reclaim(1, bad as number), isLibraryTypeError(name), `generation ${typeof bad}`);
    }
    for (const bad of [-1, 3, 2 ** 32]) assert.throws(() => pool.reclaim(bad, 1), RangeError, String(bad));
    for (const bad of [0, -1, 2 ** 53]) assert.throws(() => pool.reclaim(1, bad), RangeError, `generation ${bad}`);
    assert.throws(() => pool.reclaim(pool.localId, pool.generation), PoolError, 'own local');
    assert.deepEqual(pool.reclaim(stale.localId, stale.generation), { reclaimed: false, recovered: 0, lost: 0 },
      'a stale generation (the local is attached to a live thread now) changes nothing');
    assert.deepEqual(pool.reclaim(2, 1), { reclaimed: false, recovered: 0, lost: 0 }, 'never attached');
    assert.deepEqual(snapshot(pool), before);
    live.put(live.get());
    assert.equal(live.census().outstanding, 0, 'the live local still works');
  });

  test(`${name}: says plainly when SharedArrayBuffer is missing (a page that is not cross-origin isolated)`, () => {
    const pool = Pool.create(geometry);
    const saved = globalThis.SharedArrayBuffer;
    // What a browser page without Cross-Origin-Opener-Policy / Cross-Origin-Embedder-Policy sees.
    delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer;
    try {
      const plainly = (e: unknown) => e instanceof PoolError && /SharedArrayBuffer is not available here/.test(e.message) &&
        /Cross-Origin-Opener-Policy: same-origin/.test(e.message) && /Cross-Origin-Embedder-Policy: require-corp/.test(e.message);
      assert.throws(() => Pool.create(geometry), plainly, 'create');
      assert.throws(() => Pool.attach(pool.buffer), plainly, 'attach');
    } finally {
      globalThis.SharedArrayBuffer = saved;
    }
  });
}

test('MutexPool: on a thread where Atomics.wait is not allowed (a browser\'s main thread), create and attach say to use a worker', () => {
  const pool = MutexPool.create(geometry);
  pool.detach();
  const before = [...new Uint8Array(pool.buffer)];
  const wait = Atomics.wait;
  // V8 throws this TypeError on a thread whose isolate disallows Atomics.wait, as Chrome's main thread does.
  Atomics.wait = () => {
    throw new TypeError('Atomics.wait cannot be called in this context');
  };
  try {
    const fromWorker = (e: unknown) => e instanceof PoolError && /Atomics\.wait is not allowed on this thread/.test(e.message) && /from a worker/.test(e.message);
    assert.throws(() => MutexPool.create(geometry), fromWorker, 'create');
    assert.throws(() => MutexPool.attach(pool.buffer), fromWorker, 'attach');
    assert.equal(SharedPool.create(geometry).get(), 0, 'SharedPool never waits, so it works there');
  } finally {
    Atomics.wait = wait;
  }
  assert.deepEqual([...new Uint8Array(pool.buffer)], before, 'the refused attach claimed no local');
});
