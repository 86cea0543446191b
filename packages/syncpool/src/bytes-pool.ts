// Size-classed byte buffers: one Pool per power-of-two size, like .NET's ArrayPool<byte>.Shared,
// and like the sync.Pool-per-size that Go programs build by hand. Every class is a Pool, so idle
// buffers are released over two GC cycles like any pooled item.
//
// Why pool bytes at all: V8 keeps a typed array of up to 64 bytes on the heap, but from 65 bytes
// its backing store is allocated off-heap, which costs hundreds of nanoseconds (see README,
// "Where pooling pays"); a pool hit costs a few.

import { PoolError } from './errors.js';
import { Pool, describe, registerFrontFlush, type PoolStats } from './pool.js';
import { debugFromEnvironment } from './runtime.js';

/** When reused memory is cleared. The default, false, never clears it: see the README's warning. */
export type Zeroing = 'on-get' | 'on-put' | false;

export interface BytesPoolOptions {
  /** Smallest class, a power of two. Smaller requests get a buffer of this size. Default 64. */
  minSize?: number;
  /** Largest class, a power of two. Larger requests get a fresh buffer that is never pooled. Default 1 MiB. */
  maxSize?: number;
  /**
   * Default false: a reused buffer holds its previous user's bytes, like Buffer.allocUnsafe.
   * 'on-put' clears it when it is put back, 'on-get' when it is handed out.
   */
  zero?: Zeroing;
  /**
   * Rejected puts throw PoolError, double puts are detected (see Pool's debug option), and writes
   * to a buffer after its put are detected by its next get (see BytesPool.debugFill). Default:
   * SYNCPOOL_DEBUG=1, as for Pool.
   */
  debug?: boolean;
  name?: string;
}

/**
 * Why a put did not pool a buffer. 'alreadyPooled': its memory is in the pool already (the same
 * buffer put twice, or another full view of its ArrayBuffer put while the first one is pooled).
 */
export type Rejection = 'notUint8Array' | 'wrongSize' | 'notOwner' | 'bufferSlab' | 'alreadyPooled';

export interface BytesPoolStats {
  /** One entry per class, smallest first. Buffers from get() and getBuffer() are pooled apart. */
  classes: (PoolStats & { size: number; kind: 'Uint8Array' | 'Buffer' })[];
  /** Requests above maxSize, served by a fresh buffer. */
  oversize: number;
  /** Puts that pooled nothing, by reason. */
  rejected: Record<Rejection, number>;
}

const MAX_CLASS_SIZE = 2 ** 30;

type Bytes = Uint8Array<ArrayBuffer>;

/**
 * What getBuffer() returns: Node's `Buffer` where Node's types are loaded (@types/node), so that
 * `getBuffer(n).write(...)` compiles; a Uint8Array elsewhere. The library itself depends on
 * nothing: the type is read from the global `Buffer` when there is one.
 */
export type NodeBuffer = typeof globalThis extends { Buffer: { allocUnsafeSlow(size: number): infer B } } ? B : Bytes;

interface BufferConstructorLike {
  allocUnsafeSlow(size: number): Bytes;
  isBuffer(x: unknown): boolean;
  readonly poolSize: number;
}
const NodeBufferClass = (globalThis as { Buffer?: BufferConstructorLike }).Buffer;

// The typed-array getters themselves, so that a put reads the real length, offset and
// ArrayBuffer of what it is given: a Proxy, an object made from Uint8Array.prototype or an
// own property that shadows `buffer` cannot pass for a buffer, and nothing throws an engine error.
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsicGetter<R>(key: PropertyKey): (this: unknown) => R {
  return Object.getOwnPropertyDescriptor(typedArrayPrototype, key)!.get as (this: unknown) => R;
}
// The toStringTag getter returns undefined for anything but a real typed array.
const typedArrayName = intrinsicGetter<string | undefined>(Symbol.toStringTag);
const byteLengthOf = intrinsicGetter<number>('byteLength');
const byteOffsetOf = intrinsicGetter<number>('byteOffset');
const bufferOf = intrinsicGetter<ArrayBufferLike>('buffer');

