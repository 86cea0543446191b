// One test per bad input of issue 5, for SharedPool and MutexPool alike. Each one checks the
// error's type and that the pool is unchanged afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MutexPool, PoolError, SharedPool } from '../src/index.js';

const geometry = { blockSize: 64, blocks: 8, maxLocals: 2 };

type AnyPool = SharedPool | MutexPool;
function snapshot(pool: AnyPool): unknown {
  return { census: pool.census(), stats: pool.stats(), bytes: [...new Uint8Array(pool.buffer)] };
}

for (const Pool of [SharedPool, MutexPool]) {
  const name = Pool.name;

  test(`${name}: put of a non-number, a non-integer or an out-of-range id throws and changes nothing`, () => {
    const pool = Pool.create(geometry);
    pool.put(pool.get()); // fill the private slot, so a bad put would reach the ring too
    const before = snapshot(pool);
    for (const bad of ['1', undefined, null, {}]) assert.throws(() => pool.put(bad as unknown as number), TypeError, String(bad));
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, -1, geometry.blocks, 2 ** 32]) {
      assert.throws(() => pool.put(bad), RangeError, String(bad));
      assert.throws(() => pool.bytes(bad), RangeError, `bytes(${bad})`);
    }
    assert.deepEqual(snapshot(pool), before);
  });

  test(`${name}: put of an id that is not handed out throws PoolError in debug mode`, () => {
    const pool = Pool.create({ ...geometry, debug: true });
    const id = pool.get();
    const before = snapshot(pool);
    assert.throws(() => pool.put(id + 1), (e: unknown) => e instanceof PoolError && /not handed out/.test(e.message));
    assert.deepEqual(snapshot(pool), before);
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
    const oldVersion = new SharedArrayBuffer(pool.buffer.byteLength);
    new Uint8Array(oldVersion).set(new Uint8Array(pool.buffer));
    new Int32Array(oldVersion)[1] = 999;
    assert.throws(() => Pool.attach(oldVersion), (e: unknown) => e instanceof PoolError && /layout version 999/.test(e.message));
    const truncated = new SharedArrayBuffer(pool.buffer.byteLength - 64);
    new Uint8Array(truncated).set(new Uint8Array(pool.buffer, 0, truncated.byteLength));
    assert.throws(() => Pool.attach(truncated), (e: unknown) => e instanceof PoolError && /damaged/.test(e.message));
    assert.equal(Pool.attach(pool.buffer).localId, 1, 'the real buffer still attaches, to the next local');
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
    const bad: [string, Partial<typeof geometry> & { pad?: number }][] = [
      ['no blocks', { blocks: 0 }],
      ['more blocks than a ring holds', { blocks: 2 ** 14 + 1 }],
      ['fractional blocks', { blocks: 2.5 }],
      ['empty blocks', { blockSize: 0 }],
      ['no locals', { maxLocals: 0 }],
      ['too many locals', { maxLocals: 1025 }],
      ['pad not a multiple of 64', { pad: 100 }],
      ['pad smaller than a line', { pad: 32 }],
      ['negative pad', { pad: -128 }],
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

  test(`${name}: reclaim of a bad, own or unattached local throws and changes nothing`, () => {
    const pool = Pool.create({ ...geometry, maxLocals: 3 });
    const other = Pool.attach(pool.buffer);
    other.detach();
    const before = snapshot(pool);
    for (const bad of [-1, 3, 1.5, '1']) assert.throws(() => pool.reclaim(bad as unknown as number), RangeError, String(bad));
    assert.throws(() => pool.reclaim(pool.localId), PoolError, 'own local');
    assert.throws(() => pool.reclaim(other.localId), PoolError, 'detached local');
    assert.throws(() => pool.reclaim(2), PoolError, 'never attached');
    assert.deepEqual(snapshot(pool), before);
  });
}
