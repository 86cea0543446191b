// syncpool: Go's sync.Pool for JavaScript.
import { Pool as PoolClass, type PoolConstructor } from './pool.js';

/** Go's sync.Pool for one isolate. See pool.ts and the README. */
export const Pool: PoolConstructor = PoolClass;
/** A Pool whose get() returns `Got`: T when the pool has `new`, T | undefined otherwise. */
export type Pool<T, Got extends T | undefined = T | undefined> = PoolClass<T, Got>;
export { poolCleanup, type PoolOptions, type PoolStats, type PoolConstructor } from './pool.js';
export { gcCycle, setCleanupMode, cleanupMode, type CleanupMode } from './gc-trigger.js';
export { PoolError } from './errors.js';
export { BytesPool, bytesPool, type BytesPoolOptions, type BytesPoolStats, type Rejection, type Zeroing } from './bytes-pool.js';
export { SharedPool } from './shared-pool.js';
export { MutexPool } from './mutex-pool.js';
export { PoolDequeue, DEQUEUE_LIMIT, DEQUEUE_MAX_VALUE, type ClaimAnnouncement } from './pool-dequeue.js';
export { LAYOUT_VERSION, type SharedPoolOptions } from './shared-layout.js';
export type { SharedPoolStats, SharedPoolCensus, ReclaimResult } from './shared-attachment.js';
export type { Reservation } from './shared-local.js';
export type { PoolEvent, PoolGetSource, PoolPutTarget, PoolObserver, SharedPoolEvent, SharedGetSource, SharedPoolObserver } from './observer.js';
