// The "hand-rolled mutex pool" of seed Task 10, across threads: one stack of block ids shared
// by every thread, behind a lock built on Atomics.wait/notify. Same API and same buffer layout
// (shared-layout.ts) as SharedPool, so the two can be compared on equal terms.
//
// The lock word is a robust futex (as Linux's FUTEX_OWNER_DIED protocol): 0 when free, else the
// holder's localId + 1, with CONTENDED set once a waiter may sleep on it. The holder's id enters
// and leaves the word in the same atomic step as the lock itself, so a thread terminated at any
// instruction leaves either a free lock or a lock naming it, which reclaim() frees. An
// uncontended lock+unlock is one compareExchange and one exchange.
//
// A thread that finds the lock held re-reads it `lockSpin` times (Go's sync.Mutex spins 4
// times, 30 PAUSEs each, and only on a multicore machine with idle Ps: a holder running on
// another core releases within a short critical section, and sleeping costs a futex syscall
// pair); then it marks the lock CONTENDED and sleeps in Atomics.wait. It sleeps in slices of
// at most WAIT_SLICE_MS and re-reads the word after each, so a holder that died between its
// unlock and its notify delays it by one slice, not for ever; and once waitLimitMs has passed
// with the lock still held it throws a PoolError naming the holder, which may be dead.
// Atomics.wait is not allowed on a browser's main thread: MutexPool refuses to attach there.
//
// The stack is consistent at every instruction: a pop or push is a slot access plus one store
// of `top`, made while holding the lock. A thread that dies between the two loses the block it
// was moving, nothing else.

import { PoolError } from './errors.js';
import { SharedAttachment, metadataWords, type BlockId, type Released } from './shared-attachment.js';
import {
  KIND_MUTEX, M_LOCK, M_STACK, M_TOP, R_EXHAUSTED, R_FRESH, R_PUTS, R_RING_HITS, R_WAITS,
  allocate, layoutFor, readLayout, type Layout, type SharedPoolOptions,
} from './shared-layout.js';
import { attachLocal, describeLocal, type Reservation } from './shared-local.js';
import { WAIT_SLICE_MS, wakeWaiters } from './wait.js';

const FREE = 0;
const CONTENDED = 1 << 30;
const HOLDER = CONTENDED - 1;
/** A spinning waiter reads the clock once per this many re-reads (a power of two). */
const SPINS_PER_CLOCK = 1024;

/** Throws PoolError when this thread may not call Atomics.wait (a browser's main thread). */
function requireWait(name: string): void {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    throw new PoolError(name, 'Atomics.wait is not allowed on this thread (a browser\'s main thread), and the lock ' +
      'sleeps in it: use MutexPool from a worker (create it there too), or use SharedPool, which never waits on a lock');
  }
}

/**
 * A pool of fixed-size blocks of one SharedArrayBuffer with SharedPool's API, built the
 * obvious way: one shared LIFO stack behind a mutex (Atomics.wait/notify). The baseline that
 * SharedPool is measured against (seed Task 10).
 *
 * ```ts
 * const pool = MutexPool.create({ blockSize: 4096, blocks: 256, maxLocals: 8 });
 * const local = MutexPool.attach(pool.buffer);   // in a worker
 * const id = local.get(); local.put(id);
 * ```
 *
 * get(): the stack's top, else a fresh block, else -1. put(id): onto the stack. stats() counts
 * stack hits as `ringHits`; privateHits and steals stay 0. Errors, reserve, reclaim and
 * reclaimThread as in SharedPool;
 * a get or put that finds the lock held for more than waitLimitMs throws PoolError naming the
 * holder's local. The lockSpin option sets the spinning before sleeping (default 4, as Go).
 */
export class MutexPool extends SharedAttachment {
  // lockWord, lock and unlock stay TypeScript-private (not #): tests hold, free and read the lock through them.
  /** @internal */
  private readonly lockWord: number;
  readonly #topWord: number;
  readonly #stackWord: number;

  /** Allocates a pool and attaches the calling thread. Throws TypeError/RangeError for bad options. */
  static create(options: SharedPoolOptions): MutexPool {
    const layout = layoutFor(KIND_MUTEX, options);
    requireWait(layout.name);
    return MutexPool.#open(allocate(layout), layout);
  }

  /** Attaches the calling thread to the pool in `buffer` (errors as SharedPool.attach). */
  static attach(buffer: SharedArrayBuffer, reservation?: Reservation): MutexPool {
    const layout = readLayout(KIND_MUTEX, buffer);
    requireWait(layout.name);
    return MutexPool.#open(buffer, layout, reservation);
  }

