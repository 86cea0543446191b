// A stress worker for SharedPool and MutexPool: attaches, then gets and puts blocks with random
// holding times, stamping every block it holds. Stamp words (the first two Int32s of a block):
// [holder worker + 1, the holder's sequence number]; [0, _] while the block is in the pool.
// A get that finds a stamp, or a put that finds another stamp than its own, means two workers
// held one block at once: the worker throws, which fails the test.
import { parentPort, workerData } from 'node:worker_threads';
import { MutexPool } from '../../src/mutex-pool.js';
import type { BlockId } from '../../src/shared-attachment.js';
import { SharedPool } from '../../src/shared-pool.js';

export interface StressData {
  buffer: SharedArrayBuffer;
  kind: 'shared' | 'mutex';
  worker: number;
  /** Successful gets to do (each later put back), or Infinity to run until terminated. */
  gets: number;
  /** The most blocks held at once. */
  maxHeld: number;
  /** Post { localId, generation } after this many gets (the fault test terminates the worker then). */
  signalAfter: number;
}

export interface StressResult {
  localId: number;
  generation: number;
  gets: number;
  exhausted: number;
}

const data = workerData.data as StressData;
const pool = data.kind === 'shared' ? SharedPool.attach(data.buffer) : MutexPool.attach(data.buffer);
const words = new Int32Array(data.buffer);
const me = data.worker + 1;
const stampAt = (id: number) => pool.bytes(id as BlockId).byteOffset >>> 2;

// xorshift32: a seeded generator, so that a failure can be rerun with the same choices.
let seed = 0x9e3779b9 ^ (me * 0x85ebca6b);
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}

const held: number[] = [];
const heldSequence: number[] = [];
let gets = 0;
let exhausted = 0;
let sequence = 0;

function take(): void {
  const id = pool.get();
  if (id < 0) {
    exhausted++;
    return;
  }
  const at = stampAt(id);
  if (words[at] !== 0) throw new Error(`worker ${me} got block ${id}, held by worker ${words[at]! - 1} (seq ${words[at + 1]})`);
  words[at + 1] = ++sequence;
  words[at] = me;
  held.push(id);
  heldSequence.push(sequence);
  if (++gets === data.signalAfter) parentPort!.postMessage({ localId: pool.localId, generation: pool.generation });
}

function giveBack(index: number): void {
  const id = held[index]!;
  const at = stampAt(id);
  if (words[at] !== me || words[at + 1] !== heldSequence[index]) {
    throw new Error(`worker ${me} holds block ${id} since its get ${heldSequence[index]}, but the stamp says ` +
      `worker ${words[at]! - 1}, get ${words[at + 1]}`);
  }
  words[at] = 0;
  held[index] = held[held.length - 1]!;
  heldSequence[index] = heldSequence[heldSequence.length - 1]!;
  held.pop();
  heldSequence.pop();
  pool.put(id as BlockId);
}

while (gets < data.gets) {
  // Random holding times: get while under the limit with probability 1/2, else put back a
  // random held block.
  if (held.length === 0 || (held.length < data.maxHeld && random() < 0.5)) take();
  else giveBack(Math.floor(random() * held.length));
}
while (held.length > 0) giveBack(held.length - 1);
parentPort!.postMessage({ localId: pool.localId, generation: pool.generation, gets, exhausted } satisfies StressResult);
