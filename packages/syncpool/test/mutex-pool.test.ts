// MutexPool, the locked-stack baseline: what differs from SharedPool (one stack for all locals,
// the lock and its recovery). The API it shares with SharedPool is tested with it in
// shared-pool.test.ts, shared-pool-errors.test.ts and shared-pool-stress.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MutexPool } from '../src/index.js';
import { exited, firstMessage, startWorker } from './workers/spawn.js';

const geometry = { blockSize: 100, blocks: 32, maxLocals: 3 };

/** The lock, reached past `private` as a thread inside get() or put() would hold it. */
function lockOf(pool: MutexPool): { lock(method: string): void; unlock(): void } {
  return pool as unknown as { lock(method: string): void; unlock(): void };
}

test('MutexPool: one LIFO stack shared by every local; reclaim frees a lock held by a dead thread', () => {
  const a = MutexPool.create(geometry);
  const b = MutexPool.attach(a.buffer);
  const ids = [a.get(), a.get(), a.get()];
  for (const id of ids) a.put(id);
  assert.equal(b.get(), 2, 'another local takes the top of the same stack');
  assert.equal(b.get(), 1);
  // Take the lock as b, as a worker terminated inside get() would leave it.
  lockOf(b).lock('get');
  assert.equal(a.census().unreleased, 1, 'the lock is held');
  a.reclaim(b.localId, b.generation);
  assert.equal(a.census().unreleased, 0, 'reclaim released it');
  assert.equal(a.get(), 0, 'and the pool works');
  assert.deepEqual(a.stats(), { gets: 6, puts: 3, privateHits: 0, ringHits: 3, steals: 0, fresh: 3, exhausted: 0, waits: 0 });
});

test('MutexPool: a get in another thread sleeps in Atomics.wait while the lock is held, and wakes on unlock', { timeout: 30_000 }, async () => {
  const pool = MutexPool.create(geometry);
  const id = pool.get();
  pool.put(id);
  lockOf(pool).lock('get');
  const worker = startWorker('mutex-get', pool.buffer);
  const got = firstMessage<number>(worker);
  const exit = exited(worker);
  // The worker counts a wait just before it sleeps on the lock word.
  while (pool.stats().waits === 0) {
    // Spin until it is there; it cannot get past the lock we hold.
  }
  assert.equal(pool.census().pooled.length, 1, 'the worker has not taken anything yet');
  lockOf(pool).unlock();
  assert.equal(await got, id, 'woken by the unlock, it took the pooled block');
  assert.equal(await exit, 0);
  assert.equal(pool.stats().waits, 1);
});
