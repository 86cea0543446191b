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
import { armCleanup, registerPoolCleanup } from './gc-trigger.js';
import { environmentVariable } from './runtime.js';

export interface PoolOptions<T> {
  /** Makes an item when the pool is empty (Go's Pool.New). Without it, get() may return undefined. */
  new?: () => T;
  /** Runs on every put before the item is pooled; if it throws, the item is not pooled. */
  reset?: (x: T) => void;
  /** Double-put detection and random drops of 1 put in 4, like Go's race mode. Default: SYNCPOOL_DEBUG=1. */
  debug?: boolean;
  /** Names the pool in error messages. */
  name?: string;
  /**
   * false reproduces Go before 1.13: every cleanup releases everything, with no victim cache.
   * Only for experiments (seed Task 6); the default, true, is Go's current behaviour.
   */
  victim?: boolean;
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
  /** Items released by cleanups (victims dropped, or primaries when victim is false). */
  dropped: number;
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
  readonly prototype: Pool<unknown>;
}

// Read when the first pool is made, not at import, so that importing needs no permission (Deno).
let debugFromEnvironment: boolean | undefined;

let poolsCreated = 0;

// Go's allPools and oldPools. A pool enters allPools on its first put after a cleanup (Go
// registers in pinSlow) and so the library never references a pool that holds nothing: an
// unreachable, empty Pool is collectable. oldPools holds exactly the pools whose victim is
// non-empty, so cleanup costs O(pools that hold items), never O(items).
const allPools: Pool<unknown>[] = [];
const oldPools: Pool<unknown>[] = [];
let cleanupCount = 0;

// poolCleanup needs the pools' private state; the class hands these two steps out once.
let dropVictim: (pool: Pool<unknown>) => void;
let primaryToVictim: (pool: Pool<unknown>) => boolean;

/**
 * Go's sync.Pool: a set of temporary items that may be individually saved and retrieved, and
 * that are released when nobody takes them for two garbage-collection cycles.
 */
export class Pool<T, Got extends T | undefined = T | undefined> {
  // The primary cache, Go's poolLocal. `undefined` marks an empty slot: put ignores undefined
  // and null, so a stored item is never mistaken for emptiness.
  #private: T | undefined = undefined;
  // The stack is stack[0, stackLength); slots above are undefined so that popped items are not
  // kept alive (Go's TestPoolRelease). Capacity is kept for reuse until the stack becomes the
  // victim and the victim is dropped.
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

  readonly #new: (() => T) | undefined;
  readonly #reset: ((x: T) => void) | undefined;
  readonly #debug: DebugState | undefined;
  readonly #keepVictim: boolean;
  readonly #name: string;
  readonly #cleanupsAtCreation: number;

  // The pair benchmark pays for each counter on the fast path, so private hits are not counted
  // but derived: every accepted put ends exactly one way (see stats()).
  #puts = 0;
  #stackHits = 0;
  #victimHits = 0;
  #news = 0;
  #misses = 0;
  #dropped = 0;

  constructor(options: PoolOptions<T> = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Pool: options must be an object such as { new: () => item }, got ${describe(options)}`);
    }
    const { new: make, reset, debug = (debugFromEnvironment ??= environmentVariable('SYNCPOOL_DEBUG') === '1'), name = `Pool#${++poolsCreated}`, victim = true } = options;
    checkOption(make === undefined || typeof make === 'function', 'new', 'a function that returns a new item', make);
    checkOption(reset === undefined || typeof reset === 'function', 'reset', 'a function that clears an item before it is pooled', reset);
    checkOption(typeof debug === 'boolean', 'debug', 'a boolean', debug);
    checkOption(typeof name === 'string', 'name', 'a string', name);
    checkOption(typeof victim === 'boolean', 'victim', 'a boolean', victim);
    this.#new = make;
    this.#reset = reset;
    this.#name = name;
    this.#debug = debug ? new DebugState() : undefined;
    this.#keepVictim = victim;
    this.#cleanupsAtCreation = cleanupCount;
  }

  /** The name used in error messages. */
  get name(): string {
    return this.#name;
  }

