// The SharedArrayBuffer layout of SharedPool and MutexPool, and the validation of its geometry.
//
//   offset 0            header: 128 bytes (32 words)
//                         words 0..9   magic, layout version, kind, blockSize, blocks, maxLocals,
//                                      pad, lockSpin, waitLimitMs, debug. Written once by create(),
//                                      read-only after.
//                         word 16      the arena's bump counter: blocks handed out fresh so far.
//                                      It ends 60 bytes before the records, so the CAS of a fresh
//                                      get never writes a line that a record's words are in.
//                         word 17      the rescue counter (H_RESCUE), bumped by reclaims only.
//                         words 18, 19 waiting for a block (wait.ts): H_WAITERS, the threads
//                                      waiting now, and H_WAKE, the futex word they sleep on.
//   recordsAt           maxLocals records, `recordStride` bytes apart (R_* words below)
//   regionAt            SharedPool: maxLocals rings of `ringCapacity` slots (a power of two >= 16,
//                                   so each ring's offset is a multiple of 64)
//                       MutexPool:  one 64-byte line (lock, top), then `blocks` stack slots
//   epochsAt            one word per local: the epoch of its generation (shared-local.ts)
//   ownersAt            one word per local: who claimed it, the thread that attach() can be
//                       reclaimed by (shared-local.ts)
//   statesAt            debug mode's handout word per block (one word each)
//   arenaAt             the blocks, `blockStride` bytes apart: blockSize rounded up to 64
//
// Every offset is a multiple of 64 from the buffer's start. That is a cache-line boundary only if
// the buffer starts on one, and JavaScript cannot ask for that: V8 takes a SharedArrayBuffer's
// memory from malloc, which aligns it to 16 bytes, and buffers start 0, 16, 32 or 48 bytes into a
// line (bench/pad-placement.mjs prints where). So a 64-byte block, or the end of a ring, may
// share a line with its neighbour; what this layout promises holds at any alignment.
//
// A record is padded to `pad` bytes (default 128, Go's poolLocal pad) so that two threads
// working on their own locals never write the same cache line: a record is 44 bytes, so the last
// line that holds any of its words ends at most 106 bytes after its start, before the next
// record's 128. pad 0 packs the records at their natural 44 bytes; whether two neighbours then
// write one line depends on the buffer's address: only to measure false sharing.
//
// attach() validates every header word against the same ranges as create()'s options, and the
// size they imply against the buffer's byteLength, before it writes anything: a damaged or
// foreign buffer is refused with a PoolError, never with an engine error or a hang.

import { PoolError } from './errors.js';
import { DEQUEUE_LIMIT } from './pool-dequeue.js';

/** Options of SharedPool.create and MutexPool.create. */
export interface SharedPoolOptions {
  /** Bytes per block, 1 to 2^31 - 1. Blocks start 64-byte aligned. */
  blockSize: number;
  /** Blocks in the arena, 1 to 16384 (2^14, the ring limit: every ring can hold every block). */
  blocks: number;
  /** Threads that can be attached at once, 1 to 1024. */
  maxLocals: number;
  /** Bytes per local record: 0 (packed: to measure what false sharing costs) or a multiple of 64 up to 4096. Default 128. */
  pad?: number;
  /**
   * Check every put against the handout it returns (see README, "debug mode"): get() then
   * returns ids that carry a handout number. Costs two Atomics per get+put. Default false.
   */
  debug?: boolean;
  /**
   * MutexPool only: how many times a thread that finds the lock held re-reads it before it
   * sleeps in Atomics.wait (Go's sync.Mutex spins 4 times). 0 parks at once; a very large value
   * spins only. Every wait, spinning or parked, ends after waitLimitMs. Default 4, Go's count
   * (bench/mutex-spin-sweep.mjs: 0 to 16 are alike on 2 cores, 64 and more are slower).
   */
  lockSpin?: number;
  /**
   * The longest a get or put waits for another thread (a MutexPool lock holder, or a stealer
   * still reading the ring slot that a SharedPool put needs) before it gives up with a PoolError
   * naming that thread's local, which may have died. 1 to 2^31 - 1 milliseconds. Default 1000.
   */
  waitLimitMs?: number;
}

