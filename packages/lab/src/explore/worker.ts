/**
 * The explorer's SharedPool threads: each attaches to a local of the pool being recorded, observes
 * its own attachment, and numbers every event with one counter shared by all threads (taken in the
 * observer, i.e. just after the operation took effect), so the recorder can merge the threads'
 * streams into one timeline (record.ts repairs the rare pair that two threads numbered in the
 * other order than they happened).
 *
 * Roles: 'producer' takes `count` fresh blocks and puts them all; 'consumer' takes `count`
 * blocks and keeps them until every consumer has taken its share, then puts them back (in
 * 'after' order it starts once the producer is done); 'short' (exercise 11's short-lived
 * producer) takes one block, puts it and detaches at once.
 */
import { SharedPool } from 'syncpool';
import { serve } from '../workers/serve.js';
import { observeNumbered, type Numbered } from './numbered.js';

export interface ExploreTask {
  role: 'producer' | 'consumer' | 'short';
  order: 'race' | 'after';
  buffer: SharedArrayBuffer;
  /** Word 0: the event counter. Word 1: 1 once the producer is done. Word 2: consumers that took their share. */
  shared: SharedArrayBuffer;
  count: number;
  consumers: number;
}

void serve(
  (task: ExploreTask) => {
    const words = new Int32Array(task.shared);
    const events: Numbered[] = [];
    const pool = SharedPool.attach(task.buffer);
    observeNumbered(pool, words, events);
    return { pool, words, events };
  },
  ({ pool, words, events }, task): Numbered[] => {
    if (task.role === 'short') {
      pool.put(pool.get());
    } else if (task.role === 'producer') {
      const ids = Array.from({ length: task.count }, () => pool.get());
      for (const id of ids) pool.put(id);
      Atomics.store(words, 1, 1);
      Atomics.notify(words, 1);
      for (let done = Atomics.load(words, 2); done < task.consumers; done = Atomics.load(words, 2)) Atomics.wait(words, 2, done);
    } else {
      if (task.order === 'after') Atomics.wait(words, 1, 0);
      const ids = Array.from({ length: task.count }, () => pool.get());
      Atomics.add(words, 2, 1);
      Atomics.notify(words, 2);
      for (let done = Atomics.load(words, 2); done < task.consumers; done = Atomics.load(words, 2)) Atomics.wait(words, 2, done);
      for (const id of ids) if (id >= 0) pool.put(id);
    }
    pool.detach();
    return events;
  },
);
