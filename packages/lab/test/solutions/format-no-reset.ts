// Task 1, broken: the buffer goes back to the pool without a reset, so the next call appends to the last output.
import { format, pool, write } from './format-correct.js';

export { format };

export function formatPooled(n: number): string {
  const b = pool.get();
  write(b, n);
  const s = b.toString();
  pool.put(b);
  return s;
}
