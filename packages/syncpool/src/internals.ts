// syncpool/internals: the building blocks under SharedPool, for programs that work on them
// directly (a ring of their own in a SharedArrayBuffer, a tool that inspects a pool's memory).
// An application needs none of it: the package root has everything a pool's user calls. What is
// here may change with the layout of a pool's memory (LAYOUT_VERSION says which one a build reads).

/** Go's poolDequeue over Int32 words: the lock-free single-producer, multi-consumer ring of each SharedPool local. */
export { PoolDequeue, DEQUEUE_LIMIT, DEQUEUE_MAX_VALUE, type ClaimAnnouncement } from './pool-dequeue.js';
/** The version of the SharedPool/MutexPool memory layout this build reads and writes (attach refuses others). */
export { LAYOUT_VERSION } from './shared-layout.js';
