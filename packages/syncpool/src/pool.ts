// Go's src/sync/pool.go for one JavaScript isolate.
//
// An isolate runs one thread of JavaScript at a time, so it has exactly one "P": each Pool holds
// one poolLocal (a private slot plus a LIFO stack) and needs no pinning and no atomics. The
// cross-thread, per-P design lives in shared-pool.ts.
//
// Life of an item, as in Go 1.13+:
//   put -> primary cache (private, then stack) -> [cleanup] -> victim -> [cleanup] -> released.
// A get takes from the primary cache first, then from the victim; an item taken from the victim
// and put back is primary again.

import { PoolError } from './errors.js';
import { Lease } from './lease.js';
import { armCleanup, registerPoolCleanup } from './gc-trigger.js';
import type { PoolEvent, PoolGetSource, PoolObserver } from './observer.js';
import { debugFromEnvironment } from './runtime.js';

export interface PoolOptions<T> {
  /** Makes an item when the pool is empty (Go's Pool.New). Without it, get() may return undefined. */
  new?: () => T;
  /** Runs on every put before the item is pooled; if it throws, the item is not pooled. */
  reset?: (x: T) => void;
  /**
   * Double-put detection and random drops of 1 put in 4, like Go's race mode. Every double put
   * throws PoolError: a dropped put still counts as a put, and so does a put in progress (a put
   * of x from inside reset(x)). Default: SYNCPOOL_DEBUG=1.
   */
  debug?: boolean;
  /** Names the pool in error messages. */
  name?: string;
  /**
   * false reproduces Go before 1.13: every cleanup releases everything, with no victim cache.
   * Only for comparing the two designs; the default, true, is Go's current behaviour.
   */
  victim?: boolean;
  /**
   * Called with each item the pool drops, for items that hold resources (a file handle, a
   * native buffer): the victims a cleanup releases (every item dropped at a cleanup), a put that
   * debug mode drops, a put refused by maxIdle. A throw from it during a cleanup does not stop the
   * cleanup: every item is still dropped and every other call made; the first error is rethrown
   * when the cleanup is done (from poolCleanup(), or from the GC-driven or idle-timeout cleanup as
   * an uncaught exception). A throw during a put reaches the caller of put; the item is dropped.
   */
  release?: (x: T) => void;
  /**
   * Keep at most this many items (primary and victim together): a put that finds the pool
   * holding maxIdle items drops its item (release(x), stats().refused) instead of pooling it.
   * An integer >= 0. Default: no bound, as Go.
   */
  maxIdle?: number;
  /**
   * Run this pool's cleanup cycle (victim released, primary becomes victim: what a GC does to
   * every pool) every idleTimeoutMs milliseconds while it holds items, so that an item unused
   * for two cycles is released even in a program whose load causes no major GC. The timer
   * does not keep a Node process alive. An integer from 1 to 2^31 - 1. Default: off, so that
   * only garbage collections release items, as in Go.
   */
  idleTimeoutMs?: number;
}

export interface PoolStats {
  /** gets = privateHits + stackHits + victimHits + news + misses */
  gets: number;
  /** Items accepted by put (null and undefined are ignored and not counted). */
  puts: number;
  privateHits: number;
  stackHits: number;
  victimHits: number;
  /** Calls of `new` (get found nothing pooled). */
  news: number;
  /** Gets that returned undefined: nothing pooled and no `new`. */
  misses: number;
  /** Items released by cleanups (victims dropped, or primaries when victim is false), idle-timeout cycles included. */
  dropped: number;
  /** Puts dropped because the pool held maxIdle items. */
  refused: number;
  /** Puts dropped on purpose by debug mode. */
  debugDrops: number;
  /** Cleanup cycles since this pool was created. */
  cleanups: number;
  /** Items now in the primary cache (private slot and stack). */
  primarySize: number;
  /** Items now in the victim cache. */
  victimSize: number;
}

