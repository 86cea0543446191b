// What SharedPool and MutexPool have in common: one thread's attachment to a local of a pool
// that lives in a SharedArrayBuffer. Giving locals back (detach, reclaim), the block views, the
// arena's bump allocator, stats, census, debug mode's handout words, and the error contract.
//
// A local is Go's P. A thread claims one by naming itself in the local's owner word with a CAS,
// then taking its state word (attach, see shared-local.ts), and gives it back by freeing both
// (detach), or another thread gives it back for a thread that died (reclaim, reclaimThread). Between the two, that thread is the only writer of the record's
// private slot and counters and the only producer of its ring, so those need no atomics. The
// state word's CAS and store also order everything one owner did before everything the next
// owner does. A dead thread's plain stores are visible to its reclaimer: the worker's 'exit'
// event comes after the thread has stopped, and reclaim starts with a CAS.
//
// Errors (every one leaves the pool as it was):
//   TypeError   an argument that is not an integer, of any type (messages never quote the
//               engine: a BigInt or a Symbol gets the same library message as a string)
//   RangeError  an integer out of range
//   PoolError   a state that forbids the call: a detached attachment (every method), a local
//               that is not attached at that generation, a double put caught by debug mode, a
//               wait on another thread's local that passed waitLimitMs (its thread may be dead)

import { PoolError, describeValue as describe } from './errors.js';
import { DEQUEUE_LIMIT } from './pool-dequeue.js';
import { Lease } from './lease.js';
import { waitForBlock, waitForBlockAsync } from './wait.js';
import {
  H_BUMP, H_RESCUE, R_CLAIM, R_EXHAUSTED, R_FRESH, R_PRIVATE_HITS, R_PUTS, R_RING_HITS, R_STEALS, R_WAITS, type Layout,
} from './shared-layout.js';
import {
  ATTACHED, GENERATION_MAX, OWNER_UNNAMED, RESERVED, THREAD_ID_MAX, beginReclaim, claimLocal, clearDetached, endReclaim, freeLocal,
  namedLocals, recordWord, stateIndex, stateWord, unfinishedReclaims, type Reservation,
} from './shared-local.js';
import { threadIdentity } from './runtime.js';

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
  /** blocks - neverHandedOut - pooled.length: blocks held by threads, alive or dead, or stranded (below). */
  outstanding: number;
  /**
   * Ring slots not handed back (SharedPool): claimed by a stealer, or left by a producer, that
   * died mid-operation (or whose operation is in flight). MutexPool: 1 while the lock is held.
   */
  unreleased: number;
  /**
   * The blocks in those slots (SharedPool; empty for MutexPool): neither pooled nor lost. The
   * ring's producer puts each back when its pushes reach that slot, or when it detaches or is
   * reclaimed. Counted in `outstanding`.
   */
  stranded: number[];
}

/**
 * What reclaim() gave back for a dead thread: `recovered`, the blocks it put back into
 * circulation (the private block and the stranded slots of that local's ring); `lost`, the
 * blocks it found out of circulation and could not put back now (ring slots that a live thread
 * still claims: they come back when it hands them over). Blocks the dead thread held in its own
 * variables are invisible to every other thread: census() counts them in `outstanding`.
 */
export interface ReclaimResult {
  /**
   * false: that generation of the local had been given back already (detached or reclaimed);
   * nothing changed. From reclaimThread: whether that thread held (or was claiming) any local.
   */
  readonly reclaimed: boolean;
  readonly recovered: number;
  readonly lost: number;
}

/** What release() gave back: see ReclaimResult. */
export type Released = Omit<ReclaimResult, 'reclaimed'>;

declare const blockIdBrand: unique symbol;
/**
 * A block id as get() returns it: a number, branded so that the compiler refuses an arbitrary
 * number (a byte offset, a count) where a block id is expected. get() returns -1 when no block is
 * available: test `id >= 0` (or `id !== -1`) before using it. Ids that travel through postMessage
 * or a shared word come back as plain numbers: cast them back (`id as BlockId`); put and bytes
 * check every id at run time anyway.
 */
export type BlockId = number & { readonly [blockIdBrand]: true };

/** Debug mode's id: handout number * BLOCK_ID_SPAN + block index (see handOut). */
const BLOCK_ID_SPAN = DEQUEUE_LIMIT;
const HANDOUT_LIMIT = 1 << 30;

function unsigned(word: number): number {
  return word >>> 0;
}

/** The metadata words of a pool: header, records, rings or stack, debug words (not the arena). */
/** @internal */
export function metadataWords(buffer: SharedArrayBuffer, layout: Layout): Int32Array {
  return new Int32Array(buffer, 0, layout.arenaAt >>> 2);
}

