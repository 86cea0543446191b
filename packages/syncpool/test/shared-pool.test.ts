// SharedPool's semantics in one thread: several attachments of one buffer in the same thread
// are several locals (Go's Ps), which makes Go's Get order observable step by step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureMemory, prepareMemoryMeasurement, sink } from 'syncpool-bench';
import { MutexPool, PoolError, SharedPool, type BlockId } from '../src/index.js';

const geometry = { blockSize: 100, blocks: 32, maxLocals: 3 };

test('get follows Go\'s order: private, own ring head (LIFO), other rings\' tails from localId+1, fresh, -1', () => {
  const a = SharedPool.create({ ...geometry, blocks: 9 });
  const b = SharedPool.attach(a.buffer);
  const c = SharedPool.attach(a.buffer);
  assert.deepEqual([a.localId, b.localId, c.localId], [0, 1, 2]);
  const [a0, a1, a2, b0, b1, b2, c0, c1, c2] = [a.get(), a.get(), a.get(), b.get(), b.get(), b.get(), c.get(), c.get(), c.get()];
  assert.deepEqual([a0, a1, a2, b0, b1, b2, c0, c1, c2], [0, 1, 2, 3, 4, 5, 6, 7, 8], 'fresh blocks in arena order');
  assert.equal(a.get(), -1, 'arena used up, nothing pooled');
  // Each local: the first put fills the private slot, the next ones go to the ring head.
  for (const [p, ids] of [[a, [a0, a1, a2]], [b, [b0, b1, b2]], [c, [c0, c1, c2]]] as const) for (const id of ids) p.put(id);
  assert.equal(a.get(), a0, 'private first');
  assert.equal(a.get(), a2, 'then the own ring head: the newest');
  assert.equal(a.get(), a1);
  assert.equal(a.get(), b1, 'then steal the tail (oldest) of local 1, the one after self');
  assert.equal(a.get(), b2);
  assert.equal(a.get(), c1, 'then local 2');
  assert.equal(a.get(), c2);
  assert.equal(a.get(), -1, 'private slots are never stolen');
  // Stealing starts after self and wraps: local 2 looks at local 0 before local 1.
  a.put(a0);
  a.put(a1); // a's ring
  b.put(b1);
  b.put(b2); // b's ring (b's private still holds b0)
  assert.equal(c.get(), c0);
  assert.equal(c.get(), a1, 'local 2 steals from local 0 first');
  assert.equal(c.get(), b1, 'then local 1, from its tail');
  assert.deepEqual(a.stats(), {
    gets: 21, puts: 13, privateHits: 2, ringHits: 2, steals: 6, fresh: 9, exhausted: 2, waits: 0,
  });
});

test('put fills the private slot first, then the ring; stats and census account for every block', () => {
  const a = SharedPool.create(geometry);
  const ids = [a.get(), a.get(), a.get()];
  for (const id of ids) a.put(id);
  const census = a.census();
  assert.deepEqual(census.pooled, [0, 1, 2], 'private slot (0) first, then the ring from tail to head');
  assert.equal(census.neverHandedOut, geometry.blocks - 3);
  assert.equal(census.outstanding, 0);
  assert.equal(census.unreleased, 0);
  const s = a.stats();
  assert.equal(s.gets, 3);
  assert.equal(s.puts, 3);
  assert.equal(s.fresh, 3);
});

test('detach moves the private block to the ring, where other locals still find it (seed Task 11)', () => {
  const a = SharedPool.create(geometry);
  const b = SharedPool.attach(a.buffer);
  const id = b.get();
  b.put(id); // b's private slot: invisible to other locals while b is attached
  assert.equal(a.get(), 1, 'a cannot see b\'s private block: it gets a fresh one');
  b.detach();
  assert.equal(a.get(), id, 'after detach the block is stealable');
  assert.throws(() => b.get(), PoolError);
  assert.throws(() => b.put(id), PoolError);
  assert.throws(() => b.detach(), PoolError);
  const again = SharedPool.attach(a.buffer);
  assert.equal(again.localId, b.localId, 'the local is free again');
});

test('reclaim recovers the local of a thread that never detached, private block included', () => {
  const a = SharedPool.create(geometry);
  const dead = SharedPool.attach(a.buffer);
  const [p, r] = [dead.get(), dead.get()];
  dead.put(p);
  dead.put(r);
  // `dead` stands for a worker that exited: its private block (p) is invisible until reclaim.
  a.reclaim(dead.localId, dead.generation);
  assert.deepEqual(a.census().pooled.sort(), [p, r]);
  assert.equal(a.get(), r, 'stolen from the tail: r was pushed first');
  assert.equal(a.get(), p, 'the private block, moved onto the ring by reclaim');
  assert.equal(SharedPool.attach(a.buffer).localId, dead.localId, 'the local can be claimed again');
});

for (const Pool of [SharedPool, MutexPool]) {
  test(`${Pool.name}: bytes(id) is one view per block per attachment, 64-byte aligned, shared between threads`, () => {
    const a = Pool.create(geometry);
    const b = Pool.attach(a.buffer);
    const [x, y] = [a.get(), a.get()];
    const view = a.bytes(x);
    assert.equal(view, a.bytes(x), 'the same object on every call');
    assert.equal(view.byteLength, geometry.blockSize);
    assert.equal(view.buffer, a.buffer);
    assert.equal(view.byteOffset % 64, 0);
    assert.ok(a.bytes(y).byteOffset >= view.byteOffset + view.byteLength, 'blocks do not overlap');
    view.fill(7);
    assert.ok(b.bytes(x).every((v) => v === 7), 'another attachment sees the same bytes');
    assert.ok(a.bytes(y).every((v) => v === 0), 'and only in that block');
  });

  test(`${Pool.name}: debug mode refuses a put of a block that is not handed out, and changes nothing`, () => {
    const a = Pool.create({ ...geometry, debug: true });
    const id = a.get();
    a.put(id);
    const before = [a.census(), a.stats()];
    assert.throws(() => a.put(id), PoolError, 'double put');
    assert.throws(() => a.put(5 as BlockId), PoolError, 'never handed out');
    assert.deepEqual([a.census(), a.stats()], before);
    const again = a.get();
    assert.equal(again % 16384, id % 16384, 'the pool still works: the same block, under a new handout');
    assert.notEqual(again, id);
    a.put(again);
  });
}

test('pad 0 packs the records (the false-sharing experiment) and the pool still works', () => {
  const packed = SharedPool.create({ ...geometry, pad: 0 });
  const padded = SharedPool.create(geometry);
  assert.ok(packed.buffer.byteLength < padded.buffer.byteLength);
  const b = SharedPool.attach(packed.buffer);
  const id = packed.get();
  packed.put(id);
  packed.put(packed.get());
  assert.equal(b.get(), 1, 'b gets a fresh block: a\'s block is private');
});

test('a private-hit get+put allocates nothing, and neither does bytes(id) after the first call', async () => {
  prepareMemoryMeasurement();
  const pool = SharedPool.create(geometry);
  const id = pool.get();
  pool.put(id);
  pool.bytes(id);
  const r = await measureMemory((n) => {
    for (let i = 0; i < n; i++) {
      const x = pool.get();
      sink(pool.bytes(x));
      pool.put(x);
    }
  }, { n: 200_000, allocsN: 2_000 });
  assert.equal(r.allocsPerOp, 0, `allocs/op ${r.allocsPerOp}`);
  assert.ok(r.bytesPerOp < 0.05, `B/op ${r.bytesPerOp}`);
});