  static #open(buffer: SharedArrayBuffer, layout: Layout, reservation?: Reservation): MutexPool {
    const words = metadataWords(buffer, layout);
    const { localId, generation } = attachLocal(words, layout, reservation);
    return new MutexPool(buffer, layout, words, localId, generation);
  }

  private constructor(buffer: SharedArrayBuffer, layout: Layout, words: Int32Array, localId: number, generation: number) {
    super(buffer, layout, words, localId, generation);
    const region = layout.regionAt >>> 2;
    this.lockWord = region + M_LOCK;
    this.#topWord = region + M_TOP;
    this.#stackWord = region + M_STACK;
  }

  /** A block id from the top of the shared stack, else a never-used block, else -1. */
  get(): BlockId {
    this.assertAttached('get');
    const w = this.words;
    this.lock('get');
    const top = w[this.#topWord]!;
    let id = -1;
    if (top > 0) {
      id = w[this.#stackWord + top - 1]!;
      w[this.#topWord] = top - 1;
    }
    this.unlock();
    if (id >= 0) {
      this.count(R_RING_HITS);
    } else {
      id = this.fresh();
      this.count(id >= 0 ? R_FRESH : R_EXHAUSTED);
    }
    return (id >= 0 && this.layout.debug ? this.handOut(id) : id) as BlockId;
  }

  /** Pushes block `id` onto the shared stack. */
  put(id: BlockId): void {
    if (this.layout.debug) {
      this.putHandout(id, (block) => this.#push(block));
    } else {
      this.assertAttached('put');
      if (!this.isBlockId(id)) throw this.badId('put', id);
      this.#push(id);
    }
    this.count(R_PUTS);
  }

  #push(id: number): void {
    const w = this.words;
    this.lock('put');
    const top = w[this.#topWord]!;
    // The stack has a slot per block, so it is full only if a block was put twice.
    const full = top === this.blocks;
    if (!full) {
      w[this.#stackWord + top] = id;
      w[this.#topWord] = top + 1;
    }
    this.unlock();
    if (!full) wakeWaiters(w);
    if (full) {
      throw new PoolError(this.layout.name, `put(${id}): the stack is full, so a block was put twice; ` +
        'create the pool with debug: true to catch the first double put');
    }
  }

  /** @internal */
  private lock(method: string): void {
    if (Atomics.compareExchange(this.words, this.lockWord, FREE, this.localId + 1) !== FREE) this.#lockSlow(method);
  }

  /**
   * Spins lockSpin re-reads, then sleeps in slices; gives up after waitLimitMs. The sleeping
   * loop keeps no counter: each pass decides from what it reads alone (test/model relies on
   * that to see a pass that read the same as the last one as no progress).
   */
  #lockSlow(method: string): void {
    const w = this.words;
    const lock = this.lockWord;
    const me = this.localId + 1;
    this.count(R_WAITS);
    const deadline = performance.now() + this.layout.waitLimitMs;
    for (let spin = 1; spin <= this.layout.lockSpin; spin++) {
      if (Atomics.load(w, lock) === FREE && Atomics.compareExchange(w, lock, FREE, me) === FREE) return;
      if ((spin & (SPINS_PER_CLOCK - 1)) === 0 && performance.now() > deadline) throw this.#heldTooLong(method);
    }
    for (;;) {
      const seen = Atomics.load(w, lock);
      if (seen === FREE) {
        // Taken as CONTENDED: other sleepers may remain, and our unlock must wake one.
        if (Atomics.compareExchange(w, lock, FREE, me | CONTENDED) === FREE) return;
        continue;
      }
      if ((seen & CONTENDED) === 0 && Atomics.compareExchange(w, lock, seen, seen | CONTENDED) !== seen) continue;
      const now = performance.now();
      if (now > deadline) throw this.#heldTooLong(method);
      Atomics.wait(w, lock, seen | CONTENDED, Math.min(WAIT_SLICE_MS, deadline - now));
    }
  }

  /** @internal */
  private unlock(): void {
    // One step frees the lock and forgets the holder; a waiter that slept through a missed
    // notify wakes at its next slice.
    if ((Atomics.exchange(this.words, this.lockWord, FREE) & CONTENDED) !== 0) Atomics.notify(this.words, this.lockWord, 1);
  }

  #heldTooLong(method: string): PoolError {
    const holder = (Atomics.load(this.words, this.lockWord) & HOLDER) - 1;
    const who = holder < 0 ? 'other threads' : describeLocal(this.words, this.layout, holder);
    return new PoolError(this.layout.name, `${method}: waited ${this.layout.waitLimitMs} ms for the lock, held by ${who}; ` +
      'if that thread died, reclaim(localId, generation) it from another thread. Nothing was taken or put');
  }

  /** A terminated thread may have died holding the lock: free it and wake every waiter. */
  /** @internal */
  protected override release(localId: number): Released {
    const w = this.words;
    for (let seen = Atomics.load(w, this.lockWord); (seen & HOLDER) === localId + 1;) {
      const found = Atomics.compareExchange(w, this.lockWord, seen, FREE);
      if (found === seen) {
        Atomics.notify(w, this.lockWord);
        break;
      }
      seen = found;
    }
    // No private slot and no ring: nothing of a dead thread waits to be put back here.
    return { recovered: 0, lost: 0 };
  }

  /** @internal */
  protected override collectPooled(out: number[]): number {
    // No rings, so nothing is ever stranded.
    const top = Atomics.load(this.words, this.#topWord);
    for (let i = 0; i < top; i++) out.push(this.words[this.#stackWord + i]!);
    return Atomics.load(this.words, this.lockWord) === FREE ? 0 : 1;
  }
}
