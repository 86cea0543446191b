/**
 * Exercises 9 and 10: a worker attached to its own local runs `ops` get+put pairs as fast as it
 * can, and reports when it started and ended (performance.timeOrigin + performance.now(), the
 * clock all threads share), so the main thread can time all workers together from the first
 * start to the last end.
 */
import { MutexPool, SharedPool } from 'syncpool';
import { serve } from './serve.js';

export interface ThroughputTask {
  kind: 'shared' | 'mutex';
  buffer: SharedArrayBuffer;
  ops: number;
}

export interface ThroughputResult {
  startMs: number;
  endMs: number;
  /** Gets that found nothing pooled (a fresh block or -1); 0 after the warm-up put. */
  misses: number;
}

void serve(
  (task: ThroughputTask) => {
    const pool = task.kind === 'shared' ? SharedPool.attach(task.buffer) : MutexPool.attach(task.buffer);
    pool.put(pool.get()); // the one block this worker cycles from now on
    return pool;
  },
  (pool, task): ThroughputResult => {
    let misses = 0;
    const startMs = performance.timeOrigin + performance.now();
    for (let i = 0; i < task.ops; i++) {
      const id = pool.get();
      if (id < 0) misses++;
      else pool.put(id);
    }
    const endMs = performance.timeOrigin + performance.now();
    pool.detach();
    return { startMs, endMs, misses };
  },
);
