// SharedPool's observer (observer.ts): the events of a run, replayed, rebuild every local's
// private slot, its ring's slots and 16-bit head and tail counters, and the arena's bump
// counter, and what they rebuild is what census() and stats() read from the buffer. Several
// attachments in one thread are several locals, so one event stream per attachment interleaves
// in program order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedPool, type BlockId, type SharedPoolEvent } from '../src/index.js';
import type { Layout } from '../src/shared-layout.js';
import { ownerIndex, ownerWord } from '../src/shared-local.js';

interface Ring { head: number; tail: number; slots: Map<number, number> }

/** The pool as the events say it is. Throws on an event that contradicts the ones before it. */
class Replay {
  readonly privates = new Map<number, number>();
  readonly rings = new Map<number, Ring>();
  arenaNext = 0;
  readonly gets = { private: 0, head: 0, steal: 0, arena: 0, none: 0 };
  ownPuts = 0;

  ring(local: number): Ring {
    let ring = this.rings.get(local);
    if (ring === undefined) this.rings.set(local, ring = { head: 0, tail: 0, slots: new Map() });
    return ring;
  }

  apply(event: SharedPoolEvent): void {
    switch (event.kind) {
      case 'get': {
        this.gets[event.source]++;
        if (event.source === 'private') {
          assert.equal(this.privates.get(event.local), event.block, 'a private get takes the private block');
          this.privates.delete(event.local);
        } else if (event.source === 'head') {
          const ring = this.ring(event.local);
          ring.head = (ring.head - 1) & 0xffff;
          assert.equal(ring.slots.get(ring.head), event.block, 'a head get takes the newest block');
          ring.slots.delete(ring.head);
        } else if (event.source === 'steal') {
          assert.ok(event.from !== undefined && event.from !== event.local, 'a steal names another local');
          const ring = this.ring(event.from);
          assert.equal(ring.slots.get(ring.tail), event.block, 'a steal takes the oldest block');
          ring.slots.delete(ring.tail);
          ring.tail = (ring.tail + 1) & 0xffff;
        } else if (event.source === 'arena') {
          assert.equal(event.block, this.arenaNext++, 'the arena hands out its next block');
        } else {
          assert.equal(event.block, -1);
        }
        return;
      }
      case 'put': {
        if (event.to === 'private') {
          assert.ok(!this.privates.has(event.local), 'a private put finds the slot empty');
          this.privates.set(event.local, event.block);
        } else {
          // detach and reclaim move the private block to the ring head with a put event: the
          // one block that a put to the head can find in the private slot.
          if (this.privates.get(event.local) === event.block) this.privates.delete(event.local);
          const ring = this.ring(event.local);
          ring.slots.set(ring.head, event.block);
          ring.head = (ring.head + 1) & 0xffff;
        }
        return;
      }
      default:
        return;
    }
  }

  /** census().pooled's order: private slots by local, then each ring tail to head. */
  pooled(maxLocals: number): number[] {
    const out: number[] = [];
    for (let id = 0; id < maxLocals; id++) if (this.privates.has(id)) out.push(this.privates.get(id)!);
    for (let id = 0; id < maxLocals; id++) {
      const ring = this.ring(id);
      for (let c = ring.tail; c !== ring.head; c = (c + 1) & 0xffff) out.push(ring.slots.get(c)!);
    }
    return out;
  }
}

