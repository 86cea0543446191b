// Broken: popHead does not check for an empty ring, so it pops a slot that is not there.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  override popHead(): number | undefined {
    for (;;) {
      const ptrs = Atomics.load(this.w, 0);
      const head = ptrs >>> 16;
      const tail = ptrs & 0xffff;
      const next = (((head - 1) & 0xffff) << 16) | tail;
      if (Atomics.compareExchange(this.w, 0, ptrs, next) === ptrs) {
        const slot = 1 + ((head - 1) & (this.capacity - 1));
        const value = this.w[slot]! - 1;
        this.w[slot] = 0;
        return value < 0 ? undefined : value;
      }
    }
  }
}
