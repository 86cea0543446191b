// Pool semantics, point by point against Go's pool.go, and ports of Go's pool_test.go.
// Cleanups here are explicit poolCleanup() calls in manual mode, so no GC can interfere;
// gc-trigger.test.ts covers cleanups driven by real garbage collections.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Pool, PoolError, poolCleanup, setCleanupMode } from '../src/index.js';

before(() => setCleanupMode('manual'));

describe('Go pool_test.go ports', () => {
  test('TestPool: private, then shared, then empty; victim keeps items one cleanup', () => {
    const p = new Pool<string>();
    assert.equal(p.get(), undefined);
    p.put('a');
    p.put('b');
    assert.equal(p.get(), 'a'); // private slot first
    assert.equal(p.get(), 'b'); // then the stack
    assert.equal(p.get(), undefined);

    for (let i = 0; i < 100; i++) p.put('c');
    poolCleanup(); // one cleanup: everything moves to the victim
    assert.equal(p.get(), 'c');
    poolCleanup();
    poolCleanup(); // two more: the rest is released
    assert.equal(p.get(), undefined);
  });

  test('TestPoolNew: new is called on misses only', () => {
    let i = 0;
    const p = new Pool({ new: () => ++i });
    assert.equal(p.get(), 1);
    assert.equal(p.get(), 2);
    p.put(42);
    assert.equal(p.get(), 42);
    assert.equal(p.get(), 3);
  });

  test('TestPoolStress: 10 interleaved loops x 1e6 put/get, every value valid', () => {
    const p = new Pool<number>();
    const loops = 10;
    const held: (number | undefined)[] = new Array(loops).fill(0);
    let invalid = 0;
    for (let j = 0; j < 1e6; j++) {
      for (let g = 0; g < loops; g++) {
        p.put(held[g] ?? 0);
        const v = p.get();
        if (v !== undefined && v !== 0) invalid++;
        held[g] = v;
      }
      if (j % 100_000 === 0) poolCleanup();
    }
    assert.equal(invalid, 0);
  });
});

describe('get order', () => {
  test('private, stack LIFO, victim private, victim oldest first, then new', () => {
    let made = 0;
    const p = new Pool<string>({ new: () => `new${++made}` });
    for (const x of ['v1', 'v2', 'v3', 'v4']) p.put(x); // private v1, stack v2 v3 v4
    poolCleanup();
    for (const x of ['p1', 'p2', 'p3']) p.put(x); // private p1, stack p2 p3
    const order = Array.from({ length: 9 }, () => p.get());
    assert.deepEqual(order, ['p1', 'p3', 'p2', 'v1', 'v2', 'v3', 'v4', 'new1', 'new2']);
  });

  test('an item taken from the victim and put back is primary again', () => {
    const p = new Pool<object>();
    const x = {};
    p.put(x);
    poolCleanup();
    assert.equal(p.stats().victimSize, 1);
    p.put(p.get());
    assert.deepEqual([p.stats().primarySize, p.stats().victimSize], [1, 0]);
    poolCleanup();
    poolCleanup(); // had it stayed in the victim, this second cleanup would release it
    assert.equal(p.get(), undefined, 'released after two cleanups without a get');
    p.put(x);
    poolCleanup();
    assert.equal(p.get(), x);
  });

  test('victim: false releases everything at each cleanup, as Go before 1.13', () => {
    const p = new Pool<number>({ victim: false });
    p.put(1);
    p.put(2);
    poolCleanup();
    assert.equal(p.get(), undefined);
    assert.equal(p.stats().dropped, 2);
  });
});

