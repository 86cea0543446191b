// Debug mode: double-put detection and Go race mode's random drops.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Pool, PoolError, poolCleanup, setCleanupMode } from '../src/index.js';
import { withoutRandomDrops } from './support/without-drops.js';

before(() => setCleanupMode('manual'));

// Puts x with debug mode's random drop switched off, so that x is certainly kept.
function putKept(pool: Pool<object, object | undefined>, x: object): void {
  withoutRandomDrops(() => pool.put(x));
}

test('a second put of the same object without a get throws PoolError naming the pool', () => {
  const pool = new Pool<object>({ debug: true, name: 'frames' });
  const x = {};
  putKept(pool, x);
  const before = pool.stats();
  assert.throws(
    () => pool.put(x),
    (e: unknown) => e instanceof PoolError && e.pool === 'frames' && /frames: put of an object that is already in the pool/.test(e.message),
  );
  assert.deepEqual(pool.stats(), before, 'the failed put leaves the pool unchanged');
  assert.equal(pool.get(), x);
  pool.put(x); // legal again after the get (kept or dropped)
});

test('every double put is caught: 1000 of 1000, also when the first put was the random drop', () => {
  const pool = new Pool<object>({ debug: true });
  let caught = 0;
  let firstDropped = 0;
  for (let i = 0; i < 1000; i++) {
    const x = {};
    const drops = pool.stats().debugDrops;
    pool.put(x);
    if (pool.stats().debugDrops > drops) firstDropped++;
    try {
      pool.put(x);
    } catch (e) {
      if (e instanceof PoolError) caught++;
    }
    if (pool.stats().primarySize > 0) assert.equal(pool.get(), x);
  }
  assert.equal(caught, 1000);
  assert.ok(firstDropped > 100, `the random drop was the first put ${firstDropped} times`);
});

test('a put of the same object from inside reset is caught, and the outer put still pools it once', () => {
  let inner: unknown;
  const pool: Pool<object, object | undefined> = new Pool<object>({
    debug: true,
    reset: (x) => {
      try {
        pool.put(x);
      } catch (e) {
        inner = e;
      }
    },
  });
  let caught = 0;
  for (let i = 0; i < 100; i++) {
    inner = undefined;
    pool.put({});
    if (inner instanceof PoolError) caught++;
    while (pool.get() !== undefined);
  }
  assert.equal(caught, 100);
});

test('a reset that throws leaves the object not put: putting it again is legal', () => {
  let fail = true;
  const pool = new Pool<object>({
    debug: true,
    reset: () => {
      if (fail) throw new Error('reset failed');
    },
  });
  const x = {};
  assert.throws(() => pool.put(x), /reset failed/);
  fail = false;
  assert.doesNotThrow(() => putKept(pool, x));
  assert.equal(pool.get(), x);
});

test('double put is detected while the object sits in the victim, and forgotten once released', () => {
  const pool = new Pool<object>({ debug: true });
  const x = {};
  putKept(pool, x);
  poolCleanup();
  assert.throws(() => pool.put(x), PoolError);
  poolCleanup(); // releases x
  assert.doesNotThrow(() => pool.put(x));
});

test('about 1 put in 4 is dropped in debug mode', () => {
  const pool = new Pool<object>({ debug: true });
  const puts = 20_000;
  for (let i = 0; i < puts; i++) {
    pool.put({});
    pool.get();
  }
  const rate = pool.stats().debugDrops / puts;
  // Binomial(20000, 0.25): standard deviation 0.0031, so +-0.02 is more than 6 sigma.
  assert.ok(Math.abs(rate - 0.25) < 0.02, `drop rate ${rate}`);
  assert.equal(pool.stats().puts + pool.stats().debugDrops, puts);
});

test('debug off drops nothing and allows double puts, as Go does', () => {
  const pool = new Pool<object>({ debug: false });
  const x = {};
  for (let i = 0; i < 10_000; i++) pool.put(x);
  assert.deepEqual([pool.stats().puts, pool.stats().debugDrops, pool.stats().primarySize], [10_000, 0, 10_000]);
});

test('primitives are not tracked: equal values may be pooled twice', () => {
  const pool = new Pool<number>({ debug: true });
  for (let i = 0; i < 50; i++) pool.put(7);
  assert.ok(pool.stats().puts > 0);
});

test('SYNCPOOL_DEBUG=1 turns debug mode on by default', () => {
  const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const script = `
    const { Pool } = await import(${JSON.stringify(index)});
    const pool = new Pool();
    const x = {};
    pool.put(x);
    try { pool.put(x); console.log('no error'); } catch (e) { console.log(e.name); }
  `;
  const run = (debug: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, SYNCPOOL_DEBUG: debug },
      encoding: 'utf8',
    }).stdout.trim();
  assert.equal(run('1'), 'PoolError');
  assert.equal(run(''), 'no error');
});