/** Which class owns a buffer; stored in the header so that the other class refuses to attach. */
export const KIND_SHARED = 1;
export const KIND_MUTEX = 2;
export type PoolKind = typeof KIND_SHARED | typeof KIND_MUTEX;
const KIND_NAMES = { [KIND_SHARED]: 'SharedPool', [KIND_MUTEX]: 'MutexPool' } as const;

/** Bump this whenever any offset below changes: attach() refuses buffers of another version. */
export const LAYOUT_VERSION = 4;
const MAGIC = 0x4c4f4f50; // "POOL" in little-endian ASCII

// Header words.
const H_MAGIC = 0;
const H_VERSION = 1;
const H_KIND = 2;
const H_GEOMETRY = 3; // FIELDS in order (blockSize, blocks, maxLocals, pad, lockSpin, waitLimitMs), then debug
/** Word index of the arena's bump counter. */
export const H_BUMP = 16;
/**
 * Word index of the rescue counter: bumped by every reclaim of a thread that died announcing a
 * steal, so that each ring's producer looks for a slot that thread left stranded on its next
 * slow get or put (SharedPool), instead of only when its pushes reach that slot.
 */
export const H_RESCUE = 17;
/** Word index of the number of threads waiting for a block (getWait/getAsync, wait.ts). Any value is safe. */
export const H_WAITERS = 18;
/** Word index of the futex word that waiters sleep on: bumped by a push that finds H_WAITERS not 0. */
export const H_WAKE = 19;
const HEADER_BYTES = 128;

// Record words. STATE is changed only with Atomics (shared-local.ts); CLAIM is the announcement
// of a steal in flight, stored with Atomics by its thread and read by others (pool-dequeue.ts);
// PRIVATE and the counters are written only by the attached thread (plain stores); HEAD_TAIL is
// the ring's packed counters, which stealers CAS. Counters are Int32 and read back as unsigned,
// so they wrap at 2^32.
export const R_STATE = 0;
export const R_PRIVATE = 1;
export const R_HEAD_TAIL = 2;
export const R_CLAIM = 3;
export const R_PUTS = 4;
export const R_PRIVATE_HITS = 5;
export const R_RING_HITS = 6;
export const R_STEALS = 7;
export const R_FRESH = 8;
export const R_EXHAUSTED = 9;
export const R_WAITS = 10;
const RECORD_BYTES = 44;

// MutexPool's lock line, relative to regionAt in words; the stack follows the line.
export const M_LOCK = 0;
export const M_TOP = 1;
export const M_STACK = 16;

const LINE = 64;
const INT32_MAX = 0x7fffffff;

/** Where everything is, in bytes from the start of the buffer, plus the geometry it came from. */
export interface Layout extends Geometry {
  readonly kind: PoolKind;
  readonly name: string;
  readonly recordsAt: number;
  readonly recordStride: number;
  readonly regionAt: number;
  /** Slots per local ring (SharedPool); 0 for MutexPool. */
  readonly ringCapacity: number;
  /** One word per local: its generation's epoch (shared-local.ts), written only when the state word's 20 bits wrap. */
  readonly epochsAt: number;
  /** One word per local: its owner word (shared-local.ts), changed only with Atomics. */
  readonly ownersAt: number;
  readonly statesAt: number;
  readonly arenaAt: number;
  readonly blockStride: number;
  readonly byteLength: number;
}

/** The numbers create() takes and the header stores. */
export interface Geometry {
  readonly blockSize: number;
  readonly blocks: number;
  readonly maxLocals: number;
  readonly pad: number;
  readonly debug: boolean;
  readonly lockSpin: number;
  readonly waitLimitMs: number;
}

interface Field {
  readonly key: Exclude<keyof Geometry, 'debug'>;
  readonly min: number;
  readonly max: number;
  readonly fallback?: number;
  readonly hint: string;
}

