// Broken: pushHead moves the head (publishes the slot) before it writes the value into it.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  override pushHead(value: number): boolean {
    const ptrs = Atomics.load(this.w, 0);
    const head = ptrs >>> 16;
    const tail = ptrs & 0xffff;
    if (((tail + this.capacity) & 0xffff) === head) return false;
    const slot = 1 + (head & (this.capacity - 1));
    if (Atomics.load(this.w, slot) !== 0) return false;
    Atomics.add(this.w, 0, 1 << 16);
    this.w[slot] = value + 1;
    return true;
  }
}
