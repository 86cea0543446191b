// Task 1, correct: format with a fresh buffer, formatPooled with one from a Pool, reset before put.
import { Pool } from 'syncpool';

const decoder = new TextDecoder();

export class Bytes {
  bytes = new Uint8Array(64);
  length = 0;

  write(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.bytes[this.length++] = s.charCodeAt(i);
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

export function write(b: Bytes, n: number): void {
  for (let i = 0; i < n; i++) {
    b.write(String(i));
    b.writeByte(0x2c);
  }
}

export function format(n: number): string {
  const b = new Bytes();
  write(b, n);
  return b.toString();
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