// Every numeric geometry word, in header order from H_GEOMETRY. One table for create()'s options
// and attach()'s header words, so both accept exactly the same values.
const FIELDS: readonly Field[] = [
  { key: 'blockSize', min: 1, max: INT32_MAX, hint: ' (it is stored in a 32-bit header word)' },
  { key: 'blocks', min: 1, max: DEQUEUE_LIMIT, hint: ' (every ring must hold every block, and a ring holds at most 2^14): use larger blocks or several pools' },
  { key: 'maxLocals', min: 1, max: 1024, hint: ' (one per thread that attaches at once)' },
  { key: 'pad', min: 0, max: 4096, fallback: 128, hint: ': use 0 (packed) or a multiple of 64 (128 is Go\'s)' },
  { key: 'lockSpin', min: 0, max: INT32_MAX, fallback: 4, hint: ' (re-reads of a held lock before sleeping; 0 sleeps at once)' },
  { key: 'waitLimitMs', min: 1, max: INT32_MAX, fallback: 1000, hint: ' (milliseconds a get or put may wait for another thread)' },
];
const H_DEBUG = H_GEOMETRY + FIELDS.length;

function inRange(field: Field, value: number): boolean {
  return Number.isInteger(value) && value >= field.min && value <= field.max && (field.key !== 'pad' || value % LINE === 0);
}

function alignLine(bytes: number): number {
  return Math.ceil(bytes / LINE) * LINE;
}

/**
 * Where everything goes for `geometry`. Rings get at least `minRing` slots: 16 puts every ring
 * on its own cache lines; the model checker (test/model) passes 2 to reach ring wrap-around in
 * few operations.
 */
export function computeLayout(kind: PoolKind, geometry: Geometry, minRing = 16): Layout {
  const { blocks, maxLocals, pad, blockSize } = geometry;
  const recordStride = pad === 0 ? RECORD_BYTES : pad;
  const recordsAt = HEADER_BYTES;
  const regionAt = alignLine(recordsAt + maxLocals * recordStride);
  // A ring as large as the arena can never be full: it would have to hold more distinct blocks
  // than exist. So a put never fails for lack of room (the alternative, Go's chain of doubling
  // rings, needs allocation, which a fixed SharedArrayBuffer cannot do without a second arena).
  const ringCapacity = kind === KIND_SHARED ? Math.max(minRing, 2 ** Math.ceil(Math.log2(blocks))) : 0;
  const regionBytes = kind === KIND_SHARED ? maxLocals * 4 * ringCapacity : 4 * M_STACK + 4 * blocks;
  const epochsAt = alignLine(regionAt + regionBytes);
  const ownersAt = alignLine(epochsAt + 4 * maxLocals);
  const statesAt = alignLine(ownersAt + 4 * maxLocals);
  const arenaAt = alignLine(statesAt + 4 * blocks);
  const blockStride = alignLine(blockSize);
  return {
    ...geometry, kind, name: KIND_NAMES[kind], recordsAt, recordStride, regionAt, ringCapacity,
    epochsAt, ownersAt, statesAt, arenaAt, blockStride, byteLength: arenaAt + blocks * blockStride,
  };
}

/**
 * Throws PoolError unless shared memory exists here. A browser page has SharedArrayBuffer only
 * when it is cross-origin isolated; without it neither pool can work.
 */
export function requireSharedMemory(name: string): void {
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new PoolError(name, 'SharedArrayBuffer is not available here: serve the page cross-origin isolated ' +
      '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp), or use Pool, ' +
      'which pools within one thread and needs no shared memory');
  }
}

