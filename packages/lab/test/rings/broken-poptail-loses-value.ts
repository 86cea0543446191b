// Broken: popTail claims the tail, frees the slot, and returns undefined when it lost a first CAS: the claimed value is gone.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  override popTail(): number | undefined {
    let retried = false;
    for (;;) {
      const ptrs = Atomics.load(this.w, 0);
      const head = ptrs >>> 16;
      const tail = ptrs & 0xffff;
      if (head === tail) return undefined;
      if (Atomics.compareExchange(this.w, 0, ptrs, (head << 16) | ((tail + 1) & 0xffff)) === ptrs) {
        const slot = 1 + (tail & (this.capacity - 1));
        const value = this.w[slot]! - 1;
        Atomics.store(this.w, slot, 0);
        return retried ? undefined : value;
      }
      retried = true;
    }
  }
}
