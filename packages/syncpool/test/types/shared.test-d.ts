// The public types of SharedPool, MutexPool and syncpool/internals as a TypeScript consumer
// sees them (from the built .d.ts). Checked by `tsc -p packages/syncpool/test/types`: a line
// marked @ts-expect-error that compiles, or an expectType that does not, fails the typecheck.
import {
  MutexPool, PoolError, SharedPool,
  type ReclaimResult, type Reservation, type SharedPoolCensus, type SharedPoolEvent, type SharedPoolOptions, type SharedPoolStats,
} from 'syncpool';
import { DEQUEUE_LIMIT, DEQUEUE_MAX_VALUE, LAYOUT_VERSION, PoolDequeue, type ClaimAnnouncement } from 'syncpool/internals';
// @ts-expect-error the ring under SharedPool is not part of the package root
import { PoolDequeue as RootDequeue } from 'syncpool';
// @ts-expect-error neither is the layout version
import { LAYOUT_VERSION as RootLayoutVersion } from 'syncpool';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<A>(_value: A): <B>(check: Equal<A, B> extends true ? true : never) => void {
  return () => {};
}

const options: SharedPoolOptions = { blockSize: 64, blocks: 8, maxLocals: 4 };
// @ts-expect-error blockSize, blocks and maxLocals are required
SharedPool.create({ blocks: 8, maxLocals: 4 });
// @ts-expect-error options are typed: no unknown keys
SharedPool.create({ ...options, blockSzie: 64 });

const pool = SharedPool.create(options);
expectType(pool)<SharedPool>(true);
// @ts-expect-error no constructor to call: create() or attach()
new SharedPool();
// @ts-expect-error nor MutexPool's
new MutexPool();
expectType(pool.buffer)<SharedArrayBuffer>(true);
expectType(pool.localId)<number>(true);
expectType(pool.generation)<number>(true);

// The reservation pattern: reserve() in the parent, attach(buffer, reservation) in the worker,
// reclaim(localId, generation) on the worker's exit.
const seat = pool.reserve();
expectType(seat)<Reservation>(true);
expectType(seat.localId)<number>(true);
expectType(seat.generation)<number>(true);
// @ts-expect-error a reservation is read-only
seat.localId = 2;
const worker = SharedPool.attach(pool.buffer, seat);
expectType(worker)<SharedPool>(true);
expectType(SharedPool.attach(pool.buffer))<SharedPool>(true);
// @ts-expect-error attach takes the pool's SharedArrayBuffer, not an ArrayBuffer
SharedPool.attach(new ArrayBuffer(64));
// @ts-expect-error a reservation has both fields
SharedPool.attach(pool.buffer, { localId: 1 });

const id = worker.get();
worker.bytes(id).set([1, 2, 3]);
expectType(worker.bytes(id))<Uint8Array>(true);
worker.put(id);
worker.detach();

const result = pool.reclaim(seat.localId, seat.generation);
expectType(result)<ReclaimResult>(true);
expectType(result.reclaimed)<boolean>(true);
expectType(result.recovered)<number>(true);
expectType(result.lost)<number>(true);
// @ts-expect-error reclaim needs the generation too
pool.reclaim(seat.localId);
// The plain attach pattern in Node: reclaimThread with the worker.threadId read at its start.
expectType(pool.reclaimThread(1))<ReclaimResult>(true);
expectType(MutexPool.create(options).reclaimThread(1))<ReclaimResult>(true);
// @ts-expect-error a threadId, not a Worker
pool.reclaimThread({ threadId: 1 });
// @ts-expect-error reclaim's result is read-only
result.recovered = 0;

const census = pool.census();
expectType(census)<SharedPoolCensus>(true);
expectType(census.pooled)<number[]>(true);
expectType(census.outstanding)<number>(true);
expectType(census.stranded)<number[]>(true);
expectType(pool.stats())<SharedPoolStats>(true);

pool.observe((event) => {
  expectType(event)<SharedPoolEvent>(true);
  if (event.kind === 'put') expectType(event.to)<'private' | 'head'>(true);
});
pool.observe(undefined);

// What the attachment keeps to itself is not reachable.
// @ts-expect-error the metadata words are protected
void pool.words;
// @ts-expect-error the layout is protected
void pool.layout;
// @ts-expect-error no public constructor: create() or attach()
new SharedPool();

// MutexPool: the same API.
const locked = MutexPool.create({ ...options, lockSpin: 4, waitLimitMs: 100 });
expectType(locked)<MutexPool>(true);
expectType(MutexPool.attach(locked.buffer, locked.reserve()))<MutexPool>(true);
expectType(locked.reclaim(1, 1))<ReclaimResult>(true);
// @ts-expect-error a SharedPool is not a MutexPool
const notLocked: MutexPool = pool;
void notLocked;

// syncpool/internals: the ring itself.
const ring = new PoolDequeue(new SharedArrayBuffer(PoolDequeue.byteLength(8)));
expectType(ring.pushHead(DEQUEUE_MAX_VALUE))<boolean>(true);
expectType(ring.popTail())<number>(true);
expectType(ring.capacity)<number>(true);
const announcement: ClaimAnnouncement = { word: 9, tag: 1 << 16 };
new PoolDequeue(new Int32Array(20), 8, 0, 1, announcement);
// @ts-expect-error the ring's words are private
void ring.words;
expectType(DEQUEUE_LIMIT)<number>(true);
expectType(LAYOUT_VERSION)<number>(true);

export const used = [PoolError, RootDequeue, RootLayoutVersion];
