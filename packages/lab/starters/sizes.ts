import { BytesPool } from 'syncpool';

/** A fresh buffer every call: the baseline. */
export function fresh(size: number): unknown {
  const buf = new Uint8Array(size);
  buf[0] = 1;
  return buf;
}

const pool = new BytesPool({ minSize: 16, maxSize: 16384 });

/** The same buffer from a pool, handed back after use. */
export function pooled(size: number): unknown {
  // TODO: take the buffer with pool.get(size), use it, pool.put it back.
  void pool;
  return fresh(size);
}