// Returns its argument from the constructor, so that a subclass adds its private fields to that
// object: the way to give a typed array a field that only this module can read.
class Stamped {
  constructor(target: object) {
    return target;
  }
}

/**
 * One size class of one BytesPool: its Pool, and the counts of its pool's hot buffer (see
 * BytesPool's `hot`) while the hot buffer was of this class.
 */
class SizeClass {
  // Puts that made the hot buffer pooled again (folded in from the pool's count when the hot
  // buffer stops being of this class), and hot buffers that left the hot slot for the Pool while
  // pooled: with the slot's occupancy they give the gets the hot slot served (stats()), so that
  // get counts nothing on its fast path.
  hotPuts = 0;
  hotReturned = 0;

  constructor(
    readonly bytesPool: BytesPool,
    /** Unique among all classes of all pools: the pool's first id (see nextClassIds) plus index. */
    readonly id: number,
    readonly index: number,
    readonly size: number,
    readonly kind: 'Uint8Array' | 'Buffer',
    readonly pool: Pool<Bytes, Bytes>,
  ) {}

  /**
   * Its Pool's stats with the hot slot's part added: `pendingPuts` hot puts not yet folded in,
   * `held` 1 when the hot slot holds a pooled buffer of this class.
   */
  stats(pendingPuts: number, held: number): PoolStats & { size: number; kind: 'Uint8Array' | 'Buffer' } {
    const pool = this.pool.stats();
    const puts = this.hotPuts + pendingPuts;
    const hotHits = puts - this.hotReturned - held;
    return {
      size: this.size,
      kind: this.kind,
      ...pool,
      gets: pool.gets + hotHits,
      puts: pool.puts + puts - this.hotReturned,
      privateHits: pool.privateHits + hotHits,
      primarySize: pool.primarySize + held,
    };
  }
}

/** Class ids of one BytesPool run below its first id plus this: Uint8Array classes, then Buffer classes (at most 31 of each). */
const CLASS_SPAN = 64;
let classIdsUsed = 0;

/**
 * A new BytesPool's first class id. Ids never repeat, so a stamp names one class of one pool for
 * good; they stay small integers (no heap number) for the first 2^24 pools, and exact after.
 */
function nextClassIds(): number {
  const first = classIdsUsed;
  classIdsUsed += CLASS_SPAN;
  return first;
}

// Whether `buf` is `pool`'s hot buffer, pooled in the hot slot (BytesPool hands this out once).
let isHotPooled: (pool: BytesPool, buf: object) => boolean;

/**
 * What the library knows of one buffer, kept on the buffer itself in private fields: the size
 * class that owns it, and whether it is marked pooled. Only the paths that cannot use the pool's
 * hot buffer read them: a buffer that is not the hot one (several outstanding at once), another
 * view of a pooled ArrayBuffer, a get from the Pool. Invariants: a stamped buffer X is pooled
 * exactly when it is marked pooled (in its class's Pool, or dropped there by debug mode: a
 * dropped put counts as a put) or it is its pool's hot buffer, pooled in the hot slot; a buffer
 * is stamped only once it is known to be a real Uint8Array or Buffer that owns its whole
 * ArrayBuffer, and its class's size is its length.
 */
class Ownership extends Stamped {
  // Its class's id while handed out, the id's bitwise complement (negative) while marked pooled:
  // put's stamped path reads this one small integer and writes it, with no write barrier.
  #state: number;
  // Its class, for the paths that need more than the id (another view, another pool).
  #sizeClass: SizeClass;

  private constructor(target: object, sizeClass: SizeClass) {
    super(target);
    this.#state = sizeClass.id;
    this.#sizeClass = sizeClass;
  }

  /** Stamps a buffer that sizeClass is about to hand out or pool (setPooled follows). */
  static stamp(buf: Bytes, sizeClass: SizeClass): void {
    new Ownership(buf, sizeClass);
  }

