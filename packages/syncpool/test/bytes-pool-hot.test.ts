// BytesPool's hot buffer (the one its last Pool get handed out, taken back by identity): the
// paths around it keep every rule of the stamped path. Targeted cases first, then a model-based
// property test over random gets, puts through other views and other pools, double puts,
// transfers and cleanups: no ArrayBuffer is ever handed to two holders, every refused put is
// counted, and each class's stats add up.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { BytesPool, poolCleanup, setCleanupMode } from '../src/index.js';

before(() => setCleanupMode('manual'));

function classStats(pool: BytesPool, size: number, kind: 'Uint8Array' | 'Buffer' = 'Uint8Array') {
  const found = pool.stats().classes.find((c) => c.size === size && c.kind === kind);
  assert.ok(found, `class ${kind} ${size}`);
  return found;
}

function assertStatsAddUp(pool: BytesPool): void {
  for (const c of pool.stats().classes) {
    assert.equal(c.gets, c.privateHits + c.stackHits + c.victimHits + c.news + c.misses, `gets of ${c.kind} ${c.size}`);
    assert.ok(c.privateHits >= 0 && c.primarySize >= 0, `non-negative counts for ${c.kind} ${c.size}`);
  }
}

describe('the hot buffer', () => {
  test('a get+put loop reuses one buffer, and the stats count each get and put', () => {
    const pool = new BytesPool();
    const first = pool.get(1000);
    pool.put(first);
    for (let i = 0; i < 100; i++) {
      const buf = pool.get(1000);
      assert.equal(buf, first);
      pool.put(buf);
    }
    const c = classStats(pool, 1024);
    assert.deepEqual([c.gets, c.puts, c.news, c.primarySize], [101, 101, 1, 1]);
    assertStatsAddUp(pool);
  });

  test('put twice in a row: the second is refused, and get hands the memory out once', () => {
    const pool = new BytesPool();
    const buf = pool.get(64);
    pool.put(buf);
    pool.put(buf);
    assert.equal(pool.stats().rejected.alreadyPooled, 1);
    assert.equal(pool.get(64), buf);
    assert.notEqual(pool.get(64), buf);
  });

  test('another view of the hot buffer put first: the hot buffer itself is then refused', () => {
    const pool = new BytesPool();
    const buf = pool.get(256);
    pool.put(Buffer.from(buf.buffer));
    pool.put(buf);
    assert.equal(pool.stats().rejected.alreadyPooled, 1);
    const a = pool.get(256);
    const b = pool.get(256);
    assert.notEqual(a.buffer, b.buffer);
  });

  test('the hot buffer of one pool put into another: the first cannot take it back', () => {
    const one = new BytesPool();
    const two = new BytesPool();
    const buf = one.get(512);
    two.put(buf);
    one.put(buf);
    assert.equal(one.stats().rejected.alreadyPooled, 1);
    assert.equal(two.get(512), buf);
    assert.notEqual(one.get(512), buf);
  });

  test('a hot buffer transferred while handed out is refused, not pooled as a detached buffer', () => {
    const pool = new BytesPool();
    const buf = pool.get(64);
    structuredClone(buf.buffer, { transfer: [buf.buffer] });
    pool.put(buf);
    assert.equal(pool.stats().rejected.wrongSize, 1);
    assert.equal(pool.get(64).length, 64);
  });

  test('a cleanup moves the pooled hot buffer into its Pool: the next get is a victim hit, two cleanups release it', () => {
    const pool = new BytesPool();
    const buf = pool.get(64);
    pool.put(buf);
    poolCleanup();
    assert.deepEqual([classStats(pool, 64).primarySize, classStats(pool, 64).victimSize], [0, 1]);
    assert.equal(pool.get(64), buf);
    assert.equal(classStats(pool, 64).victimHits, 1);
    pool.put(buf);
    poolCleanup();
    poolCleanup();
    assert.notEqual(pool.get(64), buf);
    assert.equal(classStats(pool, 64).dropped, 1);
    assertStatsAddUp(pool);
  });

  test('a cleanup forgets a handed-out hot buffer: its put then takes the stamped path and pools it once', () => {
    const pool = new BytesPool();
    const buf = pool.get(64);
    poolCleanup();
    pool.put(buf);
    pool.put(buf);
    assert.equal(pool.stats().rejected.alreadyPooled, 1);
    assert.equal(pool.get(64), buf);
    assertStatsAddUp(pool);
  });

  test('several buffers outstanding: each is pooled once, whichever comes back first', () => {
    const pool = new BytesPool();
    const held = Array.from({ length: 8 }, () => pool.get(2048));
    for (const buf of held) pool.put(buf);
    for (const buf of held) pool.put(buf);
    assert.equal(pool.stats().rejected.alreadyPooled, 8);
    const again = Array.from({ length: 8 }, () => pool.get(2048));
    assert.equal(new Set(again.map((b) => b.buffer)).size, 8);
    assert.deepEqual(new Set(again), new Set(held));
    assertStatsAddUp(pool);
  });

  test('Buffers and Uint8Arrays of one size stay apart through the hot slot', () => {
    const pool = new BytesPool();
    const u = pool.get(128);
    pool.put(u);
    const b = pool.getBuffer(128);
    assert.ok(Buffer.isBuffer(b));
    assert.notEqual(b.buffer, u.buffer);
    pool.put(b);
    assert.equal(pool.get(128), u);
    assert.equal(pool.getBuffer(128), b);
  });
});

