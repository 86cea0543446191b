// The "hand-rolled mutex pool" of seed Task 10, across threads: one stack of block ids shared
// by every thread, behind a lock built on Atomics.wait/notify. Same API and same buffer layout
// (shared-layout.ts) as SharedPool, so the two can be compared on equal terms.
//
// The lock is the three-state futex mutex of Drepper's "Futexes Are Tricky" (mutex2):
// 0 free, 1 held, 2 held and perhaps waited on. An uncontended lock+unlock is one
// compareExchange and one sub; a waiter sleeps in Atomics.wait. Atomics.wait is not allowed on
// a browser's main thread, so there MutexPool works only in workers (Node allows it anywhere).
//
// The holder word names the local holding the lock, so that reclaim() can release a lock whose
// holder was terminated (a "robust" mutex). The stack is consistent at every interrupt point:
// a pop or push is a slot access plus one store of `top`.

import { PoolError } from './errors.js';
import { SharedAttachment, claimLocal, metadataWords } from './shared-attachment.js';
import {
  KIND_MUTEX, M_HOLDER, M_LOCK, M_STACK, M_TOP, R_EXHAUSTED, R_FRESH, R_PUTS, R_RING_HITS, R_WAITS,
  allocate, layoutFor, readLayout, type Layout, type SharedPoolOptions,
} from './shared-layout.js';

const FREE = 0;
const HELD = 1;
const CONTENDED = 2;

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
 * stack hits as `ringHits`; privateHits and steals stay 0. Errors as in SharedPool.
 */
export class MutexPool extends SharedAttachment {
  private readonly lockWord: number;
  private readonly holderWord: number;
  private readonly topWord: number;
  private readonly stackWord: number;

  /** Allocates a pool and attaches the calling thread. Throws TypeError/RangeError for bad options. */
  static create(options: SharedPoolOptions): MutexPool {
    const layout = layoutFor(KIND_MUTEX, options);
    return MutexPool.open(allocate(layout), layout);
  }

  /** Attaches the calling thread to the pool in `buffer` (errors as SharedPool.attach). */
  static attach(buffer: SharedArrayBuffer): MutexPool {
    return MutexPool.open(buffer, readLayout(KIND_MUTEX, buffer));
  }

  private static open(buffer: SharedArrayBuffer, layout: Layout): MutexPool {
    const words = metadataWords(buffer, layout);
    return new MutexPool(buffer, layout, words, claimLocal(words, layout));
  }

  private constructor(buffer: SharedArrayBuffer, layout: Layout, words: Int32Array, localId: number) {
    super(buffer, layout, words, localId);
    const region = layout.regionAt >>> 2;
    this.lockWord = region + M_LOCK;
    this.holderWord = region + M_HOLDER;
    this.topWord = region + M_TOP;
    this.stackWord = region + M_STACK;
  }

  /** A block id from the top of the shared stack, else a never-used block, else -1. */
  get(): number {
    this.assertAttached('get');
    const w = this.words;
    this.lock();
    const top = w[this.topWord]!;
    let id = -1;
    if (top > 0) {
      id = w[this.stackWord + top - 1]!;
      w[this.topWord] = top - 1;
    }
    this.unlock();
    if (id >= 0) {
      this.count(R_RING_HITS);
    } else {
      id = this.fresh();
      this.count(id >= 0 ? R_FRESH : R_EXHAUSTED);
    }
    if (id >= 0 && this.layout.debug) this.markHandedOut(id);
    return id;
  }

  /** Pushes block `id` onto the shared stack. */
  put(id: number): void {
    if (this.layout.debug) this.checkReturn(id);
    else if (!this.isBlockId(id)) throw this.badId('put', id);
    this.assertAttached('put');
    const w = this.words;
    this.lock();
    const top = w[this.topWord]!;
    // The stack has a slot per block, so it is full only if a block was put twice.
    const full = top === this.blocks;
    if (!full) {
      w[this.stackWord + top] = id;
      w[this.topWord] = top + 1;
    }
    this.unlock();
    if (full) {
      throw new PoolError(this.layout.name, `put(${id}): the stack is full, so a block was put twice; ` +
        'create the pool with debug: true to catch the first double put');
    }
    this.count(R_PUTS);
  }

  private lock(): void {
    const w = this.words;
    const lock = this.lockWord;
    const seen = Atomics.compareExchange(w, lock, FREE, HELD);
    if (seen !== FREE) {
      this.count(R_WAITS);
      // Mark the lock contended, so that its unlock wakes us; the exchange may also find it free.
      // A do-while, because its back edge (where V8 may deliver terminate()) is taken only when
      // the exchange did not acquire the lock: the holder word is always written before the
      // next interrupt point.
      if (seen === CONTENDED || Atomics.exchange(w, lock, CONTENDED) !== FREE) {
        do Atomics.wait(w, lock, CONTENDED);
        while (Atomics.exchange(w, lock, CONTENDED) !== FREE);
      }
    }
    w[this.holderWord] = this.localId + 1;
  }

  private unlock(): void {
    const w = this.words;
    w[this.holderWord] = 0;
    if (Atomics.sub(w, this.lockWord, 1) !== HELD) {
      // It was CONTENDED: free it and wake one waiter, which takes it as CONTENDED.
      Atomics.store(w, this.lockWord, FREE);
      Atomics.notify(w, this.lockWord, 1);
    }
  }

  /** A terminated thread may have died holding the lock: free it and wake every waiter. */
  protected override release(localId: number): void {
    if (Atomics.load(this.words, this.holderWord) !== localId + 1) return;
    this.words[this.holderWord] = 0;
    Atomics.store(this.words, this.lockWord, FREE);
    Atomics.notify(this.words, this.lockWord);
  }

  protected override collectPooled(out: number[]): number {
    const top = Atomics.load(this.words, this.topWord);
    for (let i = 0; i < top; i++) out.push(this.words[this.stackWord + i]!);
    return Atomics.load(this.words, this.lockWord) === FREE ? 0 : 1;
  }
}
