/**
 * Exercise 5's subject for SharedPool: one thread attached to two locals, A and B. Most
 * iterations are private hits on A (put then get). Every 8th, A puts two blocks, so the second
 * goes to A's ring, and B, whose private slot and ring are empty, steals it from A's ring tail:
 * the slow path, popTail's CAS. Both paths run hot enough for TurboFan to compile them.
 */
import { SharedPool } from 'syncpool';
import { PoolDequeue } from 'syncpool/internals';
import { optimizeMethods } from './optimize.js';

const a = SharedPool.create({ blockSize: 64, blocks: 16, maxLocals: 2 });
const b = SharedPool.attach(a.buffer);
const x = a.get();
const y = a.get();
const z = a.get();
const holder = { last: 0 };
function loop(iterations: number): void {
  for (let i = 0; i < iterations; i++) {
    a.put(x);
    holder.last = a.get(); // private hit
    if (i % 8 === 0) {
      a.put(y); // A's private slot
      a.put(z); // A's ring head
      const stolen = b.get(); // B: empty private, empty ring: steals z from A's ring tail
      b.put(stolen); // into B's private slot ...
      a.put(b.get()); // ... and back to A's ring, to be taken from A's head below
      a.get();
      a.get();
    }
  }
}

loop(300_000);
optimizeMethods([SharedPool.prototype, Object.getPrototypeOf(SharedPool.prototype) as object, PoolDequeue.prototype], () => loop(1_000));
