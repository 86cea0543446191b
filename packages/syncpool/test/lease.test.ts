// Leases: `using lease = pool.lease()` gives the item back at scope exit (a normal end, a throw,
// a break), once; release() does it by hand; `await using` works with the same object. Leasing
// installs nothing on the pool: get and put stay the prototype's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BlockId, Lease, MutexPool, Pool, PoolError, SharedPool, poolCleanup, setCleanupMode } from '../src/index.js';

setCleanupMode('manual');

test('Symbol.dispose exists on this Node and a Lease has it: release() under the name `using` calls', () => {
  assert.equal(typeof Symbol.dispose, 'symbol');
  assert.equal(typeof (Lease.prototype as unknown as Record<symbol, unknown>)[Symbol.dispose], 'function');
});

test('Pool.lease: using puts the item back at scope exit, by a normal end, a throw and a break', () => {
  const made: object[] = [];
  const pool = new Pool({ new: () => { const x = { n: made.length }; made.push(x); return x; } });
  let seen: { n: number } | undefined;
  {
    using lease = pool.lease();
    seen = lease.value;
    assert.equal(pool.stats().primarySize, 0, 'in use while in scope');
  }
  assert.equal(pool.stats().primarySize, 1);
  assert.equal(pool.get(), seen, 'the item that went back');
  pool.put(seen);
  assert.throws(() => {
    using lease = pool.lease();
    assert.equal(lease.value, seen);
    throw new Error('inside the scope');
  }, /inside the scope/);
  assert.equal(pool.stats().primarySize, 1, 'a throw gives it back too');
  for (let i = 0; i < 3; i++) {
    using lease = pool.lease();
    if (lease.value === seen) break;
  }
  assert.equal(pool.stats().primarySize, 1, 'so does a break');
  assert.equal(made.length, 1, 'one item served every lease');
  assert.ok(!Object.hasOwn(pool, 'get') && !Object.hasOwn(pool, 'put'), 'leasing installs nothing on the pool');
});

test('Lease.release puts once: a second release and the scope\'s dispose after it put nothing', () => {
  let resets = 0;
  const pool = new Pool({ new: () => ({}), reset: () => { resets++; } });
  {
    using lease = pool.lease();
    assert.equal(lease.released, false);
    lease.release();
    assert.equal(lease.released, true);
    lease.release();
  }
  assert.equal(resets, 1, 'one put');
});

test('Lease in debug mode: a put by hand of a leased item, then the lease\'s own, is the double put debug mode reports', () => {
  const pool = new Pool({ new: () => ({}), debug: true });
  const lease = pool.lease();
  pool.put(lease.value);
  // Debug mode remembers a put it dropped as put, so the second put throws whatever the drop did.
  assert.throws(() => lease.release(), PoolError);
  assert.equal(lease.released, true, 'a release whose put threw counts as released');
});

test('Pool.lease without new: an empty pool lends undefined, and giving it back puts nothing', () => {
  const pool = new Pool<object>();
  {
    using lease = pool.lease();
    assert.equal(lease.value, undefined);
  }
  assert.equal(pool.stats().puts, 0);
  assert.equal(pool.stats().misses, 1);
  poolCleanup();
});

test('Pool.lease with a reset that throws: the error reaches the scope, the item is not pooled, the lease is released', () => {
  const pool = new Pool({ new: () => ({}), reset: () => { throw new Error('reset failed'); } });
  let lease: Lease<object> | undefined;
  assert.throws(() => {
    using held = pool.lease();
    lease = held;
  }, /reset failed/);
  assert.equal(lease?.released, true);
  assert.equal(pool.stats().primarySize, 0);
});

for (const Kind of [SharedPool, MutexPool]) {
  test(`${Kind.name}.lease and leaseAsync: a block id on loan, undefined when none came, back in the pool at scope exit (using and await using)`, async () => {
    const pool = Kind.create({ blockSize: 16, blocks: 1, maxLocals: 1 });
    let id: number | undefined;
    {
      using lease = pool.lease();
      assert.ok(lease !== undefined);
      id = lease.value;
      pool.bytes(id as BlockId).fill(7);
      assert.equal(pool.lease(), undefined, 'the only block is on loan');
      assert.equal(pool.lease(1), undefined, 'and none came within 1 ms');
      assert.equal(await pool.leaseAsync(0), undefined);
    }
    assert.equal(pool.census().outstanding, 0, 'back at scope exit');
    {
      await using lease = await pool.leaseAsync(0);
      assert.equal(lease?.value, id);
    }
    assert.equal(pool.census().outstanding, 0);
    assert.throws(() => pool.lease(-1), RangeError);
    assert.equal(pool.census().outstanding, 0, 'a bad timeout leases nothing');
  });
}

test('SharedPool debug mode: a lease gives back the handout id it got, so no double put is reported', () => {
  const pool = SharedPool.create({ blockSize: 16, blocks: 2, maxLocals: 1, debug: true });
  for (let i = 0; i < 4; i++) {
    using lease = pool.lease();
    assert.ok(lease !== undefined && lease.value >= 16384, 'debug ids carry a handout number');
  }
  assert.equal(pool.census().outstanding, 0);
});
