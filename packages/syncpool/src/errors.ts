/**
 * PoolError reports misuse of a pool that a type check cannot catch: a double put caught by
 * debug mode, a buffer that does not belong in a pool, a SharedPool buffer of another layout.
 * Argument errors use the built-in TypeError and RangeError, as the platform does.
 *
 * Every throw site leaves the pool exactly as it was before the call.
 */
export class PoolError extends Error {
  /** The name of the pool that detected the misuse. */
  readonly pool: string;

  constructor(pool: string, message: string) {
    super(`${pool}: ${message}`);
    this.name = 'PoolError';
    this.pool = pool;
  }
}
