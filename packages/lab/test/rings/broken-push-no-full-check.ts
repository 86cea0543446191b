// Broken: pushHead never checks whether the ring is full, so it overwrites the oldest value.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  override pushHead(value: number): boolean {
    const head = Atomics.load(this.w, 0) >>> 16;
    this.w[1 + (head & (this.capacity - 1))] = value + 1;
    Atomics.add(this.w, 0, 1 << 16);
    return true;
  }
}
