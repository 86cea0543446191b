// One ArrayBuffer is pooled at most once, whatever object it comes back through; bad puts and
// sizes get the library's errors, counted in stats(), never an engine error.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { BytesPool, PoolError, setCleanupMode, type BytesPoolOptions } from '../src/index.js';

before(() => setCleanupMode('manual'));

const variants: [string, BytesPoolOptions][] = [
  ['plain', {}],
  ['zero on-put', { zero: 'on-put' }],
  ['zero on-get', { zero: 'on-get' }],
];

// Takes every buffer of the 1 KiB class out until the pool makes a fresh one.
function drain(pool: BytesPool, take: (n: number) => Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (;;) {
    const news = pool.stats().classes.reduce((sum, c) => sum + c.news, 0);
    const buf = take(1024);
    if (pool.stats().classes.reduce((sum, c) => sum + c.news, 0) > news) return out;
    out.push(buf);
  }
}

function storesOf(bufs: Uint8Array[]): ArrayBufferLike[] {
  return bufs.map((b) => b.buffer);
}

describe('the same memory through two objects is pooled once', () => {
  const twins: [string, (u: Uint8Array<ArrayBuffer>) => Uint8Array][] = [
    ['Buffer.from(u.buffer)', (u) => Buffer.from(u.buffer)],
    ['new Uint8Array(u.buffer)', (u) => new Uint8Array(u.buffer)],
  ];
  for (const [name, options] of variants) {
    for (const [twin, make] of twins) {
      test(`${name}: u and ${twin}, 200 trials: no ArrayBuffer is handed out twice`, () => {
        const pool = new BytesPool({ minSize: 64, maxSize: 4096, ...options });
        for (let trial = 0; trial < 200; trial++) {
          const u = pool.get(1024);
          pool.put(u);
          pool.put(make(u));
          const out = [...drain(pool, (n) => pool.get(n)), ...drain(pool, (n) => pool.getBuffer(n))];
          assert.equal(new Set(storesOf(out)).size, out.length, `trial ${trial}: one ArrayBuffer handed out twice`);
          for (const b of out) pool.put(b);
        }
        assert.equal(pool.stats().rejected.alreadyPooled, 200);
      });
      test(`${name}: ${twin} first, then u: the second is refused`, () => {
        const pool = new BytesPool({ minSize: 64, maxSize: 4096, ...options });
        const u = pool.get(1024);
        pool.put(make(u));
        pool.put(u);
        assert.equal(pool.stats().rejected.alreadyPooled, 1);
        const out = [...drain(pool, (n) => pool.get(n)), ...drain(pool, (n) => pool.getBuffer(n))];
        assert.deepEqual(storesOf(out), [u.buffer], 'pooled once, as the view the pool knows');
      });
    }
  }
  test('debug: the second release is named as such (not "changed after it was put back")', () => {
    const pool = new BytesPool({ minSize: 64, maxSize: 4096, debug: true, zero: 'on-put', name: 'frames' });
    for (let trial = 0; trial < 200; trial++) {
      const u = pool.get(1024);
      pool.put(u);
      assert.throws(
        () => pool.put(Buffer.from(u.buffer)),
        (e: unknown) => e instanceof PoolError && e.pool === 'frames' && /already in the pool/.test(e.message),
      );
      const out = drain(pool, (n) => pool.get(n));
      assert.equal(new Set(storesOf(out)).size, out.length);
      for (const b of out) pool.put(b);
    }
  });
  test('two pools: memory pooled in one is refused by the other', () => {
    const a = new BytesPool({ minSize: 64, maxSize: 4096 });
    const b = new BytesPool({ minSize: 64, maxSize: 4096 });
    const u = a.get(1024);
    a.put(u);
    b.put(Buffer.from(u.buffer));
    b.put(u);
    assert.equal(b.stats().rejected.alreadyPooled, 2);
    const again = a.get(1024);
    assert.equal(again, u);
    b.put(again); // handed out: the other pool may take it over
    assert.equal(b.get(1024), u);
  });
});

describe('debug mode catches every double put', () => {
  test('1000 of 1000, also when the first put was the random drop', () => {
    const pool = new BytesPool({ minSize: 64, maxSize: 4096, debug: true });
    let caught = 0;
    for (let i = 0; i < 1000; i++) {
      const buf = pool.get(1024);
      pool.put(buf);
      try {
        pool.put(buf);
      } catch (e) {
        if (e instanceof PoolError) caught++;
      }
    }
    assert.equal(caught, 1000);
    assert.ok(pool.stats().classes.some((c) => c.debugDrops > 100));
  });
});

describe('look-alikes are refused with the library TypeError path, counted', () => {
  const fakes: [string, () => unknown][] = [
    ['new Proxy(u8, {})', () => new Proxy(new Uint8Array(1024), {})],
    ['Object.create(Uint8Array.prototype)', () => Object.create(Uint8Array.prototype)],
    ['a Uint8Array with a shadowing buffer property', () => Object.defineProperty(new Uint8Array(2048).subarray(0, 1024), 'buffer', { value: new ArrayBuffer(1024) })],
    ['a number', () => 42],
    ['a string', () => 'abc'],
  ];
  for (const [what, make] of fakes) {
    test(`${what}: no engine error, counted in rejected, PoolError in debug mode`, () => {
      const pool = new BytesPool({ minSize: 64, maxSize: 4096 });
      assert.doesNotThrow(() => pool.put(make() as Uint8Array));
      const r = pool.stats().rejected;
      assert.equal(r.notUint8Array + r.notOwner, 1);
      assert.equal(pool.stats().classes.reduce((s, c) => s + c.puts, 0), 0);
      const strict = new BytesPool({ minSize: 64, maxSize: 4096, debug: true, name: 'strict' });
      assert.throws(() => strict.put(make() as Uint8Array), (e: unknown) => e instanceof PoolError && e.pool === 'strict');
    });
  }
});

describe('a size the runtime cannot allocate', () => {
  for (const n of [2 ** 40, 2 ** 53 - 1]) {
    test(`get(${n}) and getBuffer(${n}): the library's RangeError, nothing counted`, () => {
      const pool = new BytesPool({ minSize: 64, maxSize: 4096, name: 'frames' });
      assert.throws(() => pool.get(n), (e: unknown) => e instanceof RangeError && /^frames: cannot allocate a buffer of/.test((e as Error).message));
      assert.throws(() => pool.getBuffer(n), (e: unknown) => e instanceof RangeError && /^frames: cannot allocate a buffer of/.test((e as Error).message));
      assert.equal(pool.stats().oversize, 0);
    });
  }
  test('an oversize request that can be served is counted', () => {
    const pool = new BytesPool({ minSize: 64, maxSize: 4096 });
    assert.equal(pool.get(5000).length, 5000);
    assert.equal(pool.stats().oversize, 1);
  });
});
