// Broken: popTail hands its slot back before it reads the value, so pushHead may overwrite it first.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  protected override takeTail(slot: number): number | undefined {
    const raw = Atomics.exchange(this.w, slot, 0);
    const reread = this.w[slot]!;
    return (reread === 0 ? raw : reread) - 1;
  }
}
