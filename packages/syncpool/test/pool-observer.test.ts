// Pool.observe: the events of random runs, replayed by a consumer that knows nothing but the
// events, rebuild the pool's contents and give the same counts as stats(); observing leaves the
// prototype's get/put untouched and observe(undefined) removes every trace from the instance.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { Pool, poolCleanup, setCleanupMode, type PoolEvent, type PoolStats } from '../src/index.js';

before(() => setCleanupMode('manual'));

interface Item {
  readonly id: number;
}

/**
 * What a consumer of the events alone can rebuild: the primary private slot and stack, the
 * victim's private slot and stack (oldest first), and every counter of stats(). It checks each
 * event against the contents it has rebuilt and throws when they disagree.
 */
class Replay {
  private = undefined as unknown;
  stack: unknown[] = [];
  victimPrivate = undefined as unknown;
  victim: unknown[] = [];
  counts = { gets: 0, puts: 0, privateHits: 0, stackHits: 0, victimHits: 0, news: 0, misses: 0, dropped: 0, debugDrops: 0, cleanups: 0 };

  apply(e: PoolEvent<unknown>): void {
    const c = this.counts;
    switch (e.kind) {
      case 'get': {
        c.gets++;
        const expected =
          e.source === 'private' ? this.private
          : e.source === 'shared' ? this.stack.at(-1)
          : e.source === 'victim-private' ? this.victimPrivate
          : e.source === 'victim-shared' ? this.victim[0]
          : undefined;
        if (e.source === 'new') c.news++;
        else if (e.source === 'none') c.misses++;
        else if (expected === undefined) throw new Error(`get from ${e.source}, which the replay holds empty`);
        if (e.source !== 'new' && e.item !== expected) throw new Error(`get from ${e.source} returned another item than the replay holds there`);
        if (e.source === 'private') { this.private = undefined; c.privateHits++; }
        if (e.source === 'shared') { this.stack.pop(); c.stackHits++; }
        if (e.source === 'victim-private') { this.victimPrivate = undefined; c.victimHits++; }
        if (e.source === 'victim-shared') { this.victim.shift(); c.victimHits++; }
        return;
      }
      case 'put':
        if (e.to === 'ignored') return;
        if (e.to === 'dropped') { c.debugDrops++; return; }
        c.puts++;
        if (e.to === 'private') {
          if (this.private !== undefined) throw new Error('put to a private slot that the replay holds full');
          this.private = e.item;
        } else {
          if (this.private === undefined) throw new Error('put to the stack while the replay holds the private slot empty');
          this.stack.push(e.item);
        }
        return;
      case 'cleanup': {
        c.cleanups++;
        const victimSize = (this.victimPrivate === undefined ? 0 : 1) + this.victim.length;
        const primarySize = (this.private === undefined ? 0 : 1) + this.stack.length;
        if (e.toVictim !== primarySize) throw new Error(`cleanup moved ${e.toVictim} to the victim; the replay holds ${primarySize}`);
        // With victim: false the moved items are released in the same cleanup.
        if (e.released !== victimSize && e.released !== victimSize + primarySize) throw new Error(`cleanup released ${e.released}; the replay's victim holds ${victimSize}`);
        c.dropped += e.released;
        if (e.released === victimSize + primarySize && primarySize > 0) {
          this.victimPrivate = undefined;
          this.victim = [];
        } else {
          this.victimPrivate = this.private;
          this.victim = this.stack;
        }
        this.private = undefined;
        this.stack = [];
        return;
      }
      case 'release':
        throw new Error(`unexpected release event (${e.reason}) from a pool with no release options`);
    }
  }

  stats(): Omit<PoolStats, 'cleanups'> & { cleanups: number } {
    return {
      ...this.counts,
      primarySize: (this.private === undefined ? 0 : 1) + this.stack.length,
      victimSize: (this.victimPrivate === undefined ? 0 : 1) + this.victim.length,
    };
  }
}

type Op = { op: 'get' } | { op: 'putNew' } | { op: 'putBack'; index: number } | { op: 'putNull' } | { op: 'cleanup' };

const ops = fc.array(
  fc.oneof(
    fc.constant<Op>({ op: 'get' }),
    fc.constant<Op>({ op: 'putNew' }),
    fc.nat(20).map<Op>((index) => ({ op: 'putBack', index })),
    fc.constant<Op>({ op: 'putNull' }),
    fc.constant<Op>({ op: 'cleanup' }),
  ),
  { maxLength: 120 },
);

