// BytesPool: class mapping, what put refuses, zeroing, release by GC cycles, and a model test.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { BytesPool, PoolError, bytesPool, gcCycle, poolCleanup, setCleanupMode } from '../src/index.js';

before(() => setCleanupMode('manual'));

function classSizes(pool: BytesPool, kind: 'Uint8Array' | 'Buffer' = 'Uint8Array'): Map<number, number> {
  return new Map(pool.stats().classes.filter((c) => c.kind === kind).map((c) => [c.size, c.primarySize + c.victimSize]));
}

describe('class mapping', () => {
  const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
  const cases: [number, number][] = [
    [0, 16], [1, 16], [15, 16], [16, 16], [17, 32], [64, 64], [65, 128], [1024, 1024], [1025, 1025],
  ];
  for (const [n, length] of cases) {
    test(`get(${n}) is ${length} bytes${n > 1024 ? ', fresh and never pooled' : ''}`, () => {
      const buf = pool.get(n);
      assert.ok(buf instanceof Uint8Array);
      assert.equal(buf.length, length);
      assert.equal(buf.byteOffset, 0);
      assert.equal(buf.buffer.byteLength, length);
    });
  }
  test('oversize buffers are counted and not pooled on put', () => {
    const p = new BytesPool({ minSize: 16, maxSize: 1024 });
    const big = p.get(5000);
    p.put(big);
    assert.equal(p.stats().oversize, 1);
    assert.equal(p.stats().rejected.wrongSize, 1);
  });
  test('the default instance spans 64 B to 1 MiB, with no zeroing', () => {
    assert.deepEqual([bytesPool.minSize, bytesPool.maxSize, bytesPool.zero], [64, 1024 * 1024, false]);
    assert.equal(bytesPool.get(1).length, 64);
  });
});

describe('get and put', () => {
  test('a put buffer is handed out again by the next get of its class', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
    const a = pool.get(100);
    pool.put(a);
    assert.equal(pool.get(128), a);
    assert.notEqual(pool.get(100), a);
  });
  test('a plain new Uint8Array of a class size is accepted', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
    const mine = new Uint8Array(256);
    pool.put(mine);
    assert.equal(pool.get(200), mine);
  });
  test('null and undefined are ignored', () => {
    const pool = new BytesPool();
    pool.put(null);
    pool.put(undefined);
    assert.deepEqual(pool.stats().rejected, { notUint8Array: 0, wrongSize: 0, notOwner: 0, bufferSlab: 0, alreadyPooled: 0 });
  });
});

describe('put refuses buffers that do not belong in a pool', () => {
  const refusals: [string, () => unknown, string][] = [
    ['a length that is not a class size', () => new Uint8Array(100), 'wrongSize'],
    ['a subarray view of a class size', () => new Uint8Array(512).subarray(0, 256), 'notOwner'],
    ['a view at an offset', () => new Uint8Array(new ArrayBuffer(512), 256, 256), 'notOwner'],
    ["a slice of Node's shared Buffer slab", () => Buffer.allocUnsafe(256), 'bufferSlab'],
    ['a Uint8Array over a SharedArrayBuffer', () => new Uint8Array(new SharedArrayBuffer(256)), 'notOwner'],
    ['a Float32Array', () => new Float32Array(64), 'notUint8Array'],
    ['a plain array', () => new Array(256).fill(0), 'notUint8Array'],
    ['a transferred (detached) buffer', () => detached(256), 'wrongSize'],
  ];
  for (const [what, make, reason] of refusals) {
    test(`${what}: counted as ${reason}, nothing pooled; PoolError in debug mode`, () => {
      const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
      const before = classSizes(pool);
      pool.put(make() as Uint8Array);
      assert.equal(pool.stats().rejected[reason as 'wrongSize'], 1);
      assert.deepEqual(classSizes(pool), before);
      const strict = new BytesPool({ minSize: 16, maxSize: 1024, debug: true, name: 'strict' });
      assert.throws(() => strict.put(make() as Uint8Array), (e: unknown) => e instanceof PoolError && e.pool === 'strict');
      assert.deepEqual(classSizes(strict), before);
    });
  }
  test('a pooled buffer that was transferred since is refused', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
    const buf = pool.get(64);
    structuredClone(buf.buffer, { transfer: [buf.buffer] });
    pool.put(buf);
    assert.equal(pool.stats().rejected.wrongSize, 1);
  });
});

function detached(size: number): Uint8Array {
  const buf = new Uint8Array(size);
  structuredClone(buf.buffer, { transfer: [buf.buffer] });
  return buf;
}

describe('Node Buffers', () => {
  test('getBuffer returns Buffers that own their memory, pooled apart from Uint8Arrays', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
    const b = pool.getBuffer(100);
    assert.ok(Buffer.isBuffer(b));
    assert.deepEqual([b.length, b.byteOffset, b.buffer.byteLength], [128, 0, 128]);
    pool.put(b);
    assert.notEqual(pool.get(100), b, 'get() never returns a Buffer');
    assert.equal(pool.getBuffer(128), b);
  });
  test('a Buffer.allocUnsafeSlow of a class size is accepted into the Buffer classes', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
    const slow = Buffer.allocUnsafeSlow(64);
    pool.put(slow);
    assert.equal(classSizes(pool, 'Buffer').get(64), 1);
    assert.equal(pool.getBuffer(64), slow);
  });
});

