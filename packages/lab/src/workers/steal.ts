/**
 * Exercise 3's threads, each attached to its own local of one SharedPool (its "P").
 *
 * The producer takes `produce` fresh blocks before the start gate (the seed's `new(int)`), and
 * after it stamps each with MARK and puts it. A consumer takes `consume` blocks and keeps them: a
 * stamped block is a hit (it came from the producer's local), an unstamped one a miss (a fresh
 * block from the arena: Go's New). In 'race' order everybody starts at the gate, as in the seed;
 * in 'after' order the consumers wait until the producer has put everything. The producer stays
 * attached until every consumer is done, so no consumer can inherit its local.
 *
 * 'both' is GOMAXPROCS=1: one thread on the only local runs the goroutines one after another, as
 * they take turns on one P. In 'after' order the producer runs and then the consumers. In 'race'
 * order it follows Go's scheduler with one P when every goroutine is spawned at once: the goroutine
 * spawned last sits in the P's runnext slot and runs first, the rest in the order they were
 * spawned; so the last consumer, then the producer, then the other consumers (what go/cmd/steal
 * records as its start order).
 */
import { SharedPool } from 'syncpool';
import { serve } from './serve.js';

export const MARK = 0x5a;

export interface StealTask {
  role: 'producer' | 'consumer' | 'both';
  order: 'race' | 'after';
  buffer: SharedArrayBuffer;
  /** Word 0: 1 once the producer has put everything. Word 1: consumers finished. */
  phase: SharedArrayBuffer;
  produce: number;
  consume: number;
  consumers: number;
}

export interface StealResult {
  hits: number;
  misses: number;
  /** Gets that returned -1: the arena was used up. */
  exhausted: number;
}

function consume(pool: SharedPool, count: number, into: StealResult): void {
  for (let i = 0; i < count; i++) {
    const id = pool.get();
    if (id < 0) into.exhausted++;
    else if (pool.bytes(id)[0] === MARK) into.hits++;
    else into.misses++;
  }
}

void serve(
  (task: StealTask) => {
    const pool = SharedPool.attach(task.buffer);
    const ids: number[] = [];
    if (task.role !== 'consumer') for (let i = 0; i < task.produce; i++) ids.push(pool.get());
    return { pool, ids, phase: new Int32Array(task.phase) };
  },
  ({ pool, ids, phase }, task): StealResult => {
    const result: StealResult = { hits: 0, misses: 0, exhausted: 0 };
    const runnextFirst = task.role === 'both' && task.order === 'race';
    if (runnextFirst) consume(pool, task.consume, result);
    if (task.role !== 'consumer') {
      for (const id of ids) {
        pool.bytes(id)[0] = MARK;
        pool.put(id);
      }
      Atomics.store(phase, 0, 1);
      Atomics.notify(phase, 0);
    }
    if (task.role === 'both') {
      for (let c = runnextFirst ? 1 : 0; c < task.consumers; c++) consume(pool, task.consume, result);
    } else if (task.role === 'consumer') {
      if (task.order === 'after') Atomics.wait(phase, 0, 0);
      consume(pool, task.consume, result);
      Atomics.add(phase, 1, 1);
      Atomics.notify(phase, 1);
    } else {
      for (let done = Atomics.load(phase, 1); done < task.consumers; done = Atomics.load(phase, 1)) Atomics.wait(phase, 1, done);
    }
    pool.detach();
    return result;
  },
);
