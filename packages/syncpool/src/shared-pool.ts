// Go's sync.Pool (src/sync/pool.go) across worker_threads: the per-P design over one
// SharedArrayBuffer, pooling the blocks of a fixed arena. Each attached thread is a P.
//
// Per local, as Go's poolLocal: a private slot that only its thread touches (plain loads and
// stores: no Atomics, no allocation) and a ring that its thread pushes and pops at the head
// while other threads steal at the tail (PoolDequeue, lock-free).
//
//   get: private -> own ring head (LIFO) -> other locals' ring tails from localId+1, wrapping
//        (Go's getSlow) -> a fresh block from the arena (Go's New) -> -1
//   put: private if empty, else own ring head
//
// There is no victim cache: the blocks are one fixed arena in a SharedArrayBuffer, which the
// garbage collector neither frees nor shrinks, so Go's reason to drop idle items at each GC does
// not apply. A pooled block stays pooled until somebody gets it.
//
// Each local's ring holds as many slots as the arena has blocks (rounded up to a power of two),
// so it can never be full: it would have to hold more distinct blocks than exist. The one way
// pushHead can fail is the "slot still being read" rule (see pool-dequeue.ts): a stealer claimed
// the slot one lap ago and has not handed it back. A live stealer does so within a few
// statements, so put waits for it (counted in stats().waits). But the stealer may have died
// between its claim and its release (worker.terminate() can stop a thread inside any Atomics
// call), or the slot may hold what a producer that died mid-push or mid-popHead left. Every
// stealer announces its claim in its record until it has handed the slot back (shared-local.ts),
// so the producer takes a stranded slot's block back as soon as no attached local announces its
// claim, and a put that has waited waitLimitMs for an attached one gives up with a PoolError
// naming it: if its thread died, reclaim it, and the next put goes through. Go instead chains a
// new ring twice the size, which needs an allocator this fixed buffer does not have.

import { PoolDequeue } from './pool-dequeue.js';
import { PoolError } from './errors.js';
import { SharedAttachment, metadataWords, type BlockId, type ReclaimResult, type Released } from './shared-attachment.js';
import {
  H_RESCUE, KIND_SHARED, R_CLAIM, R_EXHAUSTED, R_FRESH, R_HEAD_TAIL, R_PRIVATE, R_PRIVATE_HITS, R_PUTS, R_RING_HITS, R_STEALS, R_WAITS,
  allocate, layoutFor, readLayout, type Layout, type SharedPoolOptions,
} from './shared-layout.js';
import { CLAIM_ACTIVE, attachLocal, claimHolders, describeLocal, recordWord, type Reservation } from './shared-local.js';
import type { SharedGetSource, SharedPoolEvent, SharedPoolObserver } from './observer.js';
import { wakeWaiters } from './wait.js';

