// Task 8, a solution: pooled takes a size-byte buffer from a BytesPool and puts it back.
import { BytesPool } from 'syncpool';
import { fresh } from '../../starters/sizes.js';

export { fresh };

const pool = new BytesPool({ minSize: 16, maxSize: 16384 });

export function pooled(size: number): unknown {
  const buf = pool.get(size);
  buf[0] = 1;
  pool.put(buf);
  return buf;
}
