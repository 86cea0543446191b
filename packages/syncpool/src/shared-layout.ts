// The SharedArrayBuffer layout of SharedPool and MutexPool, and the validation of its geometry.
//
//   offset 0            header: 128 bytes (32 words)
//                         words 0..7   magic, layout version, kind, blockSize, blocks, maxLocals,
//                                      pad, debug. Written once by create(), read-only after.
//                         word 16      the arena's bump counter: blocks handed out fresh so far.
//                                      Alone in its 64-byte line, so the CAS of a fresh get never
//                                      invalidates the read-only geometry that every attach reads.
//   recordsAt           maxLocals records, `recordStride` bytes apart (RECORD_* words below)
//   regionAt            SharedPool: maxLocals rings of `ringCapacity` slots (a power of two >= 16,
//                                   so each ring starts on a 64-byte line)
//                       MutexPool:  one 64-byte line (lock, holder, top), then `blocks` stack slots
//   statesAt            debug mode's handed-out flag per block (one word each)
//   arenaAt             the blocks, `blockStride` bytes apart: blockSize rounded up to 64
//
// Every offset is a multiple of 64, so blocks and rings start on cache lines.
//
// A record is padded to `pad` bytes (default 128, Go's poolLocal pad) so that two threads
// working on their own locals never write the same cache line. pad 0 packs the records at their
// natural 40 bytes, which puts two locals in one line: only for the false-sharing experiment.

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
  /** Bytes per local record: 0 (packed, for the false-sharing experiment) or a multiple of 64 up to 4096. Default 128. */
  pad?: number;
  /** Check on every put that the block is currently handed out (costs two Atomics per get+put). Default false. */
  debug?: boolean;
}

/** Which class owns a buffer; stored in the header so that the other class refuses to attach. */
export const KIND_SHARED = 1;
export const KIND_MUTEX = 2;
export type PoolKind = typeof KIND_SHARED | typeof KIND_MUTEX;
const KIND_NAMES = { [KIND_SHARED]: 'SharedPool', [KIND_MUTEX]: 'MutexPool' } as const;

/** Bump this whenever any offset below changes: attach() refuses buffers of another version. */
export const LAYOUT_VERSION = 1;
const MAGIC = 0x4c4f4f50; // "POOL" in little-endian ASCII

// Header words.
const H_MAGIC = 0;
const H_VERSION = 1;
const H_KIND = 2;
const H_BLOCK_SIZE = 3;
const H_BLOCKS = 4;
const H_MAX_LOCALS = 5;
const H_PAD = 6;
const H_DEBUG = 7;
/** Word index of the arena's bump counter. */
export const H_BUMP = 16;
const HEADER_BYTES = 128;

// Record words. STATE is claimed by attach with a CAS; PRIVATE and the counters are written only
// by the attached thread (plain stores); HEAD_TAIL is the ring's packed counters, which stealers
// CAS. Counters are Int32 and read back as unsigned, so they wrap at 2^32.
export const R_STATE = 0;
export const R_PRIVATE = 1;
export const R_HEAD_TAIL = 2;
export const R_PUTS = 3;
export const R_PRIVATE_HITS = 4;
export const R_RING_HITS = 5;
export const R_STEALS = 6;
export const R_FRESH = 7;
export const R_EXHAUSTED = 8;
export const R_WAITS = 9;
const RECORD_BYTES = 40;

/** R_STATE values. */
export const LOCAL_FREE = 0;
export const LOCAL_ATTACHED = 1;
export const LOCAL_RECLAIMING = 2;

// MutexPool's lock line, relative to regionAt in words; the stack follows the line.
export const M_LOCK = 0;
export const M_HOLDER = 1;
export const M_TOP = 2;
export const M_STACK = 16;

const LINE = 64;
const MAX_BLOCK_SIZE = 0x7fffffff;
const MAX_LOCALS = 1024;
const MAX_PAD = 4096;
const DEFAULT_PAD = 128;

/** Where everything is, in bytes from the start of the buffer, plus the geometry it came from. */
export interface Layout {
  readonly kind: PoolKind;
  readonly name: string;
  readonly blockSize: number;
  readonly blocks: number;
  readonly maxLocals: number;
  readonly pad: number;
  readonly debug: boolean;
  readonly recordsAt: number;
  readonly recordStride: number;
  readonly regionAt: number;
  /** Slots per local ring (SharedPool); 0 for MutexPool. */
  readonly ringCapacity: number;
  readonly statesAt: number;
  readonly arenaAt: number;
  readonly blockStride: number;
  readonly byteLength: number;
}