// The model: which ArrayBuffers are held by the program (handed out and not given back), and
// which are pooled. A get must return memory nobody holds; a put of pooled memory must be refused.
type Op =
  | { kind: 'get'; pool: number; size: number; buffer: boolean }
  | { kind: 'put'; pool: number; held: number; view: 'same' | 'uint8' | 'buffer' }
  | { kind: 'putAgain'; pool: number }
  | { kind: 'transfer'; held: number }
  | { kind: 'cleanup' };

const sizes = [1, 64, 65, 200, 1024];
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('get' as const), pool: fc.nat(1), size: fc.constantFrom(...sizes), buffer: fc.boolean() }),
  fc.record({ kind: fc.constant('put' as const), pool: fc.nat(1), held: fc.nat(7), view: fc.constantFrom('same' as const, 'same' as const, 'uint8' as const, 'buffer' as const) }),
  fc.record({ kind: fc.constant('putAgain' as const), pool: fc.nat(1) }),
  fc.record({ kind: fc.constant('transfer' as const), held: fc.nat(7) }),
  fc.constant({ kind: 'cleanup' as const }),
);

test('model: over random gets, puts (also through other views and the other pool), double puts, transfers and cleanups, no memory is handed out twice', () => {
  fc.assert(
    fc.property(fc.array(opArbitrary, { maxLength: 80 }), (ops) => {
      const pools = [new BytesPool({ minSize: 64, maxSize: 1024 }), new BytesPool({ minSize: 64, maxSize: 1024 })];
      const held: Uint8Array[] = [];
      const heldStores = new Set<ArrayBufferLike>();
      const pooledStores = new Set<ArrayBufferLike>();
      const detached = new Set<ArrayBufferLike>();
      let lastPut: Uint8Array | undefined;
      let expectedRejections = 0;
      const rejections = () => pools.reduce((sum, p) => sum + Object.values(p.stats().rejected).reduce((a, b) => a + b, 0), 0);
      const put = (pool: BytesPool, view: Uint8Array, store: ArrayBufferLike) => {
        if (pooledStores.has(store) || detached.has(store)) expectedRejections++;
        else pooledStores.add(store);
        pool.put(view);
        lastPut = view;
      };
      for (const op of ops) {
        if (op.kind === 'get') {
          const pool = pools[op.pool]!;
          const buf = op.buffer ? pool.getBuffer(op.size) : pool.get(op.size);
          assert.ok(!heldStores.has(buf.buffer), 'a get handed out memory that the program still holds');
          assert.equal(buf.length >= op.size && buf.length === buf.buffer.byteLength, true);
          pooledStores.delete(buf.buffer);
          held.push(buf);
          heldStores.add(buf.buffer);
        } else if (op.kind === 'put' && held.length > 0) {
          const buf = held.splice(op.held % held.length, 1)[0]!;
          const store = buf.buffer;
          heldStores.delete(store);
          const view = op.view === 'same' || detached.has(store) ? buf : op.view === 'uint8' ? new Uint8Array(store) : Buffer.from(store);
          put(pools[op.pool]!, view, store);
        } else if (op.kind === 'putAgain' && lastPut !== undefined && pooledStores.has(lastPut.buffer)) {
          // A true double put (a put of memory that the program holds again is its own bug, not the pool's).
          put(pools[op.pool]!, lastPut, lastPut.buffer);
        } else if (op.kind === 'transfer' && held.length > 0) {
          const buf = held[op.held % held.length]!;
          if (detached.has(buf.buffer)) continue;
          const store = buf.buffer;
          detached.add(store);
          structuredClone(store, { transfer: [store] });
        } else if (op.kind === 'cleanup') {
          poolCleanup();
        }
        assert.equal(rejections(), expectedRejections, `refused puts after ${JSON.stringify(op)}`);
      }
      for (const pool of pools) assertStatsAddUp(pool);
    }),
    { numRuns: 300 },
  );
});
