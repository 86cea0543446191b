// What SharedPool and MutexPool have in common: one thread's attachment to a local of a pool
// that lives in a SharedArrayBuffer. Claiming and giving back locals, the block views, the
// arena's bump allocator, stats, census and debug mode's handed-out flags.
//
// A local is Go's P. A thread claims one with a CAS on its record's state word (attach), and
// gives it back with a store (detach), or another thread gives it back for a thread that died
// (reclaim). Between the two, that thread is the only writer of the record's private slot and
// counters and the only producer of its ring, so those need no atomics. The state word's CAS and
// store also order everything one owner did before everything the next owner does.

import { PoolError } from './errors.js';
import {
  H_BUMP, LOCAL_ATTACHED, LOCAL_FREE, LOCAL_RECLAIMING, R_EXHAUSTED, R_FRESH, R_PRIVATE_HITS, R_PUTS, R_RING_HITS,
  R_STATE, R_STEALS, R_WAITS, type Layout,
} from './shared-layout.js';

/** Counters summed over every local of the pool, since it was created. Each wraps at 2^32. */
export interface SharedPoolStats {
  /** gets = privateHits + ringHits + steals + fresh + exhausted */
  gets: number;
  puts: number;
  /** Gets served by the caller's private slot (SharedPool; always 0 for MutexPool). */
  privateHits: number;
  /** Gets served by the head of the caller's own ring (SharedPool) or by the shared stack (MutexPool). */
  ringHits: number;
  /** Gets served by the tail of another local's ring (SharedPool; always 0 for MutexPool). */
  steals: number;
  /** Gets served by a never-used block of the arena (Go's New). */
  fresh: number;
  /** Gets that returned -1: nothing pooled and the arena used up. */
  exhausted: number;
  /** SharedPool: puts that waited for a stealer to hand back a ring slot. MutexPool: lock acquisitions that waited. */
  waits: number;
}

/** Where every block is. Exact only while no thread uses the pool. */
export interface SharedPoolCensus {
  /** Ids held by the pool: private slots first, then rings tail to head (or the MutexPool stack, bottom to top). */
  pooled: number[];
  /** Blocks of the arena never handed out. */
  neverHandedOut: number;
  /** blocks - neverHandedOut - pooled.length: blocks held by threads, alive or dead. */
  outstanding: number;
  /** Ring slots claimed and not handed back (SharedPool), or 1 while the MutexPool lock is held. */
  unreleased: number;
}

function unsigned(word: number): number {
  return word >>> 0;
}

/** Claims the first free local, or throws PoolError when every local is attached. */
export function claimLocal(words: Int32Array, layout: Layout): number {
  for (let id = 0; id < layout.maxLocals; id++) {
    if (Atomics.compareExchange(words, recordWord(layout, id) + R_STATE, LOCAL_FREE, LOCAL_ATTACHED) === LOCAL_FREE) return id;
  }
  throw new PoolError(layout.name, `attach: all ${layout.maxLocals} locals are attached; create the pool with a larger maxLocals, ` +
    'detach() a thread that is done, or reclaim() the local of a thread that exited');
}

/** The word index of a local's record. */
export function recordWord(layout: Layout, localId: number): number {
  return (layout.recordsAt + localId * layout.recordStride) >>> 2;
}

/** The metadata words of a pool: header, records, rings or stack, debug flags (not the arena). */
export function metadataWords(buffer: SharedArrayBuffer, layout: Layout): Int32Array {
  return new Int32Array(buffer, 0, layout.arenaAt >>> 2);
}

export abstract class SharedAttachment {
  /** The pool's memory: post it to a worker and call attach(buffer) there. */
  readonly buffer: SharedArrayBuffer;
  /** The local this attachment claimed, 0 to maxLocals - 1 (Go's P id). */
  readonly localId: number;
  /** The number of blocks in the arena; ids run from 0 to blocks - 1. */
  readonly blocks: number;
  /** Bytes per block. */
  readonly blockSize: number;
  protected readonly layout: Layout;
  protected readonly words: Int32Array;
  /** Word index of this attachment's record. */
  protected readonly record: number;
  protected attached = true;
  private readonly views: (Uint8Array | undefined)[];

  protected constructor(buffer: SharedArrayBuffer, layout: Layout, words: Int32Array, localId: number) {
    this.buffer = buffer;
    this.layout = layout;
    this.words = words;
    this.localId = localId;
    this.blocks = layout.blocks;
    this.blockSize = layout.blockSize;
    this.record = recordWord(layout, localId);
    this.views = new Array<Uint8Array | undefined>(layout.blocks).fill(undefined);
  }

  /** Gives back a local: of a thread that exited without detaching. Subclasses add their own clean-up. */
  protected abstract release(localId: number): void;

  /** Appends the pooled ids to `out`; returns the census's `unreleased`. */
  protected abstract collectPooled(out: number[]): number;

  /**
   * The bytes of block `id`: a view of the shared arena, created on the first call for that id
   * in this attachment and returned again by every later call (no allocation).
   */
  bytes(id: number): Uint8Array {
    if (!this.isBlockId(id)) throw this.badId('bytes', id);
    return this.views[id] ?? this.makeView(id);
  }

