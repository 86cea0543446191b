// Pool's release callback, maxIdle bound and idle timeout. Cleanups are called directly
// (setCleanupMode('manual')) and the idle timer runs on node:test's mock timers, so nothing
// here depends on real time or on when the collector runs.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { Pool, poolCleanup, setCleanupMode, type PoolEvent } from '../src/index.js';

setCleanupMode('manual');

type Item = { id: number; open: boolean };
function items(n: number): Item[] {
  return Array.from({ length: n }, (_, id) => ({ id, open: true }));
}

test('release is called with every item a cleanup drops, at the second cleanup (the victim), once each; none while pooled or taken', () => {
  const released: Item[] = [];
  const pool = new Pool<Item>({ release: (x) => { x.open = false; released.push(x); } });
  const all = items(5);
  for (const x of all) pool.put(x);
  poolCleanup();
  assert.deepEqual(released, [], 'the first cleanup only moves them to the victim');
  const taken = pool.get();
  assert.ok(taken !== undefined);
  poolCleanup();
  assert.deepEqual(new Set(released), new Set(all.filter((x) => x !== taken)));
  assert.equal(released.length, 4);
  assert.equal(taken.open, true);
  assert.equal(pool.stats().dropped, 4);
  poolCleanup();
  assert.equal(released.length, 4, 'nothing twice');
});

test('release with victim: false: every cleanup drops the primaries and releases them', () => {
  const released: number[] = [];
  const pool = new Pool<Item>({ victim: false, release: (x) => released.push(x.id) });
  for (const x of items(3)) pool.put(x);
  poolCleanup();
  assert.deepEqual(released.sort(), [0, 1, 2]);
});

test('a release that throws does not stop the cleanup: every item is dropped and released, other pools too, and the first error is rethrown at the end', () => {
  const released: number[] = [];
  const failing = new Pool<Item>({ release: (x) => { released.push(x.id); throw new Error(`release ${x.id} failed`); } });
  const other = new Pool<Item>({ release: (x) => released.push(100 + x.id) });
  for (const x of items(3)) failing.put(x);
  other.put({ id: 0, open: true });
  poolCleanup();
  assert.throws(() => poolCleanup(), /release \d failed/);
  assert.deepEqual(released.sort((a, b) => a - b), [0, 1, 2, 100]);
  assert.equal(failing.stats().victimSize + failing.stats().primarySize, 0);
  poolCleanup(); // the failure was reported once
});

test('maxIdle: a put that finds the pool holding maxIdle items (primary and victim) drops and releases its item; stats().refused counts it; the observer hears "release"', () => {
  const released: number[] = [];
  const events: PoolEvent<Item>[] = [];
  const pool = new Pool<Item>({ maxIdle: 2, release: (x) => released.push(x.id) });
  pool.observe((e) => events.push(e));
  const all = items(4);
  pool.put(all[0]);
  pool.put(all[1]);
  pool.put(all[2]);
  assert.deepEqual(released, [2]);
  poolCleanup(); // both become victims, which still count
  pool.put(all[3]);
  assert.deepEqual(released, [2, 3]);
  const stats = pool.stats();
  assert.equal(stats.refused, 2);
  assert.equal(stats.puts, 2);
  assert.equal(stats.primarySize + stats.victimSize, 2);
  assert.deepEqual(events.filter((e) => e.kind === 'release'), [
    { kind: 'release', reason: 'maxIdle', count: 1 }, { kind: 'release', reason: 'maxIdle', count: 1 },
  ]);
  assert.deepEqual(events.filter((e) => e.kind === 'put').map((e) => e.kind === 'put' && e.to), ['private', 'shared', 'dropped', 'dropped']);
  pool.observe(undefined);
  const none = new Pool<Item>({ maxIdle: 0 });
  none.put(all[0]);
  assert.equal(none.stats().primarySize, 0);
  assert.equal(none.stats().refused, 1);
});

test('a release that throws during a put reaches the caller; the item is not pooled', () => {
  const pool = new Pool<Item>({ maxIdle: 0, release: () => { throw new Error('cannot close'); } });
  assert.throws(() => pool.put({ id: 0, open: true }), /cannot close/);
  assert.equal(pool.stats().primarySize, 0);
});

