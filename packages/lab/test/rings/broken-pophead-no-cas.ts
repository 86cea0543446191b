// Broken: popHead moves the head with a plain store instead of a CAS, racing a stealer for the last value.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  override popHead(): number | undefined {
    const ptrs = Atomics.load(this.w, 0);
    const head = ptrs >>> 16;
    const tail = ptrs & 0xffff;
    if (head === tail) return undefined;
    Atomics.store(this.w, 0, (((head - 1) & 0xffff) << 16) | (Atomics.load(this.w, 0) & 0xffff));
    const slot = 1 + ((head - 1) & (this.capacity - 1));
    const value = this.w[slot]! - 1;
    this.w[slot] = 0;
    return value;
  }
}