/** Construct signatures that make get() return T when `new` is given and T | undefined otherwise. */
export interface PoolConstructor {
  new <T>(options: PoolOptions<T> & { new: () => T }): Pool<T, T>;
  new <T = unknown>(options?: PoolOptions<T>): Pool<T, T | undefined>;
  readonly prototype: Pool<unknown, unknown>;
}

let poolsCreated = 0;

// Go's allPools and oldPools. A pool enters allPools on its first put after a cleanup (Go
// registers in pinSlow) and so the library never references a pool that holds nothing: an
// unreachable, empty Pool is collectable. oldPools holds exactly the pools whose victim is
// non-empty, so cleanup costs O(pools that hold items), never O(items).
const allPools: Pool<unknown>[] = [];
const oldPools: Pool<unknown>[] = [];
let cleanupCount = 0;

// Caches that other parts of the library keep in front of their pools (BytesPool's one buffer
// per size class). Each registers its flush while it may hold an item, as a pool enters allPools;
// a cleanup calls every flush first, which puts the front's item into its pool, so that the item
// then ages like any pooled one (primary, victim, released), and forgets the flushes.
const frontFlushes: (() => void)[] = [];

/** @internal Has the next cleanup call `flush` before it cycles the pools (once: register again after it). */
export function registerFrontFlush(flush: () => void): void {
  frontFlushes.push(flush);
  armCleanup();
}

// poolCleanup needs the pools' private state; the class hands these steps out once.
// primaryToVictim is moveToVictim plus unregistering; idleCleanup is one pool's whole cycle.
let dropVictim: (pool: Pool<unknown>) => void;
let primaryToVictim: (pool: Pool<unknown>) => boolean;
let moveToVictim: (pool: Pool<unknown>) => boolean;
let idleCleanup: (pool: Pool<unknown>) => void;

// The first error a release callback threw during the cleanup in progress: the cleanup goes on,
// and this is rethrown at its end (throwReleaseFailure).
let releaseFailure: { error: unknown } | undefined;

function releaseItem<T>(release: (x: T) => void, x: T | undefined): void {
  try {
    release(x as T);
  } catch (error) {
    releaseFailure ??= { error };
  }
}

function throwReleaseFailure(): void {
  const failure = releaseFailure;
  releaseFailure = undefined;
  if (failure !== undefined) throw failure.error;
}

// Observed pools and their observers. Kept outside the instances so that an unobserved pool has
// no field for it and its get/put are the prototype's, untouched. An observed pool is referenced
// from here until observe(undefined), so that every cleanup can be reported to it.
const observers = new Map<Pool<unknown>, PoolObserver<unknown>>();
// What a cleanup changes, read before and after it: [items moved to the victim, items released].
let cleanupCounts: (pool: Pool<unknown>) => readonly [number, number];

/**
 * Go's sync.Pool: a set of temporary items that may be individually saved and retrieved, and
 * that are released when nobody takes them for two garbage-collection cycles.
 */
export class Pool<T, Got extends T | undefined = T> {
  // The primary cache, Go's poolLocal: the private slot, then a LIFO stack (Go's shared
  // chain). `undefined` marks an empty slot: put ignores undefined and null, so a stored item is
  // never mistaken for emptiness.
  #private: T | undefined = undefined;
  // The stack is stack[0, stackLength) with stackTop above it: the newest item lives in a field
  // of its own, so that a get or put that reaches the stack at depth 0 or 1 (two items held at
  // once) costs a field access, not an array access with its bounds and elements-kind checks.
  // Invariant: stackTop === undefined only when stackLength === 0. Array slots at stackLength
  // and above are undefined, so that popped items are not kept alive (Go's TestPoolRelease);
  // the capacity is kept for reuse until the stack becomes the victim and the victim is dropped.
  #stackTop: T | undefined = undefined;
  #stack: (T | undefined)[] = [];
  #stackLength = 0;