/** Validates create()'s options (TypeError for wrong types, RangeError for impossible values). */
export function layoutFor(kind: PoolKind, options: SharedPoolOptions): Layout {
  const name = KIND_NAMES[kind];
  requireSharedMemory(name);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${name}.create: pass an options object { blockSize, blocks, maxLocals, pad?, debug?, lockSpin?, waitLimitMs? }`);
  }
  const values: Record<string, number> = {};
  for (const field of FIELDS) {
    const value: unknown = options[field.key] ?? field.fallback;
    if (typeof value !== 'number') throw new TypeError(`${name}.create: ${field.key} must be a number, got ${typeof value}`);
    if (!inRange(field, value)) {
      throw new RangeError(`${name}.create: ${field.key} is ${value}; it must be an integer from ${field.min} to ${field.max}${field.hint}`);
    }
    values[field.key] = value;
  }
  if (options.debug !== undefined && typeof options.debug !== 'boolean') {
    throw new TypeError(`${name}.create: debug must be a boolean, got ${typeof options.debug}`);
  }
  return computeLayout(kind, { ...(values as unknown as Geometry), debug: options.debug ?? false });
}

/** Allocates the buffer for `layout` and writes its header. */
export function allocate(layout: Layout): SharedArrayBuffer {
  let buffer: SharedArrayBuffer;
  try {
    buffer = new SharedArrayBuffer(layout.byteLength);
  } catch (error) {
    throw new RangeError(
      `${layout.name}.create: ${layout.blocks} blocks of ${layout.blockSize} bytes need a SharedArrayBuffer of ` +
        `${layout.byteLength} bytes, which this engine could not allocate; use fewer or smaller blocks`,
      { cause: error },
    );
  }
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  header[H_MAGIC] = MAGIC;
  header[H_VERSION] = LAYOUT_VERSION;
  header[H_KIND] = layout.kind;
  FIELDS.forEach((field, i) => { header[H_GEOMETRY + i] = layout[field.key]; });
  header[H_DEBUG] = layout.debug ? 1 : 0;
  return buffer;
}

/**
 * Reads and checks the header of a buffer passed to attach(): TypeError unless it is a
 * SharedArrayBuffer, PoolError unless it is a pool of `kind`, of this layout version, whose every
 * geometry word is in range and whose size matches. Reads only.
 */
export function readLayout(kind: PoolKind, buffer: unknown): Layout {
  const name = KIND_NAMES[kind];
  requireSharedMemory(name);
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(`${name}.attach: pass the SharedArrayBuffer of pool.buffer, got ${buffer === null ? 'null' : typeof buffer}`);
  }
  const notOurs = `attach: this SharedArrayBuffer is not a ${name} buffer (pass pool.buffer of a ${name}.create() pool)`;
  if (buffer.byteLength < HEADER_BYTES) throw new PoolError(name, notOurs);
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  if (header[H_MAGIC] !== MAGIC) throw new PoolError(name, notOurs);
  if (header[H_VERSION] !== LAYOUT_VERSION) {
    throw new PoolError(name, `attach: the buffer has layout version ${header[H_VERSION]}, this build reads version ${LAYOUT_VERSION}; ` +
      'create and attach with the same syncpool version');
  }
  const found = header[H_KIND];
  if (found !== kind) {
    const other = found === KIND_SHARED || found === KIND_MUTEX ? KIND_NAMES[found] : `kind ${found}`;
    throw new PoolError(name, `attach: the buffer belongs to a ${other}; attach it with ${other}.attach`);
  }
  const damaged = (what: string) => new PoolError(name, `attach: ${what}; the buffer is damaged (its header was overwritten)`);
  const values: Record<string, number> = {};
  FIELDS.forEach((field, i) => {
    const value = header[H_GEOMETRY + i]!;
    if (!inRange(field, value)) throw damaged(`the header's ${field.key} is ${value}, outside ${field.min}..${field.max}`);
    values[field.key] = value;
  });
  const debug = header[H_DEBUG]!;
  if (debug !== 0 && debug !== 1) throw damaged(`the header's debug word is ${debug}, not 0 or 1`);
  const layout = computeLayout(kind, { ...(values as unknown as Geometry), debug: debug === 1 });
  if (layout.byteLength !== buffer.byteLength) {
    throw damaged(`the header describes ${layout.byteLength} bytes but the buffer has ${buffer.byteLength}`);
  }
  // The bump counter only ever grows from 0 to blocks (fresh() loads it before each CAS).
  const bump = Atomics.load(header, H_BUMP);
  if (bump < 0 || bump > layout.blocks) throw damaged(`the header's bump counter (word ${H_BUMP}) is ${bump}, outside 0..${layout.blocks}`);
  return layout;
}