  /**
   * Gives this thread's local back: what it still holds privately moves where other threads
   * can take it (seed Task 11: a put stays observable after its thread is gone). The attachment
   * is unusable afterwards; attach(buffer) again to get a new one.
   */
  detach(): void {
    this.assertAttached('detach');
    this.release(this.localId);
    this.attached = false;
    Atomics.store(this.words, this.record + R_STATE, LOCAL_FREE);
  }

  /**
   * Recovers the local of a thread that ended without detach(), private block included. Call it
   * from another attached thread, after the worker's 'exit' event: reclaiming the local of a
   * running thread corrupts the pool. Blocks the dead thread held outside the pool are lost; the
   * census counts them in `outstanding`.
   */
  reclaim(localId: number): void {
    this.assertAttached('reclaim');
    if (typeof localId !== 'number' || !Number.isInteger(localId) || localId < 0 || localId >= this.layout.maxLocals) {
      throw new RangeError(`${this.layout.name}.reclaim: localId ${String(localId)} is not a local of this pool (0 to ${this.layout.maxLocals - 1})`);
    }
    if (localId === this.localId) throw new PoolError(this.layout.name, 'reclaim: that is this attachment\'s own local; call detach()');
    const state = recordWord(this.layout, localId) + R_STATE;
    if (Atomics.compareExchange(this.words, state, LOCAL_ATTACHED, LOCAL_RECLAIMING) !== LOCAL_ATTACHED) {
      throw new PoolError(this.layout.name, `reclaim: local ${localId} is not attached (it detached, or was reclaimed already)`);
    }
    this.release(localId);
    Atomics.store(this.words, state, LOCAL_FREE);
  }

  /** Counters summed over every local (see SharedPoolStats). Approximate while other threads run. */
  stats(): SharedPoolStats {
    const totals = { puts: 0, privateHits: 0, ringHits: 0, steals: 0, fresh: 0, exhausted: 0, waits: 0 };
    for (let id = 0; id < this.layout.maxLocals; id++) {
      const r = recordWord(this.layout, id);
      const w = this.words;
      totals.puts += unsigned(w[r + R_PUTS]!);
      totals.privateHits += unsigned(w[r + R_PRIVATE_HITS]!);
      totals.ringHits += unsigned(w[r + R_RING_HITS]!);
      totals.steals += unsigned(w[r + R_STEALS]!);
      totals.fresh += unsigned(w[r + R_FRESH]!);
      totals.exhausted += unsigned(w[r + R_EXHAUSTED]!);
      totals.waits += unsigned(w[r + R_WAITS]!);
    }
    const gets = totals.privateHits + totals.ringHits + totals.steals + totals.fresh + totals.exhausted;
    return { gets, ...totals };
  }

  /** Where every block is (see SharedPoolCensus). Exact only while no thread uses the pool. */
  census(): SharedPoolCensus {
    const pooled: number[] = [];
    const unreleased = this.collectPooled(pooled);
    const neverHandedOut = this.blocks - Math.min(this.blocks, Atomics.load(this.words, H_BUMP));
    return { pooled, neverHandedOut, outstanding: this.blocks - neverHandedOut - pooled.length, unreleased };
  }

  /** A never-used block from the arena (Go's New), or -1 when the arena is used up. */
  protected fresh(): number {
    const w = this.words;
    for (;;) {
      const next = Atomics.load(w, H_BUMP);
      // Load before the CAS so that gets on an exhausted arena never move the counter: an
      // Atomics.add would overflow it after 2^31 of them.
      if (next >= this.blocks) return -1;
      if (Atomics.compareExchange(w, H_BUMP, next, next + 1) === next) return next;
    }
  }

  /** Adds one to a counter of this attachment's record (a plain store: only we write it). */
  protected count(counter: number): void {
    const w = this.words;
    const word = this.record + counter;
    w[word] = w[word]! + 1;
  }

  protected isBlockId(id: number): boolean {
    return id >>> 0 === id && id < this.blocks;
  }

  protected badId(method: string, id: unknown): Error {
    const what = `${this.layout.name}.${method}: ${typeof id === 'number' ? id : typeof id} is not a block id`;
    if (typeof id !== 'number') return new TypeError(`${what}; pass the number that get() returned`);
    return new RangeError(`${what}; ids are integers from 0 to ${this.blocks - 1}, as returned by get()`);
  }

  protected assertAttached(method: string): void {
    if (!this.attached) {
      throw new PoolError(this.layout.name, `${method}: this attachment was detached; call attach(buffer) for a new one`);
    }
  }

  /** Debug mode, on get: block `id` is now handed out. */
  protected markHandedOut(id: number): void {
    Atomics.store(this.words, (this.layout.statesAt >>> 2) + id, 1);
  }

  /** Debug mode, before a put changes anything: checks that block `id` is handed out and marks it returned. */
  protected checkReturn(id: number): void {
    if (!this.isBlockId(id)) throw this.badId('put', id);
    this.assertAttached('put');
    if (Atomics.compareExchange(this.words, (this.layout.statesAt >>> 2) + id, 1, 0) !== 1) {
      throw new PoolError(this.layout.name, `put: block ${id} is not handed out (put twice, or never returned by get()); the put was ignored`);
    }
  }

  private makeView(id: number): Uint8Array {
    const view = new Uint8Array(this.buffer, this.layout.arenaAt + id * this.layout.blockStride, this.blockSize);
    this.views[id] = view;
    return view;
  }
}