  // The victim cache: the primary cache of the previous cycle. Gets read its private slot, then
  // its stack from the oldest end (Go pops the tail of victim chains), i.e. victim[victimTail,
  // victimEnd).
  #victimPrivate: T | undefined = undefined;
  #victim: (T | undefined)[] = [];
  #victimTail = 0;
  #victimEnd = 0;

  // True while this pool is in allPools, i.e. since its first put after the last cleanup.
  #registered = false;
  // True when put has nothing to do but store: registered, and none of reset, debug, maxIdle,
  // idleTimeoutMs given. One test on put's fast path stands for all of them.
  #direct = false;

  readonly #new: (() => T) | undefined;
  readonly #reset: ((x: T) => void) | undefined;
  readonly #debug: DebugState | undefined;
  readonly #keepVictim: boolean;
  readonly #name: string;
  readonly #cleanupsAtCreation: number;

  // The fast paths pay for each counter they update, so only puts are counted, by where the
  // item went (one increment per put, none per get); hits are derived from them (see stats()):
  // an item put in the private slot or on the stack leaves it by a get or by a cleanup.
  #privatePuts = 0;
  #stackPuts = 0;
  #privateToVictim = 0;
  #stackToVictim = 0;
  #victimHits = 0;
  #news = 0;
  #misses = 0;
  #dropped = 0;

  // The options that Go's Pool does not have, in one object made only for a pool that uses one
  // of them, so that a pool without them has a single field more than before and keeps the fields
  // its fast paths touch where they were.
  readonly #limits: Limits<T> | undefined;