describe('zeroing', () => {
  for (const zero of ['on-put', 'on-get'] as const) {
    test(`zero: '${zero}': no byte of a previous user is visible`, () => {
      const pool = new BytesPool({ minSize: 16, maxSize: 1024, zero });
      const held = [pool.get(256), pool.get(256), pool.getBuffer(256)];
      for (const buf of held) buf.fill(0xa5);
      for (const buf of held) pool.put(buf);
      const again = [pool.get(256), pool.get(256), pool.getBuffer(256)];
      assert.deepEqual(new Set(again), new Set(held), 'the same buffers came back');
      for (const buf of again) assert.ok(buf.every((byte) => byte === 0));
    });
  }
  test('zero: false hands the previous bytes out again, as documented', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, zero: false });
    const buf = pool.get(32);
    buf.fill(7);
    pool.put(buf);
    assert.equal(pool.get(32)[0], 7);
  });
  test('fresh buffers are zero whatever the option', () => {
    const pool = new BytesPool({ minSize: 16, maxSize: 1024, zero: false });
    assert.ok(pool.getBuffer(1000).every((byte) => byte === 0));
    assert.ok(pool.getBuffer(5000).every((byte) => byte === 0));
  });
});

describe('bad arguments', () => {
  for (const n of [-1, NaN, 1.5, Infinity, '8' as unknown as number]) {
    test(`get(${String(n)}) throws RangeError and changes nothing`, () => {
      const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
      const before = JSON.stringify(pool.stats());
      assert.throws(() => pool.get(n), RangeError);
      assert.throws(() => pool.getBuffer(n), RangeError);
      assert.equal(JSON.stringify(pool.stats()), before);
    });
  }
  const badOptions: [string, unknown, ErrorConstructor][] = [
    ['minSize not a power of two', { minSize: 48 }, RangeError],
    ['maxSize above 2^30', { maxSize: 2 ** 31 }, RangeError],
    ['minSize above maxSize', { minSize: 1024, maxSize: 64 }, RangeError],
    ['unknown zeroing', { zero: 'always' }, TypeError],
    ['debug not a boolean', { debug: 'yes' }, TypeError],
  ];
  for (const [what, options, type] of badOptions) {
    test(`constructor: ${what}`, () => assert.throws(() => new BytesPool(options as never), type));
  }
});

test('debug mode: a double put throws PoolError', () => {
  const pool = new BytesPool({ minSize: 16, maxSize: 1024, debug: true });
  const buf = pool.get(16);
  pool.put(buf); // kept or dropped by debug mode's 1-in-4 drop: a put either way
  assert.throws(() => pool.put(buf), PoolError);
});

test('idle buffers are released across two gcCycle()', async () => {
  const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
  const held = [pool.get(16), pool.get(300), pool.get(1000)];
  for (const buf of held) pool.put(buf);
  await gcCycle();
  assert.deepEqual([...classSizes(pool).values()].reduce((a, b) => a + b), 3, 'kept in the victim');
  await gcCycle();
  assert.deepEqual([...classSizes(pool).values()].reduce((a, b) => a + b), 0, 'released');
  assert.equal(pool.stats().classes.reduce((sum, c) => sum + c.dropped, 0), 3);
});

// Model: per class, the set of pooled buffers. get must return a pooled buffer of the right class
// when there is one and a fresh one otherwise, never a buffer the caller still holds.
test('BytesPool against a reference model', () => {
  type Op =
    | { kind: 'get'; n: number }
    | { kind: 'put'; pick: number }
    | { kind: 'putForeign'; what: 'subarray' | 'slab' | 'wrongSize' | 'class' }
    | { kind: 'cleanup' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('get' as const), n: fc.oneof(fc.integer({ min: 0, max: 1100 }), fc.constantFrom(0, 16, 17, 64, 65, 1024, 1025)) }),
    fc.record({ kind: fc.constant('put' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('putForeign' as const), what: fc.constantFrom('subarray', 'slab', 'wrongSize', 'class') }),
    fc.constant({ kind: 'cleanup' as const }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
      const pool = new BytesPool({ minSize: 16, maxSize: 1024 });
      const classOf = (n: number) => (n <= 16 ? 16 : 2 ** Math.ceil(Math.log2(n)));
      const primary = new Map<number, Set<Uint8Array>>();
      const victim = new Map<number, Set<Uint8Array>>();
      const inPool = (size: number) => [...(primary.get(size) ?? []), ...(victim.get(size) ?? [])];
      const held: Uint8Array[] = [];
      const add = (buf: Uint8Array) => {
        const set = primary.get(buf.length) ?? new Set();
        primary.set(buf.length, set.add(buf));
      };
      for (const o of ops) {
        if (o.kind === 'get') {
          const buf = pool.get(o.n);
          assert.ok(!held.includes(buf), 'never hands out a buffer that is still held');
          if (o.n > 1024) {
            assert.equal(buf.length, o.n);
            continue;
          }
          const size = classOf(o.n);
          assert.equal(buf.length, size);
          const candidates = inPool(size);
          if (candidates.length > 0) assert.ok(candidates.includes(buf), 'a pooled buffer of that class');
          primary.get(size)?.delete(buf);
          victim.get(size)?.delete(buf);
          held.push(buf);
        } else if (o.kind === 'put') {
          if (held.length === 0) continue;
          const [buf] = held.splice(o.pick % held.length, 1);
          pool.put(buf);
          if (buf!.length <= 1024) add(buf!);
        } else if (o.kind === 'putForeign') {
          if (o.what === 'class') {
            const buf = new Uint8Array(64);
            pool.put(buf);
            add(buf);
          } else if (o.what === 'subarray') pool.put(new Uint8Array(128).subarray(64));
          else if (o.what === 'slab') pool.put(Buffer.allocUnsafe(32));
          else pool.put(new Uint8Array(100));
        } else {
          poolCleanup();
          victim.clear();
          for (const [size, set] of primary) victim.set(size, set);
          primary.clear();
        }
        const sizes = classSizes(pool);
        for (const [size, count] of sizes) assert.equal(count, inPool(size).length, `class ${size}`);
      }
    }),
    { numRuns: 200 },
  );
});
