// Broken: popTail moves the tail with a plain store instead of a CAS, so two stealers can take the same value.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  override popTail(): number | undefined {
    const ptrs = Atomics.load(this.w, 0);
    const head = ptrs >>> 16;
    const tail = ptrs & 0xffff;
    if (head === tail) return undefined;
    const slot = 1 + (tail & (this.capacity - 1));
    const value = this.w[slot]! - 1;
    Atomics.store(this.w, 0, (Atomics.load(this.w, 0) & ~0xffff) | ((tail + 1) & 0xffff));
    Atomics.store(this.w, slot, 0);
    return value;
  }
}
