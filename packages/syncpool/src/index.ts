// syncpool: Go's sync.Pool for JavaScript.
import { Pool as PoolClass, type PoolConstructor } from './pool.js';

/** Go's sync.Pool for one isolate. See pool.ts and the README. */
export const Pool: PoolConstructor = PoolClass;
/**
 * A Pool whose get() returns `Got`. `Pool<T>` (a field type, say) is a pool with `new`, whose
 * get() returns T; a pool without `new` is a `Pool<T, T | undefined>`, which is what
 * `new Pool<T>()` without `new` gives, so the compiler keeps the two apart.
 */
export type Pool<T, Got extends T | undefined = T> = PoolClass<T, Got>;
export { poolCleanup, type PoolOptions, type PoolStats, type PoolConstructor } from './pool.js';
export { gcCycle, setCleanupMode, cleanupMode, type CleanupMode } from './gc-trigger.js';
export { PoolError } from './errors.js';
export { BytesPool, bytesPool, type BytesPoolOptions, type NodeBuffer, type BytesPoolStats, type Rejection, type Zeroing } from './bytes-pool.js';
export { SharedPool } from './shared-pool.js';
export { MutexPool } from './mutex-pool.js';
export { PoolDequeue, DEQUEUE_LIMIT, DEQUEUE_MAX_VALUE, type ClaimAnnouncement } from './pool-dequeue.js';
export { LAYOUT_VERSION, type SharedPoolOptions } from './shared-layout.js';
export type { SharedPoolStats, SharedPoolCensus, ReclaimResult } from './shared-attachment.js';
export type { Reservation } from './shared-local.js';
export type { PoolEvent, PoolGetSource, PoolPutTarget, PoolObserver, SharedPoolEvent, SharedGetSource, SharedPoolObserver } from './observer.js';