/**
 * Go's sync.Pool across threads: a pool of fixed-size blocks of one SharedArrayBuffer, with a
 * private slot and a lock-free ring per attached thread, and stealing between them.
 *
 * ```ts
 * const pool = SharedPool.create({ blockSize: 4096, blocks: 256, maxLocals: 8 }); // the creator is attached
 * const seat = pool.reserve(); // the worker's local: reclaim(seat.localId, seat.generation) recovers it whatever happens
 * const worker = new Worker(url, { workerData: { buffer: pool.buffer, seat } });
 * worker.on('exit', () => pool.reclaim(seat.localId, seat.generation)); // a no-op if it detached
 * // in the worker:
 * const local = SharedPool.attach(workerData.buffer, workerData.seat);
 * const id = local.get();              // a block id, or -1 when all blocks are out
 * local.bytes(id).set(data);           // fill it; pass `id` to another thread, which may put it
 * local.put(id);
 * local.detach();                      // when the thread is done
 * ```
 *
 * - get(): private slot, own ring head, other rings' tails starting after localId, a fresh
 *   block, -1 (Go's Get order). put(id): private slot if empty, else own ring head.
 * - getWait(timeoutMs) / getAsync(timeoutMs): get(), waiting for a block when none is
 *   available (Atomics.wait / Atomics.waitAsync, wait.ts); lease(timeoutMs) and leaseAsync wrap
 *   them for `using`. Only a put that reaches a ring wakes a waiter, and only when one waits.
 * - A private hit (get or put) uses no Atomics and allocates nothing
 *   (test/shared-pool-fastpath.test.ts reads it from TurboFan's code).
 * - A put never fails for lack of room and never loses a block: every ring has room for the
 *   whole arena. It waits only for a stealer still reading the slot it needs, at most
 *   waitLimitMs (PoolError naming the stealer's local, the pool and the block unchanged).
 * - An attachment belongs to the thread that attached; do not share it between threads. Call
 *   detach() when the thread is done, so that its private block becomes stealable; for a
 *   thread that ended without it (worker.terminate(), an uncaught error), call, from another
 *   attached thread after the worker's 'exit' event, reclaim(seat.localId, seat.generation)
 *   with the reservation it attached by (works everywhere), or reclaimThread(threadId) with
 *   the worker.threadId read when it started, for a worker that attached plainly (Node and
 *   Bun: attach names the local by the thread's id before it takes it). Either recovers the
 *   local whatever step the thread died at, inside attach and before it posted anything too.
 *   A thread may die at any instruction: no other thread then waits for ever, and only the
 *   blocks it held (plus the one its interrupted get or put was moving) are lost; census()
 *   counts them. test/shared-pool-model.test.ts checks this over every interleaving of small
 *   cases.
 * - stats() sums counters over all locals; census() lists where every block is (exact only
 *   while no thread uses the pool).
 * - Limits: blocks <= 16384 (2^14, the ring limit), maxLocals <= 1024, blockSize < 2^31. pad
 *   (default 128, Go's) spaces the per-thread records; pad 0 packs them, for the false-sharing
 *   experiment of seed Task 9.
 * - Errors: TypeError for an id or argument that is not an integer, RangeError for one out of
 *   range, PoolError for a state that forbids the call (detached attachment, a reservation attached twice,
 *   double put in debug mode, a wait past waitLimitMs). Every throw leaves the pool unchanged.
 *   Without debug: true a double put is not detected (it would cost an Atomics per put).
 *
 * Differences from Go, where JavaScript forces them: items are block ids of one fixed arena
 * rather than arbitrary values; the arena plays New (get returns -1 once it is used up); there
 * is no victim cache, because the garbage collector never frees the arena; a thread has to
 * attach, detach or be reclaimed explicitly, where Go's runtime knows its Ps.
 */
/** The methods that observe() replaces on the instance. */
const OBSERVED = ['get', 'put', 'detach', 'reclaim'] as const;
/** The record counter that each kind of get bumps; a get that bumps none returned -1. */
const GET_SOURCES: readonly (readonly [number, SharedGetSource])[] = [
  [R_PRIVATE_HITS, 'private'], [R_RING_HITS, 'head'], [R_STEALS, 'steal'], [R_FRESH, 'arena'],
];

export class SharedPool extends SharedAttachment {
  readonly #privateSlot: number;
  readonly #putsCounter: number;
  readonly #privateHitsCounter: number;
  readonly #ring: PoolDequeue;
  /** Every local's ring, indexed by localId: stealing visits them all. Each announces this thread's claims. */
  readonly #rings: readonly PoolDequeue[];
  /** The local the last steal took from: written on the steal path only, read by the observed get. */
  #stolenFrom = -1;
  /** The rescue counter (H_RESCUE) when this thread last looked for stranded slots in its ring. */
  #rescuesSeen = 0;
  /** Set by observe(): rescue() reports the blocks it puts back to it (the slow path only). */
  #observer: SharedPoolObserver | undefined = undefined;

  /** Allocates a pool and attaches the calling thread to local 0. Throws TypeError/RangeError for bad options. */
  static create(options: SharedPoolOptions): SharedPool {
    const layout = layoutFor(KIND_SHARED, options);
    return SharedPool.#open(allocate(layout), layout);
  }

