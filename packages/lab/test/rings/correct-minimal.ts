// A correct ring written to task 7's contract: Go's poolDequeue over Int32 words, head and tail
// packed 16+16 bits in word 0, slots in words 1..capacity holding value + 1 (0 = free).
export class Dequeue {
  static words(capacity: number): number {
    return capacity + 1;
  }

  constructor(protected readonly w: Int32Array, protected readonly capacity: number) {}

  pushHead(value: number): boolean {
    const ptrs = Atomics.load(this.w, 0);
    const head = ptrs >>> 16;
    const tail = ptrs & 0xffff;
    if (((tail + this.capacity) & 0xffff) === head) return false;
    const slot = 1 + (head & (this.capacity - 1));
    if (Atomics.load(this.w, slot) !== 0) return false; // a popTail of the last lap is still reading it
    this.w[slot] = value + 1;
    Atomics.add(this.w, 0, 1 << 16);
    return true;
  }

  popHead(): number | undefined {
    for (;;) {
      const ptrs = Atomics.load(this.w, 0);
      const head = ptrs >>> 16;
      const tail = ptrs & 0xffff;
      if (head === tail) return undefined;
      const next = (((head - 1) & 0xffff) << 16) | tail;
      if (Atomics.compareExchange(this.w, 0, ptrs, next) === ptrs) {
        const slot = 1 + ((head - 1) & (this.capacity - 1));
        const value = this.w[slot]! - 1;
        this.w[slot] = 0;
        return value;
      }
    }
  }

  popTail(): number | undefined {
    const tail = this.claimTail();
    return tail < 0 ? undefined : this.takeTail(1 + (tail & (this.capacity - 1)));
  }

  /** Moves the tail on by one with a CAS: the claimed tail, or -1 when the ring is empty. */
  protected claimTail(): number {
    for (;;) {
      const ptrs = Atomics.load(this.w, 0);
      const head = ptrs >>> 16;
      const tail = ptrs & 0xffff;
      if (head === tail) return -1;
      if (Atomics.compareExchange(this.w, 0, ptrs, (head << 16) | ((tail + 1) & 0xffff)) === ptrs) return tail;
    }
  }

  /** Reads the claimed slot, then hands it back: only after reading it. */
  protected takeTail(slot: number): number | undefined {
    const value = this.w[slot]! - 1;
    Atomics.store(this.w, slot, 0);
    return value;
  }
}