test('replaying the events of a random run gives stats() and the items each get returned', () => {
  fc.assert(
    fc.property(ops, fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (run, hasNew, debug, victim, withReset) => {
      let ids = 0;
      const pool = new Pool<Item>({
        ...(hasNew ? { new: () => ({ id: ids++ }) } : {}),
        ...(withReset ? { reset: () => {} } : {}),
        debug,
        victim,
      });
      const replay = new Replay();
      const events: PoolEvent<Item>[] = [];
      pool.observe((e) => {
        events.push(e);
        replay.apply(e);
      });
      const held: Item[] = [];
      for (const step of run) {
        const seen = events.length;
        if (step.op === 'get') {
          const x = pool.get();
          assert.equal(events.length, seen + 1);
          assert.equal(events[seen]?.kind === 'get' && events[seen].item, x);
          if (x !== undefined) held.push(x);
        } else if (step.op === 'putNew') {
          pool.put({ id: ids++ });
        } else if (step.op === 'putBack') {
          const [x] = held.splice(step.index % Math.max(held.length, 1), 1);
          if (x !== undefined) pool.put(x);
        } else if (step.op === 'putNull') {
          pool.put(null);
          assert.deepEqual(events.at(-1), { kind: 'put', to: 'ignored', item: null });
        } else {
          poolCleanup();
          assert.equal(events.at(-1)?.kind, 'cleanup');
        }
        assert.deepEqual(replay.stats(), pool.stats());
      }
      pool.observe(undefined);
    }),
    { numRuns: 300 },
  );
});

test('the replay is a checker that can fail: it rejects event streams that disagree with the contents', () => {
  const gallery: [string, PoolEvent<unknown>[]][] = [
    ['a get from an empty private slot', [{ kind: 'get', source: 'private', item: {} }]],
    ['a get that returns another item', [{ kind: 'put', to: 'private', item: { a: 1 } }, { kind: 'get', source: 'private', item: { a: 1 } }]],
    ['a put to a full private slot', [{ kind: 'put', to: 'private', item: 1 }, { kind: 'put', to: 'private', item: 2 }]],
    ['a cleanup that moved fewer items than were held', [{ kind: 'put', to: 'private', item: 1 }, { kind: 'cleanup', toVictim: 0, released: 0 }]],
    ['a cleanup that released items the victim never held', [{ kind: 'cleanup', toVictim: 0, released: 3 }]],
    ['a release from a pool without release options', [{ kind: 'release', reason: 'idle', count: 1 }]],
  ];
  for (const [name, events] of gallery) {
    const replay = new Replay();
    assert.throws(() => { for (const e of events) replay.apply(e); }, Error, name);
  }
});

test('every observed pool hears of every cleanup, also one that moved nothing', () => {
  const a = new Pool<Item>();
  const b = new Pool<Item>();
  const seenA: PoolEvent<Item>[] = [];
  const seenB: PoolEvent<Item>[] = [];
  a.observe((e) => seenA.push(e));
  b.observe((e) => seenB.push(e));
  a.put({ id: 1 });
  a.put({ id: 2 });
  poolCleanup();
  poolCleanup();
  assert.deepEqual(seenA.slice(2), [
    { kind: 'cleanup', toVictim: 2, released: 0 },
    { kind: 'cleanup', toVictim: 0, released: 2 },
  ]);
  assert.deepEqual(seenB, [
    { kind: 'cleanup', toVictim: 0, released: 0 },
    { kind: 'cleanup', toVictim: 0, released: 0 },
  ]);
  a.observe(undefined);
  b.observe(undefined);
});

test('an observer that throws: the operation has happened and the error reaches the caller', () => {
  const pool = new Pool<Item>();
  const other = new Pool<Item>();
  const boom = new Error('observer failed');
  const otherEvents: PoolEvent<Item>[] = [];
  pool.observe(() => { throw boom; });
  other.observe((e) => otherEvents.push(e));
  const x = { id: 1 };
  assert.throws(() => pool.put(x), boom);
  assert.equal(pool.stats().primarySize, 1);
  assert.throws(() => poolCleanup(), boom);
  assert.equal(pool.stats().victimSize, 1, 'the cleanup ran in full');
  assert.deepEqual(otherEvents, [{ kind: 'cleanup', toVictim: 0, released: 0 }], 'the other pool still heard of it');
  assert.throws(() => pool.get(), boom);
  assert.equal(pool.stats().victimSize, 0);
  pool.observe(undefined);
  other.observe(undefined);
});

test('observing installs instance-own get/put only; observe(undefined) removes them', () => {
  const pool = new Pool<Item>({ new: () => ({ id: 0 }) });
  const protoGet = Pool.prototype.get;
  const protoPut = Pool.prototype.put;
  assert.deepEqual(Object.getOwnPropertyNames(pool), []);
  pool.observe(() => {});
  assert.deepEqual(Object.getOwnPropertyNames(pool).sort(), ['get', 'put']);
  assert.notEqual(pool.get, protoGet);
  assert.equal(Pool.prototype.get, protoGet, 'the prototype is never changed');
  assert.equal(Pool.prototype.put, protoPut);
  pool.observe(() => {}); // replacing the observer installs nothing more
  assert.deepEqual(Object.getOwnPropertyNames(pool).sort(), ['get', 'put']);
  pool.observe(undefined);
  assert.deepEqual(Object.getOwnPropertyNames(pool), []);
  assert.equal(pool.get, protoGet);
  assert.equal(pool.put, protoPut);
  pool.observe(undefined); // twice is harmless
});

test('observe rejects a non-function with a TypeError that names the pool', () => {
  const pool = new Pool<Item>({ name: 'frames' });
  assert.throws(() => pool.observe(42 as never), { name: 'TypeError', message: /frames\.observe: observer must be a function or undefined, got number 42/ });
  assert.deepEqual(Object.getOwnPropertyNames(pool), []);
});
