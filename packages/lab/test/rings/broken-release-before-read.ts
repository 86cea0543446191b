// Broken: popTail hands its slot back before it reads the value, so pushHead may overwrite it first.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  override popTail(): number | undefined {
    for (;;) {
      const ptrs = Atomics.load(this.w, 0);
      const head = ptrs >>> 16;
      const tail = ptrs & 0xffff;
      if (head === tail) return undefined;
      if (Atomics.compareExchange(this.w, 0, ptrs, (head << 16) | ((tail + 1) & 0xffff)) === ptrs) {
        const slot = 1 + (tail & (this.capacity - 1));
        const raw = Atomics.exchange(this.w, slot, 0);
        const reread = this.w[slot]!;
        return (reread === 0 ? raw : reread) - 1;
      }
    }
  }
}