  constructor(options: PoolOptions<T> = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Pool: options must be an object such as { new: () => item }, got ${describe(options)}`);
    }
    const {
      new: make, reset, debug = debugFromEnvironment(), name = `Pool#${++poolsCreated}`, victim = true, release, maxIdle, idleTimeoutMs,
    } = options;
    checkOption(make === undefined || typeof make === 'function', 'new', 'a function that returns a new item', make);
    checkOption(reset === undefined || typeof reset === 'function', 'reset', 'a function that clears an item before it is pooled', reset);
    checkOption(typeof debug === 'boolean', 'debug', 'a boolean', debug);
    checkOption(typeof name === 'string', 'name', 'a string', name);
    checkOption(typeof victim === 'boolean', 'victim', 'a boolean', victim);
    checkOption(release === undefined || typeof release === 'function', 'release', 'a function that frees a dropped item\'s resources', release);
    checkCount('maxIdle', maxIdle, 0, 'the most items to keep (0 keeps none)');
    checkCount('idleTimeoutMs', idleTimeoutMs, 1, 'the milliseconds between the pool\'s own cleanups');
    this.#new = make;
    this.#reset = reset;
    this.#name = name;
    this.#debug = debug ? new DebugState() : undefined;
    this.#keepVictim = victim;
    this.#limits = release === undefined && maxIdle === undefined && idleTimeoutMs === undefined
      ? undefined : { release, maxIdle, idleTimeoutMs, idleTimer: undefined, refused: 0 };
    this.#cleanupsAtCreation = cleanupCount;
  }

  /** The name used in error messages. */
  get name(): string {
    return this.#name;
  }

  /**
   * Calls `observer` with an event (see PoolEvent) after every get, put and cleanup of this
   * pool, synchronously and after the operation has taken effect; an observer that throws cannot
   * undo the operation, and its error reaches the caller of get/put (or of poolCleanup, after
   * every observed pool has had its cleanup event). `observe(undefined)` stops observing.
   *
   * Observing installs instance-own get/put that report and defer to the prototype's: a pool
   * nobody observes runs the prototype's code unchanged, so the feature costs nothing unless
   * used. While observed, the pool is referenced by the library (to report cleanups to it).
   */
  observe(observer: PoolObserver<T> | undefined): void {
    const self = this as Pool<unknown>;
    if (observer === undefined) {
      // Deleted in the reverse order of their definition, so that V8 can roll the instance back
      // to the map it had before it was observed.
      if (observers.delete(self)) {
        delete (this as { put?: unknown }).put;
        delete (this as { get?: unknown }).get;
      }
      return;
    }
    if (typeof observer !== 'function') {
      throw new TypeError(`${this.#name}.observe: observer must be a function or undefined, got ${describe(observer)}`);
    }
    if (!observers.has(self)) {
      Object.defineProperty(this, 'get', { value: () => this.#observedGet(), writable: true, configurable: true });
      Object.defineProperty(this, 'put', { value: (x: T | null | undefined) => this.#observedPut(x), writable: true, configurable: true });
    }
    observers.set(self, observer as PoolObserver<unknown>);
  }

  #emit(event: PoolEvent<T>): void {
    (observers.get(this as Pool<unknown>) as PoolObserver<T> | undefined)?.(event);
  }

  /** The observed twin of get: where get will take its item from is decided by the state alone. */
  #observedGet(): Got {
    const source: PoolGetSource =
      this.#private !== undefined ? 'private'
      : this.#stackTop !== undefined ? 'shared'
      : this.#victimPrivate !== undefined ? 'victim-private'
      : this.#victimTail < this.#victimEnd ? 'victim-shared'
      : this.#new !== undefined ? 'new'
      : 'none';
    const item = Pool.prototype.get.call(this) as Got;
    this.#emit({ kind: 'get', source, item });
    return item;
  }

  /** The observed twin of put: the counters of where puts went say where this one went. */
  #observedPut(x: T | null | undefined): void {
    const privatePuts = this.#privatePuts;
    const stackPuts = this.#stackPuts;
    Pool.prototype.put.call(this, x);
    if (x === undefined || x === null) {
      this.#emit({ kind: 'put', to: 'ignored', item: x as T });
      return;
    }
    const to = this.#privatePuts !== privatePuts ? 'private' : this.#stackPuts !== stackPuts ? 'shared' : 'dropped';
    this.#emit({ kind: 'put', to, item: x });
  }

  /**
   * Adds x to the pool. null and undefined are ignored, as Go ignores nil. `reset(x)` runs first;
   * if it throws, x is not pooled and the error propagates.
   */
  put(x: T | null | undefined): void {
    if (x === undefined || x === null) return;
    if (this.#direct !== true && !this.#prepare(x)) return;
    if (this.#private === undefined) {
      this.#private = x;
      this.#privatePuts++;
      return;
    }
    const top = this.#stackTop;
    if (top !== undefined) this.#append(top);
    this.#stackTop = x;
    this.#stackPuts++;
  }

  /** Adds x to the stack's array, growing it only when the stack has never been this deep. */
  #append(x: T): void {
    const n = this.#stackLength;
    if (n < this.#stack.length) this.#stack[n] = x;
    else this.#stack.push(x);
    this.#stackLength = n + 1;
  }

  /**
   * What put does besides storing, for pools that need it: debug checks, reset, registration
   * after a cleanup. Returns false when debug mode drops x; throws (leaving the pool unchanged)
   * when a check or reset throws.
   */
  #prepare(x: T): boolean {
    const debug = this.#debug;
    if (debug !== undefined) {
      // x counts as put from here on, before reset runs (so that a put of x from inside reset
      // is caught) and whether or not the drop below keeps it (so that a second put is caught).
      debug.checkNotPooled(this.#name, x);
      debug.pooled(x);
      if (this.#reset !== undefined) {
        try {
          this.#reset(x);
        } catch (error) {
          debug.taken(x);
          throw error;
        }
      }
      if (debug.drops()) {
        this.#limits?.release?.(x);
        return false;
      }
    } else if (this.#reset !== undefined) {
      this.#reset(x);
    }
    const limits = this.#limits;
    if (limits?.maxIdle !== undefined && this.#size() >= limits.maxIdle) {
      limits.refused++;
      this.#emit({ kind: 'release', reason: 'maxIdle', count: 1 });
      limits.release?.(x);
      return false;
    }
    if (!this.#registered) this.#register();
    if (limits?.idleTimeoutMs !== undefined && limits.idleTimer === undefined) this.#armIdle(limits, limits.idleTimeoutMs);
    return true;
  }

  /** Items held now, primary and victim. */
  #size(): number {
    return (this.#private === undefined ? 0 : 1) + this.#stackSize() + this.#victimSize();
  }

  #armIdle(limits: Limits<T>, ms: number): void {
    const timer = setTimeout(() => this.#idleCycle(limits, ms), ms);
    (timer as { unref?: () => void }).unref?.();
    limits.idleTimer = timer;
  }

  /** The idle timeout's cleanup: one cycle of this pool alone, as poolCleanup makes for all. */
  #idleCycle(limits: Limits<T>, ms: number): void {
    limits.idleTimer = undefined;
    const dropped = this.#dropped;
    idleCleanup(this as Pool<unknown>);
    if (this.#size() > 0) this.#armIdle(limits, ms);
    this.#emit({ kind: 'release', reason: 'idleTimeoutMs', count: this.#dropped - dropped });
    throwReleaseFailure();
  }

  /**
   * Takes an item: the private slot, else the most recently put item (LIFO keeps the cache-hot
   * one), else the victim cache, else `new()`, else undefined. If `new` throws, get throws that
   * error and the pool is unchanged.
   */
  get(): Got {
    let x = this.#private;
    if (x !== undefined) {
      this.#private = undefined;
    } else {
      x = this.#stackTop;
      if (x === undefined) return this.#getSlow();
      const n = this.#stackLength - 1;
      if (n < 0) {
        this.#stackTop = undefined;
      } else {
        this.#stackTop = this.#stack[n];
        this.#stack[n] = undefined;
        this.#stackLength = n;
      }
    }
    if (this.#debug !== undefined) this.#debug.taken(x as T);
    return x as Got;
  }

  /** Go's getSlow (minus stealing, there being no other P) followed by New. */
  #getSlow(): Got {
    let x = this.#victimPrivate;
    if (x !== undefined) {
      this.#victimPrivate = undefined;
    } else if (this.#victimTail < this.#victimEnd) {
      const tail = this.#victimTail;
      x = this.#victim[tail];
      this.#victim[tail] = undefined;
      this.#victimTail = tail + 1;
      if (tail + 1 === this.#victimEnd) this.#clearVictim();
    } else if (this.#new !== undefined) {
      const made = this.#new();
      this.#news++;
      return made as Got;
    } else {
      this.#misses++;
      return undefined as Got;
    }
    this.#victimHits++;
    if (this.#debug !== undefined) this.#debug.taken(x as T);
    return x as Got;
  }

  /**
   * get(), as a lease: `using lease = pool.lease()` puts `lease.value` back when the scope ends
   * (or call lease.release()). Costs one small object per lease; get and put are unchanged.
   */
  lease(): Lease<Got> {
    return new Lease<Got>(this as { put(x: Got): void }, this.get());
  }

  /** Counters since creation and the current cache sizes. */
  stats(): PoolStats {
    const privateSize = this.#private === undefined ? 0 : 1;
    const stackSize = this.#stackSize();
    // An item put in a place is still there, was taken by a get, or moved to the victim.
    const privateHits = this.#privatePuts - privateSize - this.#privateToVictim;
    const stackHits = this.#stackPuts - stackSize - this.#stackToVictim;
    return {
      gets: privateHits + stackHits + this.#victimHits + this.#news + this.#misses,
      puts: this.#privatePuts + this.#stackPuts,
      privateHits,
      stackHits,
      victimHits: this.#victimHits,
      news: this.#news,
      misses: this.#misses,
      dropped: this.#dropped,
      refused: this.#limits?.refused ?? 0,
      debugDrops: this.#debug?.dropCount ?? 0,
      cleanups: cleanupCount - this.#cleanupsAtCreation,
      primarySize: privateSize + stackSize,
      victimSize: this.#victimSize(),
    };
  }

  #stackSize(): number {
    return this.#stackTop === undefined ? 0 : this.#stackLength + 1;
  }

  #victimSize(): number {
    return (this.#victimPrivate === undefined ? 0 : 1) + this.#victimEnd - this.#victimTail;
  }

  #register(): void {
    this.#registered = true;
    this.#direct = this.#reset === undefined && this.#debug === undefined && this.#limits?.maxIdle === undefined && this.#limits?.idleTimeoutMs === undefined;
    allPools.push(this as Pool<unknown>);
    armCleanup();
  }

  // Releasing the array (length 0) rather than clearing slots keeps a cleanup O(1) in the number
  // of items, which is the point of Go's victim design (issue 22331: STW time grew with items).
  #clearVictim(): void {
    this.#victim.length = 0;
    this.#victimTail = 0;
    this.#victimEnd = 0;
  }

  static {
    cleanupCounts = (pool) => [pool.#privateToVictim + pool.#stackToVictim, pool.#dropped];
    dropVictim = (pool) => {
      pool.#dropped += pool.#victimSize();
      pool.#debug?.released(pool.#victimPrivate, pool.#victim, pool.#victimTail, pool.#victimEnd);
      // Only a pool with a release callback visits its victims: a cleanup stays O(1) in items otherwise.
      const release = pool.#limits?.release;
      if (release !== undefined) {
        if (pool.#victimPrivate !== undefined) releaseItem(release, pool.#victimPrivate);
        for (let i = pool.#victimTail; i < pool.#victimEnd; i++) releaseItem(release, pool.#victim[i]);
      }
      pool.#victimPrivate = undefined;
      pool.#clearVictim();
    };
    idleCleanup = (pool) => {
      dropVictim(pool);
      moveToVictim(pool);
    };
    primaryToVictim = (pool) => {
      pool.#registered = false;
      pool.#direct = false;
      return moveToVictim(pool);
    };
    moveToVictim = (pool) => {
      // Only an idle-timeout cycle leaves a victim behind for a pool outside oldPools: this cycle releases it.
      if (pool.#victimSize() > 0) dropVictim(pool);
      // The top joins the array, newest last, so that the victim reads oldest first.
      const top = pool.#stackTop;
      if (top !== undefined) {
        pool.#append(top);
        pool.#stackTop = undefined;
      }
      pool.#privateToVictim += pool.#private === undefined ? 0 : 1;
      pool.#stackToVictim += pool.#stackLength;
      // The victim is empty here: pools with a non-empty victim were in oldPools and have just
      // been dropped. Its array becomes the new, empty stack, so no allocation happens.
      const emptied = pool.#victim;
      pool.#victim = pool.#stack;
      pool.#victimPrivate = pool.#private;
      pool.#victimTail = 0;
      pool.#victimEnd = pool.#stackLength;
      pool.#stack = emptied;
      pool.#stackLength = 0;
      pool.#private = undefined;
      if (!pool.#keepVictim) dropVictim(pool);
      return pool.#victimSize() > 0;
    };
  }
}

/**
 * Go's poolCleanup: one cleanup cycle over every pool. Each pool's victim is released and each
 * pool's primary cache becomes its victim. Runs automatically after each major GC (see
 * gc-trigger.ts); call it directly for deterministic tests.
 */
export function poolCleanup(): void {
  const before = observers.size === 0 ? undefined : [...observers.keys()].map((pool) => cleanupCounts(pool));
  cleanupCount++;
  for (const flush of frontFlushes) flush();
  frontFlushes.length = 0;
  for (const pool of oldPools) dropVictim(pool);
  oldPools.length = 0;
  for (const pool of allPools) {
    if (primaryToVictim(pool)) oldPools.push(pool);
  }
  allPools.length = 0;
  try {
    if (before !== undefined) reportCleanup(before);
  } finally {
    throwReleaseFailure();
  }
}

// Every observed pool hears of every cleanup, also one that moved nothing (its stats().cleanups
// counts it). An observer that throws does not keep the others from hearing: the first error is
// rethrown once all have been told.
function reportCleanup(before: readonly (readonly [number, number])[]): void {
  let failure: { error: unknown } | undefined;
  let i = 0;
  for (const [pool, observer] of [...observers]) {
    const [moved, dropped] = before[i++] ?? [0, 0];
    const [movedNow, droppedNow] = cleanupCounts(pool);
    try {
      observer({ kind: 'cleanup', toVictim: movedNow - moved, released: droppedNow - dropped });
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}

// Go's init: runtime_registerPoolCleanup(poolCleanup). The trigger re-arms only while some
// pool still holds items, so an idle program carries no sentinel at all.
registerPoolCleanup(() => {
  poolCleanup();
  return oldPools.length > 0;
});

/** Pool's options beyond Go's (see PoolOptions), and the state they need. */
interface Limits<T> {
  readonly release: ((x: T) => void) | undefined;
  readonly maxIdle: number | undefined;
  readonly idleTimeoutMs: number | undefined;
  /** The idle-timeout timer, while one is set: armed by a put, re-armed while the pool holds items. */
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Puts refused by maxIdle. */
  refused: number;
}

/** Debug mode's bookkeeping, kept out of the Pool so that debug off costs one field test. */
class DebugState {
  // Objects put and not taken since: in the pool (primary or victim), or dropped by drops().
  // Weak, so that a dropped object is remembered without being kept alive. Primitives cannot be
  // told apart from equal values, so only objects are checked for double puts.
  readonly #pooled = new WeakSet<object>();
  dropCount = 0;

  checkNotPooled(name: string, x: unknown): void {
    if (this.#pooled.has(x as object)) {
      throw new PoolError(
        name,
        'put of an object that is already in the pool (put twice with no get in between). ' +
          'Find the code path that releases it a second time; a pool would hand it to two users.',
      );
    }
  }

  /** Go's race mode drops 1 put in 4 so that code assuming put-then-get returns x fails its tests. */
  drops(): boolean {
    if (Math.random() >= 0.25) return false;
    this.dropCount++;
    return true;
  }

  pooled(x: unknown): void {
    if (typeof x === 'object' || typeof x === 'function') this.#pooled.add(x as object);
  }

  taken(x: unknown): void {
    this.#pooled.delete(x as object);
  }

  released(privateItem: unknown, items: readonly unknown[], from: number, to: number): void {
    this.#pooled.delete(privateItem as object);
    for (let i = from; i < to; i++) this.#pooled.delete(items[i] as object);
  }
}

function checkOption(ok: boolean, option: string, expected: string, got: unknown): void {
  if (!ok) throw new TypeError(`Pool: options.${option} must be ${expected}, got ${describe(got)}`);
}

/** undefined, or an integer from `min` to 2^31 - 1: TypeError for another type, RangeError out of range. */
function checkCount(option: string, value: unknown, min: number, meaning: string): void {
  if (value === undefined) return;
  checkOption(typeof value === 'number' && Number.isInteger(value), option, `an integer (${meaning})`, value);
  if ((value as number) < min || (value as number) > 0x7fffffff) {
    throw new RangeError(`Pool: options.${option} must be from ${min} to 2^31 - 1 (${meaning}), got ${String(value)}`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' || typeof value === 'function') {
    return value.constructor?.name ? `a ${value.constructor.name}` : `a ${typeof value}`;
  }
  return `${typeof value} ${String(value)}`;
}