// The protected members are SharedPool's and MutexPool's building blocks, marked internal so that
// the declaration files leave them out (stripInternal) and a user sees only the public API.
export abstract class SharedAttachment {
  /** The pool's memory: post it to a worker and call attach(buffer) there. */
  readonly buffer: SharedArrayBuffer;
  /** The local this attachment claimed, 0 to maxLocals - 1 (Go's P id). */
  readonly localId: number;
  /**
   * This attachment's generation of its local: reclaim(localId, generation) needs both, so that
   * a stale id cannot reclaim a local that another thread attached since. Post both to whoever
   * will reclaim this thread if it dies.
   */
  readonly generation: number;
  /** The number of blocks in the arena; block indexes run from 0 to blocks - 1. */
  readonly blocks: number;
  /** Bytes per block. */
  readonly blockSize: number;
  /** @internal */
  protected readonly layout: Layout;
  /** @internal */
  protected readonly words: Int32Array;
  /** Word index of this attachment's record. */
  /** @internal */
  protected readonly record: number;
  /** @internal */
  protected attached = true;
  readonly #views: (Uint8Array | undefined)[];

  /** @internal */
  protected constructor(buffer: SharedArrayBuffer, layout: Layout, words: Int32Array, localId: number, generation: number) {
    this.buffer = buffer;
    this.layout = layout;
    this.words = words;
    this.localId = localId;
    this.generation = generation;
    this.blocks = layout.blocks;
    this.blockSize = layout.blockSize;
    this.record = recordWord(layout, localId);
    this.#views = new Array<Uint8Array | undefined>(layout.blocks).fill(undefined);
  }

  /**
   * Gives back what local `localId` holds for its thread, which is this one (detach) or a dead
   * one (reclaim): subclasses move its private block where others find it and free what it
   * locked. Must leave the pool consistent if it throws.
   */
  /** @internal */
  protected abstract release(localId: number): Released;

  /** Appends the pooled ids to `out` and the stranded ones to `stranded`; returns the census's `unreleased`. */
  /** @internal */
  protected abstract collectPooled(out: number[], stranded: number[]): number;

  /** A block id, or -1 when none is available now (see SharedPool.get, MutexPool.get). */
  abstract get(): BlockId;

  /** Gives block `id` back to the pool (see SharedPool.put, MutexPool.put). */
  abstract put(id: BlockId): void;

  /**
   * get(), but when no block is available it waits for one, at most `timeoutMs` milliseconds
   * (default: the pool's waitLimitMs), and returns -1 only if none came. The thread sleeps in
   * Atomics.wait and a put that makes a block available to this thread wakes it (wait.ts); each
   * try is a get() (stats and observers count every one). Throws PoolError on a thread that may
   * not block (a browser's main thread: use getAsync), TypeError/RangeError for a timeout that
   * is not an integer from 0 to 2^31 - 1; nothing is taken then.
   */
  getWait(timeoutMs: number = this.layout.waitLimitMs): BlockId {
    this.assertAttached('getWait');
    this.#checkTimeout('getWait', timeoutMs);
    return waitForBlock(this.layout.name, this.words, () => this.get(), timeoutMs) as BlockId;
  }

  /**
   * getWait() without blocking the thread, so it works on a browser's main thread too: resolves
   * with a block id, or with -1 if none came within `timeoutMs`. It awaits Atomics.waitAsync
   * where the engine has it; where it does not, it tries again every 10 ms. Rejects with the
   * errors of getWait (but never for blocking).
   */
  async getAsync(timeoutMs: number = this.layout.waitLimitMs): Promise<BlockId> {
    this.assertAttached('getAsync');
    this.#checkTimeout('getAsync', timeoutMs);
    return waitForBlockAsync(this.words, () => this.get(), timeoutMs) as Promise<BlockId>;
  }

  /**
   * getWait(timeoutMs) as a lease, or undefined when no block came (timeoutMs 0, the default:
   * do not wait). `using lease = pool.lease(); if (lease) use(pool.bytes(lease.value));` puts
   * the block back when the scope ends (`using` accepts undefined). Errors as getWait.
   */
  lease(timeoutMs = 0): Lease<BlockId> | undefined {
    const id = this.getWait(timeoutMs);
    return id < 0 ? undefined : new Lease<BlockId>(this, id);
  }

