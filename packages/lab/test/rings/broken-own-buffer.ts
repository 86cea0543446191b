// Broken: the ring allocates its own SharedArrayBuffer instead of using the words it was given.
import { Dequeue as Correct } from './correct-minimal.js';

export class Dequeue extends Correct {
  constructor(_words: Int32Array, capacity: number) {
    super(new Int32Array(new SharedArrayBuffer(4 * (capacity + 1))), capacity);
  }
}
