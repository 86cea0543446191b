/**
 * Exercise 7's threads: one owner pushes 0..count-1 at the head of a shared PoolDequeue (and
 * pops its own head every `popHeadEvery` pushes), the others pop the tail until the owner is done
 * and the ring is empty. Every value taken is counted in `seen` with Atomics.add, so the main
 * thread can check that each value was taken exactly once.
 */
import { PoolDequeue } from 'syncpool/internals';
import { serve } from './serve.js';

export interface DequeueTask {
  role: 'owner' | 'stealer';
  ring: SharedArrayBuffer;
  seen: SharedArrayBuffer;
  /** Word 0 becomes 1 when the owner has pushed everything. */
  done: SharedArrayBuffer;
  count: number;
  popHeadEvery: number;
}

export interface DequeueResult {
  role: DequeueTask['role'];
  pushes: number;
  /** pushHead calls that found the ring full (or its head slot still being read) and retried. */
  fullRetries: number;
  popHeads: number;
  popTails: number;
  /** popTail calls that found the ring empty. */
  emptyPolls: number;
}

function owner(task: DequeueTask, ring: PoolDequeue, seen: Int32Array, done: Int32Array): DequeueResult {
  const result: DequeueResult = { role: 'owner', pushes: 0, fullRetries: 0, popHeads: 0, popTails: 0, emptyPolls: 0 };
  for (let v = 0; v < task.count; v++) {
    while (!ring.pushHead(v)) result.fullRetries++;
    result.pushes++;
    if ((v + 1) % task.popHeadEvery === 0) {
      const x = ring.popHead();
      if (x >= 0) {
        Atomics.add(seen, x, 1);
        result.popHeads++;
      }
    }
  }
  Atomics.store(done, 0, 1);
  return result;
}

function stealer(ring: PoolDequeue, seen: Int32Array, done: Int32Array): DequeueResult {
  const result: DequeueResult = { role: 'stealer', pushes: 0, fullRetries: 0, popHeads: 0, popTails: 0, emptyPolls: 0 };
  for (;;) {
    // Read `done` before popping: an empty ring after the owner finished stays empty.
    const finished = Atomics.load(done, 0) === 1;
    const x = ring.popTail();
    if (x >= 0) {
      Atomics.add(seen, x, 1);
      result.popTails++;
    } else if (finished) {
      return result;
    } else {
      result.emptyPolls++;
    }
  }
}

void serve(
  (task: DequeueTask) => ({ ring: new PoolDequeue(task.ring), seen: new Int32Array(task.seen), done: new Int32Array(task.done) }),
  ({ ring, seen, done }, task) => (task.role === 'owner' ? owner(task, ring, seen, done) : stealer(ring, seen, done)),
);