  /**
   * Adds x to the pool. null and undefined are ignored, as Go ignores nil. `reset(x)` runs first;
   * if it throws, x is not pooled and the error propagates.
   */
  put(x: T | null | undefined): void {
    if (x === undefined || x === null) return;
    const debug = this.#debug;
    if (debug !== undefined) debug.checkNotPooled(this.#name, x);
    if (this.#reset !== undefined) this.#reset(x);
    if (debug !== undefined && debug.drops()) return;
    this.#puts++;
    if (this.#private === undefined) {
      this.#private = x;
    } else {
      const n = this.#stackLength;
      if (n < this.#stack.length) this.#stack[n] = x;
      else this.#stack.push(x);
      this.#stackLength = n + 1;
    }
    if (debug !== undefined) debug.pooled(x);
    if (!this.#registered) this.#register();
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
      const n = this.#stackLength - 1;
      if (n < 0) return this.#getSlow();
      x = this.#stack[n];
      this.#stack[n] = undefined;
      this.#stackLength = n;
      this.#stackHits++;
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

  /** Counters since creation and the current cache sizes. */
  stats(): PoolStats {
    const primarySize = (this.#private === undefined ? 0 : 1) + this.#stackLength;
    const victimSize = this.#victimSize();
    // An accepted put's item is still pooled, was taken by a hit, or was dropped by a cleanup.
    const privateHits = this.#puts - primarySize - victimSize - this.#dropped - this.#stackHits - this.#victimHits;
    return {
      gets: privateHits + this.#stackHits + this.#victimHits + this.#news + this.#misses,
      puts: this.#puts,
      privateHits,
      stackHits: this.#stackHits,
      victimHits: this.#victimHits,
      news: this.#news,
      misses: this.#misses,
      dropped: this.#dropped,
      debugDrops: this.#debug?.dropCount ?? 0,
      cleanups: cleanupCount - this.#cleanupsAtCreation,
      primarySize,
      victimSize,
    };
  }

  #victimSize(): number {
    return (this.#victimPrivate === undefined ? 0 : 1) + this.#victimEnd - this.#victimTail;
  }

  #register(): void {
    this.#registered = true;
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
    dropVictim = (pool) => {
      pool.#dropped += pool.#victimSize();
      pool.#debug?.released(pool.#victimPrivate, pool.#victim, pool.#victimTail, pool.#victimEnd);
      pool.#victimPrivate = undefined;
      pool.#clearVictim();
    };
    primaryToVictim = (pool) => {
      pool.#registered = false;
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
  cleanupCount++;
  for (const pool of oldPools) dropVictim(pool);
  oldPools.length = 0;
  for (const pool of allPools) {
    if (primaryToVictim(pool)) oldPools.push(pool);
  }
  allPools.length = 0;
}

// Go's init: runtime_registerPoolCleanup(poolCleanup). The trigger re-arms only while some
// pool still holds items, so an idle program carries no sentinel at all.
registerPoolCleanup(() => {
  poolCleanup();
  return oldPools.length > 0;
});

/** Debug mode's bookkeeping, kept out of the Pool so that debug off costs one field test. */
class DebugState {
  // Objects now in the pool (primary or victim). Primitives cannot be told apart from equal
  // values, so only objects are checked for double puts.
  readonly #pooled = new Set<unknown>();
  dropCount = 0;

  checkNotPooled(name: string, x: unknown): void {
    if (this.#pooled.has(x)) {
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
    if (typeof x === 'object' || typeof x === 'function') this.#pooled.add(x);
  }

  taken(x: unknown): void {
    this.#pooled.delete(x);
  }

  released(privateItem: unknown, items: readonly unknown[], from: number, to: number): void {
    this.#pooled.delete(privateItem);
    for (let i = from; i < to; i++) this.#pooled.delete(items[i]);
  }
}

function checkOption(ok: boolean, option: string, expected: string, got: unknown): void {
  if (!ok) throw new TypeError(`Pool: options.${option} must be ${expected}, got ${describe(got)}`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' || typeof value === 'function') {
    return value.constructor?.name ? `a ${value.constructor.name}` : `a ${typeof value}`;
  }
  return `${typeof value} ${String(value)}`;
}