describe('put', () => {
  test('null and undefined are ignored, as Go ignores nil', () => {
    const p = new Pool<object | null | undefined>();
    p.put(null);
    p.put(undefined);
    assert.equal(p.get(), undefined);
    assert.equal(p.stats().puts, 0);
  });

  test('reset runs before the item is pooled', () => {
    const p = new Pool<number[]>({ reset: (a) => { a.length = 0; } });
    const a = [1, 2, 3];
    p.put(a);
    assert.equal(p.get(), a);
    assert.deepEqual(a, []);
  });

  test('a throwing reset pools nothing and propagates', () => {
    const boom = new Error('reset failed');
    const p = new Pool<number>({ reset: (x) => { if (x === 2) throw boom; } });
    p.put(1);
    assert.throws(() => p.put(2), (e) => e === boom);
    assert.deepEqual(p.stats().puts, 1);
    assert.equal(p.get(), 1);
    assert.equal(p.get(), undefined);
  });
});

describe('new', () => {
  test('a throwing new propagates from get and leaves the pool unchanged', () => {
    let fail = true;
    const p = new Pool<string>({ new: () => { if (fail) throw new Error('no memory'); return 'fresh'; } });
    assert.throws(() => p.get(), /no memory/);
    const after = p.stats();
    assert.deepEqual([after.gets, after.news, after.primarySize], [0, 0, 0]);
    fail = false;
    assert.equal(p.get(), 'fresh');
  });

  test('get returns whatever new returns, once per miss', () => {
    const p = new Pool({ new: () => ({ fresh: true }) });
    const a = p.get();
    const b = p.get();
    assert.notEqual(a, b);
    assert.equal(p.stats().news, 2);
  });
});

describe('stats', () => {
  test('counts each path and derives gets', () => {
    const p = new Pool({ new: () => ({}) });
    const [x, y, z] = [p.get(), p.get(), p.get()]; // 3 news
    p.put(x); // private
    p.put(y); // stack
    p.put(z); // stack
    p.get(); // private hit
    p.get(); // stack hit
    poolCleanup(); // z to the victim
    p.get(); // victim hit
    p.get(); // new
    const s = p.stats();
    assert.deepEqual(
      { gets: s.gets, puts: s.puts, privateHits: s.privateHits, stackHits: s.stackHits, victimHits: s.victimHits, news: s.news, misses: s.misses },
      { gets: 7, puts: 3, privateHits: 1, stackHits: 1, victimHits: 1, news: 4, misses: 0 },
    );
    assert.equal(s.cleanups, 1);
  });

  test('dropped counts items released by cleanups', () => {
    const p = new Pool<number>();
    for (let i = 1; i <= 5; i++) p.put(i);
    poolCleanup();
    assert.deepEqual([p.stats().primarySize, p.stats().victimSize, p.stats().dropped], [0, 5, 0]);
    poolCleanup();
    assert.deepEqual([p.stats().victimSize, p.stats().dropped], [0, 5]);
    assert.equal(new Pool<number>().get(), undefined);
  });
});

describe('bad options', () => {
  const cases: [string, unknown, RegExp][] = [
    ['new not a function', { new: 42 }, /options\.new must be a function/],
    ['reset not a function', { reset: 'x' }, /options\.reset must be a function/],
    ['debug not a boolean', { debug: 1 }, /options\.debug must be a boolean/],
    ['name not a string', { name: 7 }, /options\.name must be a string/],
    ['victim not a boolean', { victim: 'no' }, /options\.victim must be a boolean/],
    ['options not an object', 5, /options must be an object/],
    ['options null', null, /options must be an object/],
  ];
  for (const [title, options, message] of cases) {
    test(title, () => {
      assert.throws(() => new Pool(options as never), (e: unknown) => e instanceof TypeError && message.test(e.message));
    });
  }
  test('setCleanupMode rejects unknown modes', () => {
    assert.throws(() => setCleanupMode('sometimes' as never), TypeError);
  });
});

describe('types', () => {
  test('get() is T with new and T | undefined without', () => {
    const withNew = new Pool({ new: () => new Uint8Array(8) });
    const bytes: Uint8Array = withNew.get();
    const without = new Pool<Uint8Array>();
    // @ts-expect-error get() may return undefined when the pool has no `new`
    const maybe: Uint8Array = without.get();
    assert.equal(bytes.byteLength, 8);
    assert.equal(maybe, undefined);
    assert.ok(withNew instanceof Pool);
    assert.ok(new PoolError('p', 'm') instanceof Error);
  });
});