/** A small deterministic generator (mulberry32), so that a failure repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

for (const debug of [false, true]) {
  test(`observer (debug ${debug}): replayed events rebuild private slots, rings and arena as census() and stats() read them`, () => {
    const maxLocals = 4;
    const blocks = 24;
    const creator = SharedPool.create({ blockSize: 16, blocks, maxLocals, debug });
    const replay = new Replay();
    const events: SharedPoolEvent[] = [];
    const record = (event: SharedPoolEvent) => {
      events.push(event);
      replay.apply(event);
    };
    creator.observe(record);
    const live: SharedPool[] = [creator];
    const held: number[] = [];
    const next = random(debug ? 7 : 19);
    let reclaims = 0;
    let putCalls = 0;
    let attaches = 0;
    for (let step = 0; step < 4000; step++) {
      const r = next();
      const pool = live[Math.floor(next() * live.length)]!;
      if (r < 0.45) {
        const id = pool.get();
        if (id >= 0) held.push(id);
      } else if (r < 0.9 && held.length > 0) {
        const before = events.length;
        pool.put((held.splice(Math.floor(next() * held.length), 1)[0]!) as BlockId);
        assert.deepEqual(events.slice(before).map((e) => e.kind), ['put'], 'one put, one event');
        putCalls++;
      } else if (r < 0.94 && live.length < maxLocals) {
        const attached = SharedPool.attach(creator.buffer);
        attached.observe(record);
        record({ kind: 'attach', local: attached.localId, generation: attached.generation });
        attaches++;
        live.push(attached);
      } else if (r < 0.97 && live.length > 1 && pool !== creator) {
        const before = events.length;
        pool.detach();
        assert.match(events.slice(before).map((e) => e.kind).join(), /^(put,)?detach$/, 'detach: its private block\'s move, then detach');
        live.splice(live.indexOf(pool), 1);
      } else if (live.length > 1 && pool !== creator) {
        // The "dead" thread's blocks are given back by the test, as if another thread had them.
        const before = events.length;
        const result = creator.reclaim(pool.localId, pool.generation);
        assert.match(events.slice(before).map((e) => e.kind).join(), /^(put,)?reclaim$/, 'reclaim: the private block\'s move, then reclaim');
        assert.equal(result.lost, 0, 'nothing in flight, nothing lost');
        reclaims++;
        live.splice(live.indexOf(pool), 1);
      }
    }
    assert.ok(attaches > 5 && reclaims > 2, `the run attached (${attaches}) and reclaimed (${reclaims})`);
    assert.ok(replay.gets.steal > 0 && replay.gets.head > 0 && replay.gets.none > 0, `every source seen: ${JSON.stringify(replay.gets)}`);
    const census = creator.census();
    assert.deepEqual(census.pooled, replay.pooled(maxLocals), 'pooled blocks and their order');
    assert.equal(census.neverHandedOut, blocks - replay.arenaNext);
    assert.equal(census.outstanding, held.length, 'every block the test holds, and no other, is outstanding');
    const stats = creator.stats();
    assert.deepEqual(
      [stats.privateHits, stats.ringHits, stats.steals, stats.fresh, stats.exhausted],
      [replay.gets.private, replay.gets.head, replay.gets.steal, replay.gets.arena, replay.gets.none],
    );
    assert.equal(stats.puts, putCalls, 'stats().puts counts put() calls (not the moves of detach and reclaim)');
    const reclaimEvents = events.filter((e) => e.kind === 'reclaim');
    assert.equal(reclaimEvents.length, reclaims);
    for (const e of reclaimEvents) assert.ok(e.kind === 'reclaim' && e.local === creator.localId && e.recovered >= 0);
  });
}

test('observer: observe(undefined) removes the observed twins, so the prototype\'s get and put run again', () => {
  const pool = SharedPool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
  const events: SharedPoolEvent[] = [];
  assert.ok(!Object.hasOwn(pool, 'get') && !Object.hasOwn(pool, 'put'), 'unobserved: no own get or put');
  pool.observe((e) => events.push(e));
  assert.ok(Object.hasOwn(pool, 'get') && Object.hasOwn(pool, 'put'));
  pool.put(pool.get());
  pool.observe(undefined);
  assert.ok(!Object.hasOwn(pool, 'get') && !Object.hasOwn(pool, 'put') && !Object.hasOwn(pool, 'detach') && !Object.hasOwn(pool, 'reclaim'));
  assert.equal(pool.get, SharedPool.prototype.get);
  pool.put(pool.get());
  assert.deepEqual(events, [
    { kind: 'get', local: 0, source: 'arena', block: 0 },
    { kind: 'put', local: 0, to: 'private', block: 0 },
  ]);
  assert.throws(() => pool.observe(42 as unknown as undefined), TypeError);
});

test('observer: one that throws leaves the operation done and the error reaches the caller', () => {
  const pool = SharedPool.create({ blockSize: 16, blocks: 4, maxLocals: 2 });
  pool.observe(() => { throw new Error('observer failed'); });
  assert.throws(() => pool.get(), /observer failed/);
  pool.observe(undefined);
  assert.equal(pool.census().neverHandedOut, 3, 'the get took its block before the observer threw');
});

test('SharedPool: reclaimThread reports a reclaim event for each local it reclaimed, and reclaims them all even if the observer throws', () => {
  for (const throws of [false, true]) {
    const creator = SharedPool.create({ blockSize: 16, blocks: 8, maxLocals: 3 });
    const layout = (creator as unknown as { layout: Layout }).layout;
    const words = new Int32Array(creator.buffer, 0, layout.arenaAt >>> 2);
    const workers = [SharedPool.attach(creator.buffer, creator.reserve()), SharedPool.attach(creator.buffer, creator.reserve())];
    for (const worker of workers) {
      worker.put(worker.get());
      // As if a thread with id 7 had attached it plainly (one thread here: its own id is 0).
      words[ownerIndex(layout, worker.localId)] = ownerWord(8, worker.generation);
    }
    const events: SharedPoolEvent[] = [];
    creator.observe((event) => {
      events.push(event);
      if (throws && event.kind === 'reclaim') throw new Error('observer failed');
    });
    if (throws) assert.throws(() => creator.reclaimThread(7), /observer failed/);
    else assert.deepEqual(creator.reclaimThread(7), { reclaimed: true, recovered: 2, lost: 0 });
    assert.equal(creator.census().outstanding, 0, 'both locals were reclaimed');
    assert.deepEqual(creator.reclaimThread(7), { reclaimed: false, recovered: 0, lost: 0 });
    const reclaims = events.filter((e) => e.kind === 'reclaim').map((e) => e.kind === 'reclaim' && e.target);
    assert.deepEqual(reclaims, throws ? [workers[0]!.localId] : workers.map((w) => w.localId), 'one reclaim event per local, after all of them');
  }
});