function alignLine(bytes: number): number {
  return Math.ceil(bytes / LINE) * LINE;
}

function integerOption(name: string, key: string, value: unknown, min: number, max: number, hint: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name}.create: ${key} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name}.create: ${key} is ${value}; it must be an integer from ${min} to ${max}${hint}`);
  }
  return value;
}

function computeLayout(kind: PoolKind, blockSize: number, blocks: number, maxLocals: number, pad: number, debug: boolean): Layout {
  const recordStride = pad === 0 ? RECORD_BYTES : pad;
  const recordsAt = HEADER_BYTES;
  const regionAt = alignLine(recordsAt + maxLocals * recordStride);
  // A ring as large as the arena can never be full: it would have to hold more distinct blocks
  // than exist. So a put never fails for lack of room (the alternative, Go's chain of doubling
  // rings, needs allocation, which a fixed SharedArrayBuffer cannot do without a second arena).
  const ringCapacity = kind === KIND_SHARED ? Math.max(16, 2 ** Math.ceil(Math.log2(blocks))) : 0;
  // At least 16 slots, so that every ring is a whole number of 64-byte lines.
  const regionBytes = kind === KIND_SHARED ? maxLocals * 4 * ringCapacity : 4 * M_STACK + 4 * blocks;
  const statesAt = alignLine(regionAt + regionBytes);
  const arenaAt = alignLine(statesAt + 4 * blocks);
  const blockStride = alignLine(blockSize);
  const name = KIND_NAMES[kind];
  return {
    kind, name, blockSize, blocks, maxLocals, pad, debug, recordsAt, recordStride, regionAt, ringCapacity,
    statesAt, arenaAt, blockStride, byteLength: arenaAt + blocks * blockStride,
  };
}

/** Validates create()'s options (TypeError for wrong types, RangeError for impossible values). */
export function layoutFor(kind: PoolKind, options: SharedPoolOptions): Layout {
  const name = KIND_NAMES[kind];
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${name}.create: pass an options object { blockSize, blocks, maxLocals, pad?, debug? }`);
  }
  const blockSize = integerOption(name, 'blockSize', options.blockSize, 1, MAX_BLOCK_SIZE, ' (it is stored in a 32-bit header word)');
  const blocks = integerOption(name, 'blocks', options.blocks, 1, DEQUEUE_LIMIT,
    ' (every ring must hold every block, and a ring holds at most 2^14): use larger blocks or several pools');
  const maxLocals = integerOption(name, 'maxLocals', options.maxLocals, 1, MAX_LOCALS, ' (one per thread that attaches at once)');
  const pad = integerOption(name, 'pad', options.pad ?? DEFAULT_PAD, 0, MAX_PAD, '');
  if (pad % LINE !== 0) throw new RangeError(`${name}.create: pad is ${pad}; use 0 (packed) or a multiple of ${LINE} (128 is Go's)`);
  if (options.debug !== undefined && typeof options.debug !== 'boolean') {
    throw new TypeError(`${name}.create: debug must be a boolean, got ${typeof options.debug}`);
  }
  return computeLayout(kind, blockSize, blocks, maxLocals, pad, options.debug ?? false);
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
  header[H_BLOCK_SIZE] = layout.blockSize;
  header[H_BLOCKS] = layout.blocks;
  header[H_MAX_LOCALS] = layout.maxLocals;
  header[H_PAD] = layout.pad;
  header[H_DEBUG] = layout.debug ? 1 : 0;
  return buffer;
}

/** Reads and checks the header of a buffer passed to attach(): PoolError unless it is a pool of `kind` and this version. */
export function readLayout(kind: PoolKind, buffer: unknown): Layout {
  const name = KIND_NAMES[kind];
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(`${name}.attach: pass the SharedArrayBuffer of pool.buffer, got ${buffer === null ? 'null' : typeof buffer}`);
  }
  const notOurs = `${name}.attach: this SharedArrayBuffer is not a ${name} buffer (pass pool.buffer of a ${name}.create() pool)`;
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
  const layout = computeLayout(kind, header[H_BLOCK_SIZE]!, header[H_BLOCKS]!, header[H_MAX_LOCALS]!, header[H_PAD]!, header[H_DEBUG] === 1);
  if (layout.byteLength !== buffer.byteLength) {
    throw new PoolError(name, `attach: the header describes ${layout.byteLength} bytes but the buffer has ${buffer.byteLength}; it is damaged`);
  }
  return layout;
}
