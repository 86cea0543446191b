// Explicit resource management for pools: `using lease = pool.lease()` gives the item back when
// the scope ends, by a return, a break or a throw. A Lease is a small object made per lease; the
// pool's own get and put are untouched, so code that does not lease pays nothing.
//
// `using` needs Symbol.dispose at run time. Node 20.20 and 22 define it (Node 20 as
// Symbol(nodejs.dispose)); TypeScript compiles `using` for targets below ESNext into helpers
// that look it up when the declaration runs. Where an engine has no Symbol.dispose, a Lease has
// no dispose method and release() does the same by hand.
//
// There is no Symbol.asyncDispose: giving an item back is synchronous, and `await using`
// accepts an object that has only Symbol.dispose.

/** What a lease gives its item back to: a pool's put. */
interface Returnable<T> {
  put(x: T): void;
}

/** An item on loan from a pool until the lease is released: by `using` at scope exit, or by release(). */
export class Lease<T> {
  /** The pool's item (a block id for SharedPool and MutexPool). Do not use it after the lease is released. */
  readonly value: T;
  // undefined once released, so that a second release (or a dispose after release()) puts nothing.
  #pool: Returnable<T> | undefined;

  /** For pools: lease(), not this constructor. */
  constructor(pool: Returnable<T>, value: T) {
    this.#pool = pool;
    this.value = value;
  }

  /** Whether the item went back to its pool already. */
  get released(): boolean {
    return this.#pool === undefined;
  }

  /**
   * Puts the item back into its pool, once: later calls do nothing. If the put throws (a reset
   * that throws, a double put caught by debug mode) the lease counts as released all the same:
   * the item's fate is decided and the error reaches the caller, or the scope `using` ends.
   */
  release(): void {
    const pool = this.#pool;
    if (pool === undefined) return;
    this.#pool = undefined;
    pool.put(this.value);
  }

}

/**
 * Symbol.dispose's type where the consumer's types declare it (lib esnext.disposable or
 * @types/node), else never: so that these declarations compile for a consumer whose lib has no
 * Symbol.dispose (and who cannot write `using` anyway).
 */
type DisposeSymbol = SymbolConstructor extends { readonly dispose: infer K extends symbol } ? K : never;

/** The member that `using` calls at scope exit (release()), typed only where Symbol.dispose is. */
type Disposing = { readonly [K in DisposeSymbol]: () => void };

// Declaration merging adds [Symbol.dispose] to the class's type; the prototype gets it below.
export interface Lease<T> extends Disposing {}

if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(Lease.prototype, Symbol.dispose, {
    value: function dispose(this: Lease<unknown>): void {
      this.release();
    },
    writable: true,
    configurable: true,
  });
}
