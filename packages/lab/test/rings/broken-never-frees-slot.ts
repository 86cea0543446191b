// Broken: popTail never hands its slot back, so pushHead refuses that slot on every later lap.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  override popTail(): number | undefined {
    for (;;) {
      const ptrs = Atomics.load(this.w, 0);
      const head = ptrs >>> 16;
      const tail = ptrs & 0xffff;
      if (head === tail) return undefined;
      if (Atomics.compareExchange(this.w, 0, ptrs, (head << 16) | ((tail + 1) & 0xffff)) === ptrs) {
        return this.w[1 + (tail & (this.capacity - 1))]! - 1;
      }
    }
  }
}
