/**
 * Exercise 1's workload, the seed's format(n): "0,1,2,...,n-1," written into a byte buffer,
 * with a fresh buffer per call and with one taken from a pool.
 */
import type { Pool } from 'syncpool';
import { ByteBuffer } from './byte-buffer.js';

/** Writes "0,1,...,n-1," into `b`. */
export function write(b: ByteBuffer, n: number): void {
  for (let i = 0; i < n; i++) {
    b.writeString(String(i));
    b.writeByte(0x2c);
  }
}

export function format(n: number): string {
  const b = new ByteBuffer();
  write(b, n);
  return b.toString();
}

export function formatPooled(pool: Pool<ByteBuffer, ByteBuffer>, n: number): string {
  const b = pool.get();
  write(b, n);
  const s = b.toString();
  b.reset(); // before put: the next user must start empty, and keeps the grown capacity
  pool.put(b);
  return s;
}
