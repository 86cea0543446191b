// Task 1, correct: the starter's format and Bytes, and formatPooled with a buffer from a Pool, reset before put.
import { Pool } from 'syncpool';
import { Bytes, format } from '../../starters/format.js';

export { Bytes, format };

export function write(b: Bytes, n: number): void {
  for (let i = 0; i < n; i++) {
    b.write(String(i));
    b.writeByte(0x2c);
  }
}

export const pool = new Pool<Bytes>({ new: () => new Bytes() });

export function formatPooled(n: number): string {
  const b = pool.get();
  write(b, n);
  const s = b.toString();
  b.reset();
  pool.put(b);
  return s;
}
