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
// pushHead can fail is the "slot still being read" rule (see pool-dequeue.ts): a stealer
// claimed the slot one lap ago and has not handed it back. That stealer is between two
// consecutive statements with no interrupt point in between, so it finishes as soon as the OS
// runs it again; put waits for it (counted in stats().waits). Go instead chains a new ring twice
// the size, which needs an allocator this fixed buffer does not have.

import { PoolDequeue } from './pool-dequeue.js';
import { PoolError } from './errors.js';
import { SharedAttachment, claimLocal, metadataWords, recordWord } from './shared-attachment.js';
import {
  KIND_SHARED, R_EXHAUSTED, R_FRESH, R_HEAD_TAIL, R_PRIVATE, R_PRIVATE_HITS, R_PUTS, R_RING_HITS, R_STEALS, R_WAITS,
  allocate, layoutFor, readLayout, type Layout, type SharedPoolOptions,
} from './shared-layout.js';

/**
 * Go's sync.Pool across threads: a pool of fixed-size blocks of one SharedArrayBuffer, with a
 * private slot and a lock-free ring per attached thread, and stealing between them.
 *
 * ```ts
 * const pool = SharedPool.create({ blockSize: 4096, blocks: 256, maxLocals: 8 }); // the creator is attached
 * worker.postMessage(pool.buffer);
 * // in the worker:
 * const local = SharedPool.attach(buffer);
 * const id = local.get();              // a block id, or -1 when all blocks are out
 * local.bytes(id).set(data);           // fill it; pass `id` to another thread, which may put it
 * local.put(id);
 * local.detach();                      // when the thread is done
 * ```
 *
 * - get(): private slot, own ring head, other rings' tails starting after localId, a fresh
 *   block, -1 (Go's Get order). put(id): private slot if empty, else own ring head.
 * - A private hit (get or put) uses no Atomics and allocates nothing
 *   (test/shared-pool-fastpath.test.ts reads it from TurboFan's code).
 * - A put never fails and never loses a block: every ring has room for the whole arena.
 * - An attachment belongs to the thread that attached; do not share it between threads. Call
 *   detach() when the thread is done, so that its private block becomes stealable; for a
 *   thread that ended without it (worker.terminate(), an uncaught error), call reclaim(localId)
 *   from another attached thread after the worker's 'exit' event. Blocks the dead thread held
 *   are lost; census() counts them.
 * - stats() sums counters over all locals; census() lists where every block is (exact only
 *   while no thread uses the pool).
 * - Limits: blocks <= 16384 (2^14, the ring limit), maxLocals <= 1024, blockSize < 2^31. pad
 *   (default 128, Go's) spaces the per-thread records; pad 0 packs them, for the false-sharing
 *   experiment of seed Task 9.
 * - Bad ids throw TypeError or RangeError. Whether `id` is currently handed out is checked only
 *   with `debug: true` (PoolError), because the check needs an Atomics compareExchange per put.
 * - Every throw leaves the pool unchanged.
 *
 * Differences from Go, where JavaScript forces them: items are block ids of one fixed arena
 * rather than arbitrary values; the arena plays New (get returns -1 once it is used up); there
 * is no victim cache, because the garbage collector never frees the arena; a thread has to
 * attach, detach or be reclaimed explicitly, where Go's runtime knows its Ps.
 */
export class SharedPool extends SharedAttachment {
  private readonly privateSlot: number;
  private readonly putsCounter: number;
  private readonly privateHitsCounter: number;
  private readonly ring: PoolDequeue;
  /** Every local's ring, indexed by localId: stealing visits them all. */
  private readonly rings: readonly PoolDequeue[];

  /** Allocates a pool and attaches the calling thread to local 0. Throws TypeError/RangeError for bad options. */
  static create(options: SharedPoolOptions): SharedPool {
    const layout = layoutFor(KIND_SHARED, options);
    return SharedPool.open(allocate(layout), layout);
  }

  /**
   * Attaches the calling thread to a free local of the pool in `buffer`. Throws TypeError if
   * `buffer` is not a SharedArrayBuffer, PoolError if it is not a SharedPool of this layout
   * version or if every local is attached.
   */
  static attach(buffer: SharedArrayBuffer): SharedPool {
    return SharedPool.open(buffer, readLayout(KIND_SHARED, buffer));
  }

