// Broken: popTail unpacks the tail with a 15-bit mask, so past 2^15 pops the tail jumps back and the ring looks full of garbage.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  protected override claimTail(): number {
    for (;;) {
      const ptrs = Atomics.load(this.w, 0);
      const head = ptrs >>> 16;
      const tail = ptrs & 0x7fff;
      if (head === tail) return -1;
      if (Atomics.compareExchange(this.w, 0, ptrs, (head << 16) | ((tail + 1) & 0xffff)) === ptrs) return tail;
    }
  }
}
