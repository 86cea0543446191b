// Task 1, broken: formatPooled makes a fresh buffer every time and only puts it into the pool, never takes one.
import { Bytes, format, pool, write } from './format-correct.js';

export { format };

export function formatPooled(n: number): string {
  const b = new Bytes();
  write(b, n);
  const s = b.toString();
  b.reset();
  pool.put(b);
  return s;
}
