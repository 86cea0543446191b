// syncpool's PoolDequeue through a thin adapter to task 7's contract (-1 for empty becomes undefined).
import { PoolDequeue } from 'syncpool/internals';

export class Dequeue {
  static words(capacity: number): number {
    return PoolDequeue.byteLength(capacity) / 4;
  }

  private readonly ring: PoolDequeue;

  constructor(words: Int32Array, capacity: number) {
    this.ring = new PoolDequeue(words, capacity);
  }

  pushHead(value: number): boolean {
    return this.ring.pushHead(value);
  }

  popHead(): number | undefined {
    const v = this.ring.popHead();
    return v < 0 ? undefined : v;
  }

  popTail(): number | undefined {
    const v = this.ring.popTail();
    return v < 0 ? undefined : v;
  }
}