  static isPooled(buf: object): boolean {
    return #state in buf && (buf.#state < 0 || isHotPooled(buf.#sizeClass.bytesPool, buf));
  }

  /**
   * put's second path: for a buffer that is stamped, handed out by the pool whose class ids
   * start at firstId (its classes' sizes are `sizes`) and still of its class length (a transfer
   * detaches it to length 0), marks it pooled and returns its class index; else -1, changing
   * nothing. The caller has ruled out its hot buffer, the one buffer pooled unmarked.
   */
  static toPool(buf: Uint8Array, firstId: number, sizes: readonly number[]): number {
    if (!(#state in buf)) return -1;
    const state = buf.#state;
    const index = state - firstId;
    if (index >>> 0 >= sizes.length || buf.length !== sizes[index]) return -1;
    buf.#state = ~state;
    return index;
  }

  static ownerOf(buf: object): SizeClass | undefined {
    return #state in buf ? buf.#sizeClass : undefined;
  }

  /** Makes sizeClass the owner of stamped, handed-out `buf`: a put of a buffer that another pool handed out. */
  static adopt(buf: object, sizeClass: SizeClass): void {
    (buf as Ownership).#state = sizeClass.id;
    (buf as Ownership).#sizeClass = sizeClass;
  }

  /** Marks stamped `buf` handed out by the class with this id (its owner). */
  static setHandedOut(buf: object, id: number): void {
    (buf as Ownership).#state = id;
  }

  /** Marks stamped `buf` of sizeClass (its owner) pooled. */
  static setPooled(buf: object, sizeClass: SizeClass): void {
    (buf as Ownership).#state = ~sizeClass.id;
  }
}

// Every ArrayBuffer the library has pooled -> the one view of it that it pools (its canonical
// view, stamped). A full view arriving through another object (Buffer.from(u.buffer), a second
// new Uint8Array(store)) is resolved to this one, so one ArrayBuffer is pooled at most once, in
// whichever BytesPool. Only the slow path of put and a class's `new` touch it.
const canonicalViews = new WeakMap<ArrayBufferLike, Bytes>();

const DEBUG_FILL = 0xa5;
const DEBUG_FILL_WORD = (DEBUG_FILL * 0x01010101) | 0;

export class BytesPool {
  /**
   * Debug mode's check for use after put: put fills the whole class buffer with this byte, and
   * the next get of that buffer throws PoolError (naming the pool, withholding the buffer) if any
   * byte changed or the buffer was detached. It catches a write that lands between the put and
   * the next get of the same buffer. It cannot catch a read, nor a write after that get; but a
   * read after put finds this byte instead of the data, so whoever reads sees the bug (a socket
   * still sending the buffer sends 0xa5 bytes). Puts that debug mode drops are filled, never checked.
   */
  static readonly debugFill = DEBUG_FILL;

  readonly minSize: number;
  readonly maxSize: number;
  readonly zero: Zeroing;
  readonly #minShift: number;
  readonly #minMask: number;
  readonly #classCount: number;
  readonly #name: string;
  readonly #debug: boolean;
  // Whether the hot buffer is used: not in debug mode, whose checks live in the Pools, and not
  // when zeroing, whose fill costs far more than the hot buffer saves; those pools take the
  // stamped path every time, and the fast paths test nothing for them.
  readonly #useHot: boolean;
  // Booleans rather than tests of `zero`: testing a string-or-false field compiled to a call of
  // the StrictEqual builtin (TurboFan's listing).
  readonly #zeroOnGet: boolean;
  readonly #zeroOnPut: boolean;
  // Neither debug mode nor zeroing on put: a put has nothing to do but store.
  readonly #plainPut: boolean;
  // Class i holds Uint8Arrays of minSize << i bytes; class classCount + i holds Node Buffers of
  // the same size, made on the first getBuffer() (or put of a Buffer).
  readonly #classes: SizeClass[] = [];
  // The classes' ids run from #firstClassId; their sizes, in the same order.
  readonly #firstClassId = nextClassIds();
  readonly #sizes: number[] = [];
  readonly #pools: Pool<Bytes, Bytes>[] = [];
  // The hot buffer: a buffer that a get took from a Pool while no handed-out buffer was hot
  // (#take), kept referenced here whether it is handed out (hotOut) or pooled in this one-buffer
  // hot slot, with its class.
  // A put of exactly that object needs no other proof that it is this pool's, of that class and
  // handed out: put's fast path compares references and reads only the buffer's length, and a
  // get of its class takes it back by comparing an index. Reading and writing an ownership field
  // of the buffer (Ownership) on every get and put made a get+put cost 2.5x a Pool's, this
  // about 1.3x (bench/RESULTS.md, "BytesPool against Pool"). Invariants: hot is undefined exactly
  // when hotIndex is -1, and then hotOut is true (so no get matches); a hot buffer pooled in the
  // slot is not marked pooled (it is in no Pool); whoever pools a buffer elsewhere first retires
  // it as its owning pool's hot buffer (#putUnknown); each cleanup retires the hot buffer
  // (#flush), so that it ages in its Pool like any item and is not kept alive while handed out.
  #hot: Bytes | undefined = undefined;
  #hotIndex = -1;
  #hotOut = true;
  #hotClass: SizeClass;
  // Puts that made the hot buffer pooled again since it became hot (folded into its class's hotPuts).
  #hotPuts = 0;
  // Whether this pool's flush is registered for the next cleanup (registerFrontFlush): set
  // when a buffer becomes hot, cleared by the flush.
  #flushRegistered = false;
  readonly #flush = (): void => {
    this.#flushRegistered = false;
    this.#retireHot();
  };
  // V8 11.3 does not inline the typed-array getters byteLength, byteOffset and buffer (25-40 ns
  // each, measured; README), so only the slow path of put calls them.
  // Debug mode only: the buffers that a put filled with DEBUG_FILL and no get has checked since.
  // Fresh buffers from a class's `new` are not in it and are not checked.
  readonly #filled: WeakSet<Bytes> | undefined;
  #oversize = 0;
  readonly #rejected: Record<Rejection, number> = { notUint8Array: 0, wrongSize: 0, notOwner: 0, bufferSlab: 0, alreadyPooled: 0 };

  constructor(options: BytesPoolOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`BytesPool: options must be an object, got ${describe(options)}`);
    }
    const { minSize = 64, maxSize = 1024 * 1024, zero = false, debug = debugFromEnvironment(), name = 'BytesPool' } = options;
    checkPowerOfTwo('minSize', minSize);
    checkPowerOfTwo('maxSize', maxSize);
    if (minSize > maxSize) throw new RangeError(`BytesPool: minSize (${minSize}) must not exceed maxSize (${maxSize})`);
    if (zero !== 'on-get' && zero !== 'on-put' && zero !== false) {
      throw new TypeError(`BytesPool: options.zero must be 'on-get', 'on-put' or false, got ${describe(zero)}`);
    }
    if (typeof debug !== 'boolean') throw new TypeError(`BytesPool: options.debug must be a boolean, got ${describe(debug)}`);
    if (typeof name !== 'string') throw new TypeError(`BytesPool: options.name must be a string, got ${describe(name)}`);
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.zero = zero;
    this.#useHot = !debug && zero === false;
    this.#zeroOnGet = zero === 'on-get';
    // In debug mode the fill replaces zeroing on put: it erases the old data just the same, and
    // #checkFill zeroes after checking, so a zeroing pool still hands out zeros.
    this.#zeroOnPut = zero === 'on-put' && !debug;
    this.#plainPut = !debug && zero !== 'on-put';
    this.#minShift = Math.log2(minSize);
    this.#minMask = minSize - 1;
    this.#classCount = Math.log2(maxSize) - this.#minShift + 1;
    this.#name = name;
    this.#debug = debug;
    this.#filled = debug ? new WeakSet() : undefined;
    this.#addClasses((size) => new Uint8Array(size), 'Uint8Array');
    this.#hotClass = this.#classes[0]!;
  }

  #addClasses(make: (size: number) => Bytes, kind: 'Uint8Array' | 'Buffer'): void {
    const filled = this.#filled;
    for (let size = this.minSize; size <= this.maxSize; size *= 2) {
      const index = this.#classes.length;
      const options = {
        new: () => {
          const buf = make(size);
          Ownership.stamp(buf, this.#classes[index]!);
          canonicalViews.set(buf.buffer, buf);
          return buf;
        },
        debug: this.#debug,
        name: `${this.#name}[${kind} ${size}]`,
      };
      const pool = new Pool<Bytes, Bytes>(filled === undefined ? options : { ...options, reset: (buf: Bytes) => filled.add(buf.fill(DEBUG_FILL)) });
      this.#classes.push(new SizeClass(this, this.#firstClassId + index, index, size, kind, pool));
      this.#sizes.push(size);
      this.#pools.push(pool);
    }
  }

  /**
   * A buffer of at least n bytes: the whole buffer of the smallest class that fits, so its
   * length is a power of two. Keep n beside it rather than calling subarray(), which makes a new
   * view object: most byte APIs take a length (encodeInto's result, fs.readSync(fd, buf, 0, n),
   * buf.fill(x, 0, n)). Requests above maxSize get a fresh buffer of exactly n bytes, never pooled.
   */
  get(n: number): Bytes {
    const index = this.#classIndex(n);
    if (index === this.#hotIndex && this.#hotOut === false) {
      this.#hotOut = true;
      return this.#hot!;
    }
    if (index < 0) return this.#oversized(n, newUint8Array);
    return this.#take(index);
  }

  /** Like get(n), for Node: a Buffer that owns its memory (never a slice of Buffer's shared slab). */
  getBuffer(n: number): NodeBuffer {
    const index = this.#classIndex(n);
    if (index < 0) return this.#oversized(n, this.#bufferAllocator()) as unknown as NodeBuffer;
    if (this.#classCount + index === this.#hotIndex && this.#hotOut === false) {
      this.#hotOut = true;
      return this.#hot as unknown as NodeBuffer;
    }
    return this.#take(this.#bufferClassesStart() + index) as unknown as NodeBuffer;
  }

  // A fresh buffer above maxSize; the runtime's own limit on a buffer's length becomes the
  // library's RangeError, and the request is counted only once it is served.
  #oversized(n: number, make: (size: number) => Bytes): Bytes {
    let buf: Bytes;
    try {
      buf = make(n);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new RangeError(`${this.#name}: cannot allocate a buffer of ${n} bytes (${error.message}); request less, or allocate it in parts`);
    }
    this.#oversize++;
    return buf;
  }

  // Indexes and the Pools array rather than the SizeClass: with eight buffers outstanding, going
  // through sizeClass.pool and sizeClass.id here and in put cost about 2 ns more per get+put
  // (bench/RESULTS.md, "BytesPool against Pool").
  #take(index: number): Bytes {
    const buf = this.#pools[index]!.get();
    Ownership.setHandedOut(buf, this.#firstClassId + index);
    // A handed-out hot buffer stays hot: with several buffers outstanding, making each new one
    // hot would cost every get more than the fast put saves (bench/RESULTS.md, "BytesPool
    // against Pool": 15.5 ns per get+put at eight outstanding, against 11.7). A pooled one, of
    // another class (a get of its class would have taken it), gives way.
    if (this.#useHot === true) {
      if (this.#hot === undefined || this.#hotOut === false) this.#makeHot(buf, this.#classes[index]!);
    } else if (this.#debug === true) this.#checkFill(buf, this.#classes[index]!);
    else if (this.#zeroOnGet === true) buf.fill(0);
    return buf;
  }

  // The buffer a get just took from its Pool becomes the hot one, handed out.
  #makeHot(buf: Bytes, sizeClass: SizeClass): void {
    if (this.#hot !== undefined) this.#retireHot();
    this.#hot = buf;
    this.#hotIndex = sizeClass.index;
    this.#hotClass = sizeClass;
    this.#hotOut = true;
    if (this.#flushRegistered) return;
    this.#flushRegistered = true;
    registerFrontFlush(this.#flush);
  }

  // The hot buffer stops being hot: pooled in the slot, it joins its Pool's primary cache (and
  // ages there like any item); handed out, it becomes an ordinary handed-out buffer.
  #retireHot(): void {
    const hot = this.#hot;
    if (hot === undefined) return;
    const sizeClass = this.#hotClass;
    sizeClass.hotPuts += this.#hotPuts;
    this.#hotPuts = 0;
    this.#hot = undefined;
    this.#hotIndex = -1;
    const pooled = !this.#hotOut;
    this.#hotOut = true;
    if (!pooled) return;
    sizeClass.hotReturned++;
    Ownership.setPooled(hot, sizeClass);
    sizeClass.pool.put(hot);
  }

  // Debug mode: a buffer that a put filled must still hold the fill, every byte of its class size.
  // When it does not, somebody still writes to it, so it is withheld (left out of the pool for
  // good) rather than handed out: the one throw that does not leave the pool as it was.
  #checkFill(buf: Bytes, sizeClass: SizeClass): void {
    if (!this.#filled!.delete(buf)) return;
    const at = firstOverwritten(buf);
    if (at >= 0) {
      const what = `a ${sizeClass.size}-byte ${sizeClass.kind}`;
      const found = buf.length === sizeClass.size ? `byte ${at} is 0x${buf[at]!.toString(16)}, not the debug fill 0x${DEBUG_FILL.toString(16)}` : 'it is detached';
      throw new PoolError(
        this.#name,
        `${what} was changed after it was put back (${found}): some code still used it after put(), ` +
          'typically an asynchronous read or write that had not completed. Put a buffer back only when ' +
          "nothing uses it any more (after socket.write, in the write's callback). The buffer is withheld from the pool.",
      );
    }
    if (this.zero !== false) buf.fill(0);
  }

  /** The index of the first Buffer class, making the Buffer classes on first use. */
  #bufferClassesStart(): number {
    if (this.#classes.length === this.#classCount) this.#addClasses(this.#bufferAllocator(), 'Buffer');
    return this.#classCount;
  }

  #bufferAllocator(): (size: number) => Bytes {
    const NodeBuffer = NodeBufferClass;
    if (NodeBuffer === undefined) {
      throw new PoolError(this.#name, 'getBuffer() needs Node.js Buffer; use get() for a Uint8Array');
    }
    // allocUnsafeSlow never slices the shared slab but does not clear memory: new buffers are
    // zeroed like new Uint8Array's, whatever the zeroing option says about reused ones.
    return (size) => NodeBuffer.allocUnsafeSlow(size).fill(0);
  }

  // -1 for requests above maxSize. Class i holds minSize << i bytes; clz32 gives ceil(log2(n)),
  // and or-ing minSize - 1 into n - 1 puts every n from 1 to minSize in class 0. Two tests pass
  // every n from 1 to maxSize: the index is a class, and n >>> 0 === n (an integer below 2^32,
  // whatever int32 truncation made of it above). The rest (0, huge, fractional, negative, not a
  // number) is sorted out off the fast path.
  #classIndex(n: number): number {
    const index = 32 - Math.clz32((n - 1) | this.#minMask) - this.#minShift;
    if (index >>> 0 >= this.#classCount || n >>> 0 !== n) return this.#outsideClasses(n);
    return index;
  }

  // Class 0 for n = 0; -1 for a request above maxSize (served fresh); RangeError for a size that is no size.
  #outsideClasses(n: number): number {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`${this.#name}: size must be a non-negative integer number of bytes, got ${describe(n)}`);
    }
    return n === 0 ? 0 : -1;
  }

  /**
   * Returns a buffer to the pool. null and undefined are ignored. A buffer that does not belong in
   * a pool is not pooled and is counted in stats().rejected (in debug mode, PoolError): one whose
   * length is not a class size, a view that does not own its whole ArrayBuffer (including slices
   * of Node's shared Buffer slab, which other Buffers still use), and anything that is not a
   * Uint8Array. Memory is pooled at most once: a second put of a pooled buffer, or of another
   * full view of its ArrayBuffer, is refused as 'alreadyPooled' (in debug mode, PoolError).
   */
  put(buf: Uint8Array | null | undefined): void {
    if (buf === null || buf === undefined) return;
    // The fast path: the hot buffer, handed out, comes back to the hot slot. Its length is
    // tested because a transfer (postMessage, structuredClone) detaches a buffer to length 0
    // while it is handed out; nothing else changes the length of one of these buffers.
    if (buf === this.#hot) {
      if (this.#hotOut === true && buf.length !== 0) {
        this.#hotOut = false;
        this.#hotPuts++;
      } else {
        // The hot buffer again (pooled already) or detached: the full checks refuse it.
        this.#putUnknown(buf);
      }
      return;
    }
    const index = typeof buf === 'object' ? Ownership.toPool(buf, this.#firstClassId, this.#sizes) : -1;
    if (index < 0) this.#putUnknown(buf);
    else this.#poolMarked(index, buf as Bytes);
  }

  // Pools a buffer of class `index` that is marked pooled already (a put that debug mode drops
  // still counts as pooled, so that its second put is refused).
  #poolMarked(index: number, buf: Bytes): void {
    const pool = this.#pools[index]!;
    if (this.#plainPut === true) {
      pool.put(buf);
      return;
    }
    if (this.#zeroOnPut === true) buf.fill(0);
    try {
      pool.put(buf);
    } catch (error) {
      // Nothing was pooled (a debug-mode check threw): the buffer stays handed out.
      Ownership.setHandedOut(buf, this.#firstClassId + index);
      throw error;
    }
  }

  // Everything put has not seen handed out by this pool: checked in full, then resolved to the
  // one view of its ArrayBuffer that the library pools.
  #putUnknown(buf: unknown): void {
    const rejection = this.#check(buf);
    if (rejection !== undefined) {
      this.#reject(rejection, buf);
      return;
    }
    const view = buf as Bytes;
    const store = bufferOf.call(view);
    const canonical = canonicalViews.get(store) ?? view;
    if (Ownership.isPooled(canonical)) {
      this.#reject('alreadyPooled', buf);
      return;
    }
    let index = 31 - Math.clz32(view.length) - this.#minShift;
    if (Object.getPrototypeOf(canonical) !== Uint8Array.prototype) index += this.#bufferClassesStart();
    const sizeClass = this.#classes[index]!;
    const previous = Ownership.ownerOf(canonical)?.bytesPool;
    if (previous === undefined) Ownership.stamp(canonical, sizeClass);
    else {
      // Another pool may have handed it out as its hot buffer: that pool must not take it back
      // by identity while it is pooled here.
      if (previous !== this && previous.#hot === canonical) previous.#retireHot();
      Ownership.adopt(canonical, sizeClass);
    }
    canonicalViews.set(store, canonical);
    if (canonical === this.#hot) {
      // This pool's hot buffer, handed out, back through another view of its memory.
      this.#hotOut = false;
      this.#hotPuts++;
    } else {
      Ownership.setPooled(canonical, sizeClass);
      this.#poolMarked(index, canonical);
    }
  }

  #check(buf: unknown): Rejection | undefined {
    // 'Uint8Array' for real Uint8Arrays and Buffers only; a Proxy or a look-alike gets undefined.
    if (typedArrayName.call(buf) !== 'Uint8Array') return 'notUint8Array';
    if (Ownership.isPooled(buf as object)) return 'alreadyPooled';
    const isBuffer = NodeBufferClass !== undefined && NodeBufferClass.isBuffer(buf);
    if (Object.getPrototypeOf(buf) !== Uint8Array.prototype && !isBuffer) return 'notUint8Array';
    const size = byteLengthOf.call(buf);
    // A class size: a power of two within [minSize, maxSize].
    if (size < this.minSize || size > this.maxSize || (size & (size - 1)) !== 0) return 'wrongSize';
    const store = bufferOf.call(buf);
    if (byteOffsetOf.call(buf) !== 0 || store.byteLength !== size) {
      return isBuffer && store.byteLength === NodeBufferClass!.poolSize ? 'bufferSlab' : 'notOwner';
    }
    if (!(store instanceof ArrayBuffer) || (store as ArrayBuffer & { resizable?: boolean }).resizable === true) return 'notOwner';
    return undefined;
  }

  #reject(reason: Rejection, buf: unknown): void {
    this.#rejected[reason]++;
    if (!this.#debug) return;
    throw new PoolError(this.#name, this.#advice(reason, buf));
  }

  // Built only for the rejection at hand: a look-alike cannot be asked its byteLength.
  #advice(reason: Rejection, buf: unknown): string {
    switch (reason) {
      case 'notUint8Array':
        return `put expects a Uint8Array or Buffer from this pool, got ${describe(buf)}`;
      case 'wrongSize':
        return `put of a ${byteLengthOf.call(buf)}-byte buffer: only class sizes (powers of two from ${this.minSize} to ${this.maxSize}) come from this pool; put back the buffer get() returned, not a subarray`;
      case 'alreadyPooled':
        return 'put of memory that is already in the pool: the same buffer put twice with no get in between, or another view ' +
          'of its ArrayBuffer (such as Buffer.from(u.buffer)) put while it is pooled. A pool would hand that memory to two users; ' +
          'find the code path that releases it a second time';
      case 'notOwner':
        return 'put of a view that does not own its whole ArrayBuffer (a subarray, a shared or resizable buffer): pooling it would hand out memory that is still in use elsewhere';
      case 'bufferSlab':
        return "put of a slice of Node's shared Buffer slab (Buffer.allocUnsafe/from): other Buffers use the same memory; use getBuffer() or Buffer.allocUnsafeSlow()";
    }
  }

  static {
    isHotPooled = (pool, buf) => pool.#hot === buf && !pool.#hotOut;
  }

  stats(): BytesPoolStats {
    const held = this.#hotOut ? 0 : 1;
    return {
      classes: this.#classes.map((sizeClass) => sizeClass === this.#hotClass && this.#hot !== undefined ? sizeClass.stats(this.#hotPuts, held) : sizeClass.stats(0, 0)),
      oversize: this.#oversize,
      rejected: { ...this.#rejected },
    };
  }
}

function newUint8Array(size: number): Bytes {
  return new Uint8Array(size);
}

// The index of the first byte that is not DEBUG_FILL, 0 for a detached buffer, -1 if none.
// Class buffers own their whole ArrayBuffer and sizes from 4 up are multiples of 4, so an Int32
// view covers them exactly and checks 4 bytes a step.
function firstOverwritten(buf: Bytes): number {
  if (buf.length === 0) return 0;
  const words = buf.length >= 4 ? new Int32Array(buf.buffer) : undefined;
  let from = 0;
  if (words !== undefined) {
    while (from < words.length && words[from] === DEBUG_FILL_WORD) from++;
    from *= 4;
  }
  for (let i = from; i < buf.length; i++) if (buf[i] !== DEBUG_FILL) return i;
  return -1;
}

function checkPowerOfTwo(option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_CLASS_SIZE || (value & (value - 1)) !== 0) {
    throw new RangeError(`BytesPool: options.${option} must be a power of two from 1 to 2^30, got ${describe(value)}`);
  }
}

/** A ready BytesPool with the default options (64 B to 1 MiB classes, no zeroing). */
export const bytesPool = new BytesPool({ name: 'bytesPool' });
