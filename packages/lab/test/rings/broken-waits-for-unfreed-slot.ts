// Broken, and it hangs: pushHead waits for a slot a popTail still holds instead of refusing the
// push, and popTail forgets to free its slot on every 100th steal. The owner then spins in pushHead
// on a slot nobody will free. The small exhaustive cases never steal 100 times; only the stress
// run's watchdog can catch it.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  private steals = 0;

  override pushHead(value: number): boolean {
    for (;;) {
      if (super.pushHead(value)) return true;
      const ptrs = Atomics.load(this.w, 0);
      if ((((ptrs & 0xffff) + this.capacity) & 0xffff) === ptrs >>> 16) return false; // full: refused, as the contract says
      // Not full, so a popTail still holds the slot: wait for it to be freed.
    }
  }

  protected override takeTail(slot: number): number | undefined {
    const value = this.w[slot]! - 1;
    if (++this.steals % 100 !== 0) Atomics.store(this.w, slot, 0);
    return value;
  }
}
