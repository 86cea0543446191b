// @ts-check
// Where response buffers come from, chosen when the server starts, and when a pooled one goes back.
import { bytesPool } from 'syncpool';

/** @typedef {'pool' | 'allocUnsafe' | 'alloc' | 'uint8array'} Alloc */
/** @typedef {'callback' | 'early'} Release */

export const ALLOCS = /** @type {const} */ (['pool', 'allocUnsafe', 'alloc', 'uint8array']);
export const RELEASES = /** @type {const} */ (['callback', 'early']);

/** @type {Record<Alloc, (n: number) => Uint8Array>} */
const allocators = {
  // A Buffer that owns its memory, from the shared default BytesPool (64 B to 1 MiB classes).
  pool: (n) => bytesPool.getBuffer(n),
  // Node's fastest plain allocation: below 4 KiB a slice of a shared 8 KiB slab, not zeroed.
  allocUnsafe: (n) => Buffer.allocUnsafe(n),
  alloc: (n) => Buffer.alloc(n),
  uint8array: (n) => new Uint8Array(n),
};

/**
 * How a server takes a response buffer and hands it to a stream.
 *
 * `send(write, buf)` calls `write(buf, callback?)` (socket.write or res.end) and returns what it
 * returns. A stream does not copy `buf`: it keeps sending from it after write() returns, until
 * the write's callback runs. So a pooled buffer goes back to the pool in that callback
 * ('callback', the right way). 'early' puts it back right after write(), the bug this example
 * demonstrates: the next response may be encoded into memory the socket is still sending, and in
 * debug mode (SYNCPOOL_DEBUG=1) the pool's fill pattern goes out on the wire instead.
 *
 * @param {Alloc} alloc
 * @param {Release} release
 */
export function bufferSource(alloc, release) {
  const take = allocators[alloc];
  if (take === undefined) throw new TypeError(`--alloc must be one of ${ALLOCS.join(', ')}, got ${JSON.stringify(alloc)}`);
  if (!RELEASES.includes(release)) throw new TypeError(`--release must be one of ${RELEASES.join(', ')}, got ${JSON.stringify(release)}`);
  /** @typedef {(buf: Uint8Array, callback?: () => void) => boolean} Write */
  /** @type {(write: Write, buf: Uint8Array) => boolean} */
  let send;
  if (alloc !== 'pool') {
    send = (write, buf) => write(buf); // the garbage collector frees buf once the stream is done
  } else if (release === 'early') {
    send = (write, buf) => {
      const flushed = write(buf);
      bytesPool.put(buf); // WRONG: the stream may still be sending buf
      return flushed;
    };
  } else {
    send = (write, buf) => write(buf, () => bytesPool.put(buf));
  }
  return { take, send };
}

/** Counters of the default BytesPool, summed over its classes (all zero when it is not used). */
export function poolCounts() {
  let gets = 0;
  let news = 0;
  for (const c of bytesPool.stats().classes) {
    gets += c.gets;
    news += c.news;
  }
  return { gets, news };
}
