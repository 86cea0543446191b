/**
 * Exercises 9 and 10: a worker attached to its own local runs `ops` get+put pairs as fast as it
 * can, and reports when it started and ended (performance.timeOrigin + performance.now(), the
 * clock all threads share), so the main thread can time all workers together from the first
 * start to the last end.
 *
 * 'control' touches no shared memory at all: `ops` read-modify-writes of an array of its own.
 * Two control workers reach twice one worker's throughput exactly when the OS runs them at the
 * same time, whatever any pool does, so exercise 9 uses them to tell whether it could measure.
 */
import { getHeapStatistics } from 'node:v8';
import { MutexPool, SharedPool } from 'syncpool';
import { serve } from './serve.js';

export interface ThroughputTask {
  kind: 'shared' | 'mutex' | 'control';
  buffer?: SharedArrayBuffer;
  ops: number;
}

export interface ThroughputResult {
  startMs: number;
  endMs: number;
  /** Gets that found nothing pooled (a fresh block or -1); 0 after the warm-up put. */
  misses: number;
  /** The worker's V8 heap in use after the loop, bytes. */
  heapUsed: number;
}

type Prepared = { pool: SharedPool | MutexPool } | { own: Int32Array };

function pairs(pool: SharedPool | MutexPool, ops: number): number {
  let misses = 0;
  for (let i = 0; i < ops; i++) {
    const id = pool.get();
    if (id < 0) misses++;
    else pool.put(id);
  }
  return misses;
}

function control(own: Int32Array, ops: number): number {
  for (let i = 0; i < ops; i++) own[i & 15] = own[(i + 1) & 15]! + 1;
  return own[0]! < 0 ? 1 : 0; // never: keeps the loop's result alive
}

void serve(
  (task: ThroughputTask): Prepared => {
    if (task.kind === 'control') return { own: new Int32Array(16) };
    const pool = task.kind === 'shared' ? SharedPool.attach(task.buffer!) : MutexPool.attach(task.buffer!);
    pool.put(pool.get()); // the one block this worker cycles from now on
    return { pool };
  },
  (prepared, task): ThroughputResult => {
    const startMs = performance.timeOrigin + performance.now();
    const misses = 'pool' in prepared ? pairs(prepared.pool, task.ops) : control(prepared.own, task.ops);
    const endMs = performance.timeOrigin + performance.now();
    if ('pool' in prepared) prepared.pool.detach();
    return { startMs, endMs, misses, heapUsed: getHeapStatistics().used_heap_size };
  },
);
