/**
 * A growable byte buffer shaped like Go's bytes.Buffer, for exercises 1 and 6: writeString,
 * writeByte, reset (which keeps the capacity: the reason pooling a buffer pays) and toString.
 * Exercise scaffolding, not library API.
 */

/** Go's smallBufferSize (src/bytes/buffer.go:16 in Go 1.19): the first write allocates at least this much. */
const SMALL_BUFFER_SIZE = 64;

const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

export class ByteBuffer {
  // Invariant: bytes [0, #length) of #bytes hold the content; capacity is #bytes.byteLength.
  #bytes: Uint8Array = EMPTY;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  get capacity(): number {
    return this.#bytes.byteLength;
  }

  /** Appends the UTF-8 encoding of s, encoded in place (TextEncoder.encodeInto allocates its result). */
  writeString(s: string): void {
    if (typeof s !== 'string') throw new TypeError(`ByteBuffer.writeString: expected a string, got ${typeof s}`);
    // UTF-8 needs at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    this.#reserve(s.length * 3);
    const bytes = this.#bytes;
    let at = this.#length;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        bytes[at++] = c;
        continue;
      }
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        const low = s.charCodeAt(i + 1);
        if (low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
          bytes[at++] = 0xf0 | (c >> 18);
          bytes[at++] = 0x80 | ((c >> 12) & 0x3f);
          bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
          bytes[at++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      // A lone surrogate is written as U+FFFD, as TextEncoder does.
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      if (c < 0x800) {
        bytes[at++] = 0xc0 | (c >> 6);
      } else {
        bytes[at++] = 0xe0 | (c >> 12);
        bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
      }
      bytes[at++] = 0x80 | (c & 0x3f);
    }
    this.#length = at;
  }

  writeByte(byte: number): void {
    if (!Number.isInteger(byte) || byte < 0 || byte > 255) {
      throw new RangeError(`ByteBuffer.writeByte: expected an integer from 0 to 255, got ${String(byte)}`);
    }
    this.#reserve(1);
    this.#bytes[this.#length++] = byte;
  }

  /** Empties the buffer and keeps its capacity, as bytes.Buffer.Reset does. */
  reset(): void {
    this.#length = 0;
  }

  toString(): string {
    return decoder.decode(this.#bytes.subarray(0, this.#length));
  }

  /**
   * Makes room for n more bytes, growing as Go 1.19's bytes.Buffer does (growSlice,
   * src/bytes/buffer.go:220–243): to twice the capacity, or to what is needed if that is more.
   * Go also rounds up to its allocator's size class; V8 has none to round to.
   */
  #reserve(n: number): void {
    const needed = this.#length + n;
    if (needed <= this.#bytes.byteLength) return;
    const grown = new Uint8Array(Math.max(SMALL_BUFFER_SIZE, 2 * this.#bytes.byteLength, needed));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}
