// Broken: popTail never hands its slot back, so pushHead refuses that slot on every later lap.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  protected override takeTail(slot: number): number | undefined {
    return this.w[slot]! - 1;
  }
}