  /**
   * Attaches the calling thread to a free local of the pool in `buffer`, or to the local of
   * `reservation` (reserve() in the thread that will reclaim this one if it dies). Throws TypeError if
   * `buffer` is not a SharedArrayBuffer, PoolError if it is not a SharedPool of this layout
   * version with a sound header, or if every local is attached. Writes nothing unless it attaches.
   */
  static attach(buffer: SharedArrayBuffer, reservation?: Reservation): SharedPool {
    return SharedPool.#open(buffer, readLayout(KIND_SHARED, buffer), reservation);
  }

  static #open(buffer: SharedArrayBuffer, layout: Layout, reservation?: Reservation): SharedPool {
    const words = metadataWords(buffer, layout);
    const { localId, generation } = attachLocal(words, layout, reservation);
    const Class = layout.debug ? SharedPool.#Debug : SharedPool;
    return new Class(buffer, layout, words, localId, generation);
  }

  /**
   * SharedPool with debug: true: each get hands its block out under a new id, each put takes
   * that handout back (shared-attachment.ts). Declared inside the class, where its private
   * constructor can be extended, so that the declaration file lists no constructor a user could call.
   */
  static readonly #Debug = class DebugSharedPool extends SharedPool {
    override get(): BlockId {
      const block = super.get();
      return (block < 0 ? block : this.handOut(block)) as BlockId;
    }

    override put(id: BlockId): void {
      this.putHandout(id, (block) => super.put(block as BlockId));
    }
  };

  private constructor(buffer: SharedArrayBuffer, layout: Layout, words: Int32Array, localId: number, generation: number) {
    super(buffer, layout, words, localId, generation);
    this.#privateSlot = this.record + R_PRIVATE;
    this.#putsCounter = this.record + R_PUTS;
    this.#privateHitsCounter = this.record + R_PRIVATE_HITS;
    const rings: PoolDequeue[] = [];
    for (let id = 0; id < layout.maxLocals; id++) {
      rings.push(new PoolDequeue(words, layout.ringCapacity, recordWord(layout, id) + R_HEAD_TAIL,
        (layout.regionAt >>> 2) + id * layout.ringCapacity, { word: this.record + R_CLAIM, tag: CLAIM_ACTIVE | (id << 16) }));
    }
    this.#rings = rings;
    this.#ring = rings[localId]!;
  }

  /**
   * A block id, or -1 when nothing is pooled and every block of the arena has been handed out.
   * Order: private slot, own ring head, other locals' ring tails (from localId + 1, wrapping),
   * a never-used block.
   */
  get(): BlockId {
    // The fast path: a private hit. Only this thread writes its private slot and counters while
    // it is attached, so plain loads and stores suffice (Go: "no atomics" after pin).
    const w = this.words;
    const slot = this.#privateSlot;
    const held = w[slot]!;
    if (held !== 0 && this.attached) {
      w[slot] = 0;
      w[this.#privateHitsCounter] = w[this.#privateHitsCounter]! + 1;
      return (held - 1) as BlockId;
    }
    return this.getSlow() as BlockId;
  }

  /** Returns block `id` to the pool: into the private slot if it is empty, else onto the own ring's head. */
  put(id: BlockId): void {
    const w = this.words;
    const slot = this.#privateSlot;
    if (w[slot] === 0 && this.attached && this.isBlockId(id)) {
      w[slot] = id + 1;
      w[this.#putsCounter] = w[this.#putsCounter]! + 1;
      return;
    }
    this.putSlow(id);
  }

  /**
   * Calls `observer` with every operation of this attachment from now on (see observer.ts), or
   * stops calling it (`undefined`). Observing installs observed twins of get, put, detach and
   * reclaim on this instance only: the class's own methods, which every unobserved attachment
   * runs, stay exactly as they are, so an attachment nobody observes pays nothing. The observer
   * runs synchronously on this thread after the operation took effect; if it throws, the
   * operation stays done and the error reaches the caller. A put event with another local's id
   * is a block that this thread, as that ring's producer, took back from a stranded slot and
   * pushed at that ring's head (a put's wait, detach, reclaim). reclaimThread reports a reclaim
   * event for each local it reclaimed.
   */
  observe(observer: SharedPoolObserver | undefined): void {
    this.assertAttached('observe');
    if (observer !== undefined && typeof observer !== 'function') {
      throw new TypeError(`${this.layout.name}.observe: the observer must be a function or undefined`);
    }
    for (const name of OBSERVED) Reflect.deleteProperty(this, name);
    this.#observer = observer;
    if (observer === undefined) return;
    const { get, put, detach, reclaim } = this;
    const w = this.words;
    const r = this.record;
    const local = this.localId;
    const blockOf = (id: number) => (id < 0 ? -1 : this.blockIndex(id));
    const emit = (event: SharedPoolEvent) => observer(event);
    const own = this as { -readonly [K in typeof OBSERVED[number]]: SharedPool[K] };
    own.get = () => {
      const counts = GET_SOURCES.map(([counter]) => w[r + counter]);
      const id = get.call(this);
      const source: SharedGetSource = GET_SOURCES.find(([counter], i) => w[r + counter] !== counts[i])?.[1] ?? 'none';
      emit(source === 'steal' ? { kind: 'get', local, source, block: blockOf(id), from: this.#stolenFrom }
        : { kind: 'get', local, source, block: blockOf(id) });
      return id;
    };
    own.put = (id: BlockId) => {
      const empty = w[this.#privateSlot] === 0;
      put.call(this, id);
      emit({ kind: 'put', local, to: empty ? 'private' : 'head', block: blockOf(id) });
    };
    own.detach = () => {
      detach.call(this);
      emit({ kind: 'detach', local });
    };
    own.reclaim = (localId: number, generation: number) => {
      const result = reclaim.call(this, localId, generation);
      emit({ kind: 'reclaim', local, target: localId, recovered: result.recovered, lost: result.lost });
      return result;
    };
  }

  /** @internal */
  private getSlow(): number {
    this.assertAttached('get');
    this.#rescueAfterReclaim();
    let id = this.#ring.popHead();
    if (id >= 0) {
      this.count(R_RING_HITS);
      return id;
    }
    const rings = this.#rings;
    for (let i = 1; i < rings.length; i++) {
      id = rings[(this.localId + i) % rings.length]!.popTail();
      if (id >= 0) {
        this.count(R_STEALS);
        this.#stolenFrom = (this.localId + i) % rings.length;
        return id;
      }
    }
    id = this.fresh();
    this.count(id >= 0 ? R_FRESH : R_EXHAUSTED);
    return id;
  }

  /** @internal */
  private putSlow(id: number): void {
    this.assertAttached('put');
    if (!this.isBlockId(id)) throw this.badId('put', id);
    this.#rescueAfterReclaim();
    this.#push(this.localId, id);
    wakeWaiters(this.words);
    this.count(R_PUTS);
  }

  /**
   * A thread that died mid-steal may have left a slot of this thread's ring claimed: once it is
   * reclaimed (which bumps H_RESCUE), take such slots back now rather than when the pushes reach
   * them, so that a stranded block returns within one slow get or put of this thread.
   */
  #rescueAfterReclaim(): void {
    const rescues = Atomics.load(this.words, H_RESCUE);
    if (rescues === this.#rescuesSeen) return;
    this.#rescuesSeen = rescues;
    this.#rescue(this.localId);
  }

  /**
   * Pushes `id` onto the head of ring `ringId`, of which this thread is the producer now. Throws
   * only before it publishes. Its callers then wake a thread waiting for a block (wait.ts): the
   * block can be stolen now. (Not in here: release() repairs on any throw from push.)
   */
  #push(ringId: number, id: number): void {
    if (!this.#rings[ringId]!.pushHead(id)) this.#pushSlow(ringId, id);
  }

  /**
   * The head slot is stranded (see the file comment): take its block back if no attached local
   * announces its claim, else wait for the claimant, at most waitLimitMs. No iteration counter:
   * each pass decides from what it reads alone (test/model relies on that to see a pass that
   * read the same as the last one as no progress).
   */
  #pushSlow(ringId: number, id: number): void {
    const ring = this.#rings[ringId]!;
    this.count(R_WAITS);
    const deadline = performance.now() + this.layout.waitLimitMs;
    while (!ring.pushHead(id)) {
      if (ring.length === ring.capacity) {
        // Full is impossible with distinct blocks, so some block was put twice.
        throw new PoolError(this.layout.name, `put(${id}): the ring is full, so a block was put twice; ` +
          'create the pool with debug: true to catch the first double put');
      }
      if (this.#rescue(ringId) === 0 && performance.now() > deadline) {
        const holders = claimHolders(this.words, this.layout, ringId, ring.strandedClaim(0), this.localId);
        const named = holders.map((local) => describeLocal(this.words, this.layout, local)).join(', ');
        throw new PoolError(this.layout.name, `put(${id}): waited ${this.layout.waitLimitMs} ms for ${named || 'a stealer'} to hand ` +
          `back a slot of ring ${ringId}; if that thread died, reclaim(localId, generation) it and put again. The block was not put`);
      }
    }
  }

  /**
   * As the producer of ring `ringId`: puts back the blocks of its stranded slots whose claims no
   * attached local announces, starting at the head, until none is left or the head slot's is
   * announced. Returns how many it put back.
   */
  #rescue(ringId: number): number {
    const ring = this.#rings[ringId]!;
    const held = (k: number) => claimHolders(this.words, this.layout, ringId, ring.strandedClaim(k), this.localId).length > 0;
    let rescued = 0;
    for (let k = 0; k < ring.capacity; k++) {
      const word = ring.stranded(k);
      if (word === 0) continue;
      if (held(k)) {
        if (k === 0) break; // nothing can be pushed before the head slot comes back
        continue;
      }
      const id = ring.retake(k, word);
      // The head slot is free now (k = 0) or was (k > 0), so this push cannot fail.
      if (id >= 0 && !ring.pushHead(id)) throw new Error(`SharedPool: ring ${ringId} refused a block it had room for`);
      if (id >= 0) {
        rescued++;
        this.#observer?.({ kind: 'put', local: ringId, to: 'head', block: id });
      }
      k = -1; // head moved (or the slot changed): look again from the head
    }
    if (rescued > 0) wakeWaiters(this.words);
    return rescued;
  }

  /** Moves the private block of `localId` onto its ring, acting as that ring's producer, after putting back its stranded slots. */
  /** @internal */
  protected override release(localId: number): Released {
    const rescued = this.#rescue(localId);
    const ring = this.#rings[localId]!;
    let stillClaimed = 0;
    for (let k = 0; k < ring.capacity; k++) if (ring.stranded(k) !== 0) stillClaimed++;
    const slot = recordWord(this.layout, localId) + R_PRIVATE;
    const held = this.words[slot]!;
    if (held === 0) return { recovered: rescued, lost: stillClaimed };
    // Clear first: should this thread die before the push, the block is lost, never pooled twice.
    this.words[slot] = 0;
    try {
      this.#push(localId, held - 1);
    } catch (error) {
      // push throws only before it publishes: the block is still ours to put back. (An Atomics
      // store, like every repair on a throw path, so that test/support/kill.ts, which makes a
      // killed thread's every later Atomics call throw, sees a killed thread repair nothing, as
      // a terminated one runs no catch block.)
      Atomics.store(this.words, slot, held);
      throw error;
    }
    wakeWaiters(this.words);
    this.#observer?.({ kind: 'put', local: localId, to: 'head', block: held - 1 });
    return { recovered: rescued + 1, lost: stillClaimed };
  }

  /** @internal */
  protected override reclaimedThreadLocal(localId: number, result: ReclaimResult): void {
    this.#observer?.({ kind: 'reclaim', local: this.localId, target: localId, recovered: result.recovered, lost: result.lost });
  }

  /** @internal */
  protected override collectPooled(out: number[], stranded: number[]): number {
    for (let id = 0; id < this.layout.maxLocals; id++) {
      const held = this.words[recordWord(this.layout, id) + R_PRIVATE]!;
      if (held !== 0) out.push(held - 1);
    }
    for (const ring of this.#rings) {
      out.push(...ring.values());
      for (let k = 0; k < ring.capacity; k++) {
        const word = ring.stranded(k);
        if (word !== 0) stranded.push(word - 1);
      }
    }
    return stranded.length;
  }
}
