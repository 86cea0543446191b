import { Pool } from 'syncpool';

const decoder = new TextDecoder();

/** A growable byte buffer, as Go's bytes.Buffer: reset() empties it and keeps its capacity. */
export class Bytes {
  bytes = new Uint8Array(64);
  length = 0;

  write(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.bytes[this.length++] = s.charCodeAt(i); // ASCII only: digits and commas
  }

  writeByte(byte: number): void {
    this.reserve(1);
    this.bytes[this.length++] = byte;
  }

  reset(): void {
    this.length = 0;
  }

  toString(): string {
    return decoder.decode(this.bytes.subarray(0, this.length));
  }

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** "0,1,...,n-1," in a fresh buffer per call: the baseline. */
export function format(n: number): string {
  const b = new Bytes();
  for (let i = 0; i < n; i++) {
    b.write(String(i));
    b.writeByte(0x2c);
  }
  return b.toString();
}

const pool = new Pool<Bytes>({ new: () => new Bytes() });

/** The same output as format(n), written into a buffer from the pool. */
export function formatPooled(n: number): string {
  // TODO: take the buffer with pool.get() instead of format's new Bytes(), write into it, read the
  // string, reset the buffer and pool.put it back.
  void pool;
  return format(n);
}