  private static open(buffer: SharedArrayBuffer, layout: Layout): SharedPool {
    const words = metadataWords(buffer, layout);
    const localId = claimLocal(words, layout);
    return layout.debug ? new DebugSharedPool(buffer, layout, words, localId) : new SharedPool(buffer, layout, words, localId);
  }

  protected constructor(buffer: SharedArrayBuffer, layout: Layout, words: Int32Array, localId: number) {
    super(buffer, layout, words, localId);
    this.privateSlot = this.record + R_PRIVATE;
    this.putsCounter = this.record + R_PUTS;
    this.privateHitsCounter = this.record + R_PRIVATE_HITS;
    const rings: PoolDequeue[] = [];
    for (let id = 0; id < layout.maxLocals; id++) {
      rings.push(new PoolDequeue(words, layout.ringCapacity, recordWord(layout, id) + R_HEAD_TAIL, (layout.regionAt >>> 2) + id * layout.ringCapacity));
    }
    this.rings = rings;
    this.ring = rings[localId]!;
  }

  /**
   * A block id, or -1 when nothing is pooled and every block of the arena has been handed out.
   * Order: private slot, own ring head, other locals' ring tails (from localId + 1, wrapping),
   * a never-used block.
   */
  get(): number {
    // The fast path: a private hit. Only this thread writes its private slot and counters while
    // it is attached, so plain loads and stores suffice (Go: "no atomics" after pin).
    const w = this.words;
    const slot = this.privateSlot;
    const held = w[slot]!;
    if (held !== 0 && this.attached) {
      w[slot] = 0;
      w[this.privateHitsCounter] = w[this.privateHitsCounter]! + 1;
      return held - 1;
    }
    return this.getSlow();
  }

  /** Returns block `id` to the pool: into the private slot if it is empty, else onto the own ring's head. */
  put(id: number): void {
    const w = this.words;
    const slot = this.privateSlot;
    if (w[slot] === 0 && this.attached && this.isBlockId(id)) {
      w[slot] = id + 1;
      w[this.putsCounter] = w[this.putsCounter]! + 1;
      return;
    }
    this.putSlow(id);
  }

  private getSlow(): number {
    this.assertAttached('get');
    let id = this.ring.popHead();
    if (id >= 0) {
      this.count(R_RING_HITS);
      return id;
    }
    const rings = this.rings;
    for (let i = 1; i < rings.length; i++) {
      id = rings[(this.localId + i) % rings.length]!.popTail();
      if (id >= 0) {
        this.count(R_STEALS);
        return id;
      }
    }
    id = this.fresh();
    this.count(id >= 0 ? R_FRESH : R_EXHAUSTED);
    return id;
  }

  private putSlow(id: number): void {
    if (!this.isBlockId(id)) throw this.badId('put', id);
    this.assertAttached('put');
    this.push(this.ring, id);
    this.count(R_PUTS);
  }

  /** pushHead that waits out a stealer still reading the head slot (see the file comment). */
  private push(ring: PoolDequeue, id: number): void {
    for (let waited = false; !ring.pushHead(id); waited = true) {
      if (ring.length === ring.capacity) {
        // Full is impossible with distinct blocks, so some block was put twice.
        throw new PoolError(this.layout.name, `put(${id}): the ring is full, so a block was put twice; ` +
          'create the pool with debug: true to catch the first double put');
      }
      if (!waited) this.count(R_WAITS);
    }
  }

  /** Moves the private block of `localId` onto its ring, acting as that ring's (only) producer. */
  protected override release(localId: number): void {
    const slot = recordWord(this.layout, localId) + R_PRIVATE;
    const held = this.words[slot]!;
    if (held === 0) return;
    this.push(this.rings[localId]!, held - 1);
    this.words[slot] = 0;
  }

  protected override collectPooled(out: number[]): number {
    for (let id = 0; id < this.layout.maxLocals; id++) {
      const held = this.words[recordWord(this.layout, id) + R_PRIVATE]!;
      if (held !== 0) out.push(held - 1);
    }
    let unreleased = 0;
    for (const ring of this.rings) {
      out.push(...ring.values());
      unreleased += ring.unreleased();
    }
    return unreleased;
  }
}

/** SharedPool with debug: true. Each get marks its block handed out; each put checks and clears the mark. */
class DebugSharedPool extends SharedPool {
  override get(): number {
    const id = super.get();
    if (id >= 0) this.markHandedOut(id);
    return id;
  }

  override put(id: number): void {
    this.checkReturn(id);
    super.put(id);
  }
}
