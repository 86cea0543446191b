/**
 * PoolError reports misuse of a pool that a type check cannot catch: a double put caught by
 * debug mode, a buffer that does not belong in a pool, a SharedPool buffer of another layout, a
 * detached attachment, a stale reclaim, a wait for another thread that outlasted its limit.
 * Argument errors use the built-in TypeError (not an integer, of any type) and RangeError (an
 * integer out of range), as the platform does.
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

/** A value as a message shows it, without calling anything that can throw (a Symbol's template conversion does). */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'number': return String(value);
    case 'bigint': return `the BigInt ${String(value)}n`;
    case 'string': return `the string ${JSON.stringify(value)}`;
    case 'symbol': return 'a Symbol';
    case 'undefined': return 'undefined';
    case 'object': return value === null ? 'null' : 'an object';
    default: return `a ${typeof value}`;
  }
}