  /** getAsync(timeoutMs) as a lease (see lease()): resolves with undefined when no block came. */
  async leaseAsync(timeoutMs: number = this.layout.waitLimitMs): Promise<Lease<BlockId> | undefined> {
    const id = await this.getAsync(timeoutMs);
    return id < 0 ? undefined : new Lease<BlockId>(this, id);
  }

  #checkTimeout(method: string, timeoutMs: number): void {
    this.checkInteger(method, 'timeoutMs', timeoutMs, 0, 0x7fffffff, 'pass the milliseconds to wait at most (0: do not wait)');
  }

  /**
   * The bytes of block `id`: a view of the shared arena, created on the first call for that id
   * in this attachment and returned again by every later call (no allocation). In debug mode
   * `id` must be handed out now (PoolError for a use after put).
   */
  bytes(id: BlockId): Uint8Array {
    const block = this.layout.debug ? this.#outstandingBlock('bytes', id) : id;
    if (this.attached && this.isBlockId(block)) return this.#views[block] ?? this.#makeView(block);
    this.assertAttached('bytes');
    throw this.badId('bytes', id);
  }

  /**
   * Gives this thread's local back: what it still holds privately moves where other threads
   * can take it (a block put by a thread stays in circulation after that thread is gone). The attachment
   * is unusable afterwards (every method throws PoolError); attach(buffer) again for a new one.
   */
  detach(): void {
    this.assertAttached('detach');
    this.release(this.localId);
    this.attached = false;
    freeLocal(this.words, this.layout, this.localId, this.generation);
  }

  /**
   * Recovers the local of a thread that ended without detach(): its private block moves to its
   * ring (SharedPool), a lock it held is freed (MutexPool), an operation it was in the middle of
   * is completed or rolled back, and a reclaim it was running is finished. `generation` is the
   * one its attachment (or reservation) had: a pair whose generation was given back already
   * (the thread detached, or was reclaimed, and the local may be attached again since) changes
   * nothing and returns `reclaimed: false`, so a parent can reclaim on every worker exit (if the
   * thread died in the last step of its detach, that reclaim also clears the name it left).
   *
   * Call it from another attached thread after the worker's 'exit' event: reclaiming the local
   * of a running thread corrupts the pool. Blocks the dead thread held are lost (at most one
   * more, if it died inside get or put); census() counts them in `outstanding`. If reclaim
   * throws, the local is as it was, and reclaim can be called again; if the thread running it
   * dies, reclaiming that thread's local finishes this one too.
   */
  reclaim(localId: number, generation: number): ReclaimResult {
    this.assertAttached('reclaim');
    if (typeof localId === 'object' && localId !== null && 'threadId' in localId) {
      throw new TypeError(`${this.layout.name}.reclaim takes (localId, generation); for a worker that attached plainly, call ` +
        'reclaimThread(threadId) with the worker.threadId read when it started (Node sets it to -1 once the worker has exited)');
    }
    const max = this.layout.maxLocals - 1;
    this.checkInteger('reclaim', 'localId', localId, 0, max, `locals run from 0 to ${max}`);
    this.checkInteger('reclaim', 'generation', generation, 1, GENERATION_MAX,
      'pass the generation of the dead thread\'s attachment (attachment.generation)');
    if (localId === this.localId) throw new PoolError(this.layout.name, 'reclaim: that is this attachment\'s own local; call detach()');
    return this.#reclaimLocal(localId, generation);
  }

  /**
   * Takes a free local for a thread that will attach later with attach(buffer, reservation):
   * post the reservation to it (workerData). Whatever happens to that thread, even a death
   * inside attach or before it posts anything, reclaim(reservation.localId,
   * reservation.generation) gives the local back, and after its detach() that reclaim is a no-op.
   */
  reserve(): Reservation {
    this.assertAttached('reserve');
    return claimLocal(this.words, this.layout, RESERVED, OWNER_UNNAMED);
  }

  /**
   * Recovers every local that thread `threadId` attached with a plain attach(buffer), with
   * nothing but what the parent holds: `worker.threadId`. Read it when you start the worker
   * (`const { threadId } = worker`): Node sets worker.threadId to -1 once the worker has exited.
   * Call it after the worker's 'exit' event, as reclaim(): it recovers the local whatever step
   * the thread died at, inside attach() and before it could post anything included, and returns
   * what reclaim() returns, summed over the locals it found (`reclaimed: false` when the thread
   * holds none: it detached, or attached by a reservation, which reclaim(localId, generation)
   * recovers). Node and Bun only: where threads have no id (browsers, Deno), a plain attach()
   * names nobody; start such workers with a reservation (reserve()). TypeError/RangeError for an
   * id that is not an integer from 0 to 2^29 - 3, PoolError for this thread's own id. If it
   * throws (a live thread is reclaiming one of those locals now), what it reclaimed stays
   * reclaimed; call it again later.
   */
  reclaimThread(threadId: number): ReclaimResult {
    this.assertAttached('reclaimThread');
    this.checkInteger('reclaimThread', 'threadId', threadId, 0, THREAD_ID_MAX,
      'pass worker.threadId as read when the worker started (it is -1 once the worker has exited)');
    if (threadId === threadIdentity()) {
      throw new PoolError(this.layout.name, `reclaimThread: ${threadId} is this thread's id; call detach() on its attachments`);
    }
    const { taken, cleared } = namedLocals(this.words, this.layout, threadId + 1);
    let result: ReclaimResult = { reclaimed: cleared > 0, recovered: 0, lost: 0 };
    const done: [number, ReclaimResult][] = [];
    for (const [localId, generation] of taken) {
      const more = this.#reclaimLocal(localId, generation);
      if (more.reclaimed) done.push([localId, more]);
      result = { reclaimed: result.reclaimed || more.reclaimed, recovered: result.recovered + more.recovered, lost: result.lost + more.lost };
    }
    for (const [localId, more] of done) this.reclaimedThreadLocal(localId, more); // once all is done: an observer may throw
    return result;
  }

  /** Called by reclaimThread for each local it reclaimed, after the last (SharedPool reports them to its observer). */
  /** @internal */
  protected reclaimedThreadLocal(_localId: number, _result: ReclaimResult): void {}

  /** Counters summed over every local (see SharedPoolStats). Approximate while other threads run. */
  stats(): SharedPoolStats {
    this.assertAttached('stats');
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
    this.assertAttached('census');
    const pooled: number[] = [];
    const stranded: number[] = [];
    const unreleased = this.collectPooled(pooled, stranded);
    const neverHandedOut = this.blocks - Math.min(this.blocks, Atomics.load(this.words, H_BUMP));
    return { pooled, neverHandedOut, outstanding: this.blocks - neverHandedOut - pooled.length, unreleased, stranded };
  }

  /**
   * reclaim()'s work: RECLAIMING by this thread, the subclass's release, the reclaims that the
   * dead thread had started (it was a reclaimer that died), then FREE. The local is restored to
   * ATTACHED if its own part throws.
   */
  #reclaimLocal(localId: number, generation: number): ReclaimResult {
    const w = this.words;
    const state = stateIndex(this.layout, localId);
    if (!beginReclaim(w, this.layout, localId, generation, this.localId)) {
      clearDetached(w, this.layout, localId, generation);
      return { reclaimed: false, recovered: 0, lost: 0 };
    }
    let { recovered, lost } = { recovered: 0, lost: 0 };
    try {
      // A steal it was in the middle of no longer holds anybody up (see shared-local.ts); the
      // ring's producer takes that slot back on its next slow get or put (H_RESCUE).
      if (Atomics.exchange(w, recordWord(this.layout, localId) + R_CLAIM, 0) !== 0) Atomics.add(w, H_RESCUE, 1);
      ({ recovered, lost } = this.release(localId));
    } catch (error) {
      Atomics.store(w, state, stateWord(generation, ATTACHED));
      throw error;
    }
    // While localId is RECLAIMING it is not attached, so beginReclaim may take these over.
    let failure: unknown;
    for (const [other, otherGeneration] of unfinishedReclaims(w, this.layout, localId)) {
      try {
        const more = this.#reclaimLocal(other, otherGeneration);
        recovered += more.recovered;
        lost += more.lost;
      } catch (error) {
        failure ??= error;
      }
    }
    endReclaim(w, this.layout, localId, generation);
    if (failure !== undefined) {
      throw new PoolError(this.layout.name, `reclaim: local ${localId} is reclaimed, but its thread had started reclaiming ` +
        `another local and finishing that failed (${failure instanceof Error ? failure.message : String(failure)}); ` +
        'that local is attached again: reclaim it when the cause is gone');
    }
    return { reclaimed: true, recovered, lost };
  }

  /** A never-used block from the arena (Go's New), or -1 when the arena is used up. */
  /** @internal */
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
  /** @internal */
  protected count(counter: number): void {
    const w = this.words;
    const word = this.record + counter;
    w[word] = w[word]! + 1;
  }

  /** The block index of an id that get() returned (debug mode's ids carry a handout number). */
  /** @internal */
  protected blockIndex(id: number): number {
    return id % BLOCK_ID_SPAN;
  }

  /** @internal */
  protected isBlockId(id: number): boolean {
    return typeof id === 'number' && id >>> 0 === id && id < this.blocks;
  }

  /** The error for an id that is not a block index: TypeError for a non-integer, RangeError otherwise. */
  /** @internal */
  protected badId(method: string, id: unknown): Error {
    const hint = this.layout.debug ? 'pass the id that get() returned, unchanged' : `block ids are integers from 0 to ${this.blocks - 1}, as returned by get()`;
    return Number.isInteger(id)
      ? new RangeError(`${this.layout.name}.${method}: ${describe(id)} is not a block id; ${hint}`)
      : new TypeError(`${this.layout.name}.${method}: ${describe(id)} is not a block id; ${hint}`);
  }

  /** TypeError unless `value` is an integer, RangeError unless it is in min..max. */
  /** @internal */
  protected checkInteger(method: string, what: string, value: unknown, min: number, max: number, hint: string): void {
    if (!Number.isInteger(value)) throw new TypeError(`${this.layout.name}.${method}: ${what} ${describe(value)} is not an integer; ${hint}`);
    if ((value as number) < min || (value as number) > max) {
      throw new RangeError(`${this.layout.name}.${method}: ${what} ${describe(value)} is out of range; ${hint}`);
    }
  }

  /** @internal */
  protected assertAttached(method: string): void {
    if (!this.attached) {
      throw new PoolError(this.layout.name, `${method}: this attachment was detached; call attach(buffer) for a new one`);
    }
  }

  // Debug mode. Each block has a handout word: handout number << 1 | 1 while handed out, << 1
  // | 0 while pooled. get() bumps the number and returns it with the block index (id = handout *
  // 16384 + index), and put(id) takes the block back only if that handout is still out, with one
  // compareExchange. So a put of a block that is in the pool, of an id from an earlier handout
  // (the block was put and handed out again since), or of an id never returned by get() throws,
  // whichever thread makes it, and two threads putting one id at once cannot both succeed.

  /** Debug mode, on get: the id for handing block `block` out now. */
  /** @internal */
  protected handOut(block: number): number {
    const index = (this.layout.statesAt >>> 2) + block;
    const previous = Atomics.load(this.words, index) >>> 1;
    const handout = previous + 1 < HANDOUT_LIMIT ? previous + 1 : 1;
    // Only this thread holds the block now: no other thread moves its word from "pooled".
    Atomics.store(this.words, index, (handout << 1) | 1);
    return handout * BLOCK_ID_SPAN + block;
  }

  /**
   * Debug mode's put: takes the handout of `id` back before anything changes, then has `store`
   * put its block; if `store` throws, the handout is out again, as before the call.
   */
  /** @internal */
  protected putHandout(id: number, store: (block: number) => void): void {
    const { index, handout } = this.#handoutOf('put', id);
    const out = (handout << 1) | 1;
    if (Atomics.compareExchange(this.words, index, out, handout << 1) !== out) {
      throw this.#notHandedOut('put', id, 'put twice, or an id from before the block was put and handed out again, or never returned by get(); the put was ignored');
    }
    try {
      store(id % BLOCK_ID_SPAN);
    } catch (error) {
      Atomics.store(this.words, index, out);
      throw error;
    }
  }

  #outstandingBlock(method: string, id: number): number {
    const { index, handout } = this.#handoutOf(method, id);
    if (this.attached && Atomics.load(this.words, index) !== ((handout << 1) | 1)) {
      throw this.#notHandedOut(method, id, 'a use after put');
    }
    return id % BLOCK_ID_SPAN;
  }

  #handoutOf(method: string, id: number): { index: number; handout: number } {
    this.assertAttached(method);
    if (!Number.isInteger(id) || id < 0 || id >= HANDOUT_LIMIT * BLOCK_ID_SPAN || id % BLOCK_ID_SPAN >= this.blocks) {
      throw this.badId(method, id);
    }
    return { index: (this.layout.statesAt >>> 2) + (id % BLOCK_ID_SPAN), handout: Math.floor(id / BLOCK_ID_SPAN) };
  }

  #notHandedOut(method: string, id: number, cause: string): PoolError {
    return new PoolError(this.layout.name, `${method}: block ${id % BLOCK_ID_SPAN} is not handed out under id ${id} ` +
      `(handout ${Math.floor(id / BLOCK_ID_SPAN)}): ${cause}`);
  }

  #makeView(id: number): Uint8Array {
    const view = new Uint8Array(this.buffer, this.layout.arenaAt + id * this.layout.blockStride, this.blockSize);
    this.#views[id] = view;
    return view;
  }
}
