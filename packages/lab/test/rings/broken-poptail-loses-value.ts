// Broken: popTail claims the tail and frees the slot but drops the value it read: the value is lost.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  protected override takeTail(slot: number): number | undefined {
    Atomics.store(this.w, slot, 0);
    return undefined;
  }
}