test('debug mode\'s dropped puts are released', () => {
  let released = 0;
  const pool = new Pool<Item>({ debug: true, release: () => { released++; } });
  for (const x of items(400)) pool.put(x);
  const { debugDrops, puts } = pool.stats();
  assert.equal(released, debugDrops);
  assert.equal(puts + debugDrops, 400);
  assert.ok(debugDrops > 0, 'with 400 puts, some are dropped (probability of none: 0.75^400)');
});

test('idleTimeoutMs: with no GC at all, the pool releases an item unused for two of its cycles; an item in use survives; the timer stops when the pool is empty', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const released: number[] = [];
  const events: PoolEvent<Item>[] = [];
  const pool = new Pool<Item>({ idleTimeoutMs: 1000, release: (x) => released.push(x.id) });
  pool.observe((e) => events.push(e));
  const [a, b] = items(2) as [Item, Item];
  pool.put(a);
  pool.put(b);
  t.mock.timers.tick(999);
  assert.equal(pool.stats().primarySize, 2, 'nothing before the first cycle');
  t.mock.timers.tick(1);
  assert.deepEqual(pool.stats().victimSize, 2, 'first cycle: both become victims');
  assert.equal(pool.get(), a, 'a taken from the victim ...');
  pool.put(a); // ... and put back: primary again
  t.mock.timers.tick(1000);
  assert.deepEqual(released, [b.id], 'second cycle: b, unused for two cycles, is released');
  assert.equal(pool.stats().victimSize, 1);
  t.mock.timers.tick(1000);
  assert.deepEqual(released, [b.id, a.id]);
  assert.equal(pool.stats().victimSize + pool.stats().primarySize, 0);
  assert.equal(pool.stats().dropped, 2);
  assert.deepEqual(events.filter((e) => e.kind === 'release').map((e) => e.kind === 'release' && e.count), [0, 1, 1]);
  t.mock.timers.tick(10_000);
  assert.equal(events.filter((e) => e.kind === 'release').length, 3, 'an empty pool has no timer');
  pool.put(a);
  t.mock.timers.tick(1000);
  assert.equal(pool.stats().victimSize, 1, 'a put arms it again');
  t.mock.timers.tick(1000);
  assert.deepEqual(released, [b.id, a.id, a.id]);
  pool.observe(undefined);
});

test('idleTimeoutMs mixed with GC cleanups: each item is released once, after two cycles of either kind', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const released: number[] = [];
  const pool = new Pool<Item>({ idleTimeoutMs: 100, release: (x) => released.push(x.id) });
  const all = items(3);
  pool.put(all[0]);
  t.mock.timers.tick(100); // idle cycle: 0 to the victim
  pool.put(all[1]);
  poolCleanup(); // GC cycle: 0 released, 1 to the victim
  assert.deepEqual(released, [0]);
  pool.put(all[2]);
  t.mock.timers.tick(100); // idle cycle: 1 released, 2 to the victim
  assert.deepEqual(released, [0, 1]);
  poolCleanup(); // 2 released
  assert.deepEqual(released, [0, 1, 2]);
  const stats = pool.stats();
  assert.equal(stats.dropped, 3);
  assert.equal(stats.primarySize + stats.victimSize, 0);
  assert.equal(stats.gets, 0);
});

test('bad release / maxIdle / idleTimeoutMs options are typed errors', () => {
  assert.throws(() => new Pool({ release: 1 as never }), TypeError);
  for (const bad of [1.5, '3', Number.NaN]) {
    assert.throws(() => new Pool({ maxIdle: bad as number }), TypeError);
    assert.throws(() => new Pool({ idleTimeoutMs: bad as number }), TypeError);
  }
  assert.throws(() => new Pool({ maxIdle: -1 }), RangeError);
  assert.throws(() => new Pool({ idleTimeoutMs: 0 }), RangeError);
  assert.throws(() => new Pool({ idleTimeoutMs: 2 ** 31 }), RangeError);
});

test('without the options nothing changes: no timer, no bound, put stays direct (Go\'s semantics)', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const pool = new Pool<Item>();
  for (const x of items(1000)) pool.put(x);
  t.mock.timers.tick(1e9);
  assert.equal(pool.stats().primarySize, 1000);
  assert.equal(pool.stats().refused, 0);
  poolCleanup();
  poolCleanup();
});
