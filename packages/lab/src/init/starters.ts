/**
 * What `init <task>` writes: the seed's starter restated in TypeScript on syncpool, with the
 * criterion and the hints as comments. The criterion is the exercise's own (registry.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEQUEUE_CONTRACT } from '../check/dequeue/contract.js';
import { FORMAT_CONTRACT } from '../check/format/contract.js';
import type { PredictTask } from '../check/predict/predict.js';
import { DRAIN, HANDOFF, HANDOFF_SHAPE, STEAL } from '../check/predict/tasks.js';
import { LISTING, poolGetListing } from '../check/predict/listing.js';
import { SIZE_SWEEP_CONTRACT } from '../check/size-sweep/check.js';
import { SLOW_PATH_CONTRACT } from '../check/slow-path/check.js';

export interface Starter {
  file: string;
  /** The starter's body; init.ts puts the criterion and the check command above it. */
  body: string;
  hints: string[];
  /** Files written beside the starter, made when init runs (task 5: the listing to read). */
  files?: () => Promise<Record<string, string>>;
}

/**
 * packages/lab/starters: the starters that are whole modules, kept as real TypeScript files so
 * that they are typechecked and the tests' solutions can import their unchanged parts.
 */
const STARTER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'starters');

/** A starter file's text under its contract. */
const starterSource = (file: string, contract: string) => `// The contract:\n${commented(contract)}\n${readFileSync(join(STARTER_DIR, file), 'utf8')}`;

/** `text` as line comments. */
export const commented = (text: string) => text.split('\n').map((l) => `// ${l}`.trimEnd()).join('\n');

/** A predictions file: one number per question, left undefined, below `howToTry` (comment lines). */
function predictStarter(task: PredictTask, hints: string[], howToTry: string): Starter {
  return {
    file: 'predictions.ts',
    hints,
    body: `// Write down what you expect before you run anything; the check runs the experiment and says
// which predictions were right and why. ${howToTry}

export const predictions: Record<string, number | undefined> = {
${task.questions.map((q) => `  // ${q.asks}\n  ${q.key}: undefined,`).join('\n')}
};
`,
  };
}

/** The experiment as a program to run, for howToTry. */
const tryProgram = (program: string) => `To try the experiment yourself, this program
// (save it as experiment.ts and run npx tsx experiment.ts):
//
${commented(program)}`;

export const STARTERS: ReadonlyMap<number, Starter> = new Map<number, Starter>([
  [1, {
    file: 'format.ts',
    hints: [
      'The buffer grows on use; after a reset it keeps its capacity, so later uses skip the allocator.',
      'Reset the buffer before pool.put, or the next formatPooled starts with the previous output.',
      'format makes a Bytes per call and grows it from 64 to 512 bytes: each array past 64 bytes is allocated off the V8 heap.',
    ],
    body: starterSource('format.ts', FORMAT_CONTRACT),
  }],
  [2, predictStarter(DRAIN, [
    'The first GC moves the locals to the victim cache; the second discards the victim.',
    'Try it: gcCycle() from syncpool forces a full collection and waits for the pool cleanup it causes.',
  ], tryProgram(`import { Pool, gcCycle, setCleanupMode } from 'syncpool';

setCleanupMode('manual'); // only the forced collections clean the pool
let newCount = 0;
const pool = new Pool<{ n: number }>({ new: () => { newCount++; return { n: 0 }; } });
for (let i = 0; i < 100; i++) pool.put(pool.get());
console.log('before GC, newCount =', newCount);
await gcCycle();
await gcCycle(); // the second pass drains the victim cache
for (let i = 0; i < 100; i++) pool.put(pool.get());
console.log('after 2x GC, newCount =', newCount);`))],
  [3, predictStarter(STEAL, [
    'The producer\'s items sit in its own local; a consumer on another thread whose local is empty takes them with popTail.',
    'SharedPool.stats() counts steals; SharedPool.create({ maxLocals: 1 }) makes every thread share one local.',
  ], tryProgram(`import { SharedPool } from 'syncpool';
// A producer worker that only puts, consumer workers that only get, on one SharedPool's buffer
// (SharedPool.create in the main thread, SharedPool.attach(buffer) in each worker); count hits
// and misses, then stats().steals. Then again with maxLocals: 1.`))],
  [4, {
    file: 'paths.ts',
    hints: [
      'A SharedPool attachment is a P: a get looks in its own private slot, then its own ring, then steals from the others.',
      'One thread may attach twice (SharedPool.attach(pool.buffer)): one attachment puts, the other gets, and every get must steal.',
      'Time only the gets: b.stopTimer() while you refill, b.startTimer() before the gets.',
    ],
    body: starterSource('paths.ts', SLOW_PATH_CONTRACT),
  }],
  [7, {
    file: 'dequeue.ts',
    hints: [
      'Pack head and tail into one Int32 word (16 bits each) so that one compareExchange claims a slot.',
      'pushHead is the sole producer: write the slot first, then publish it by moving head with an Atomics operation.',
      'popTail is a CAS loop: several stealers race for the same tail.',
      'A stealer must read its slot before it hands the slot back; until then pushHead must treat the slot as full.',
    ],
    body: `// The contract:
${commented(DEQUEUE_CONTRACT)}
export class Dequeue {
  static words(capacity: number): number {
    return 1 + capacity; // one word for head and tail, one per slot: change it if your layout differs
  }

  constructor(private readonly words: Int32Array, private readonly capacity: number) {}

  pushHead(value: number): boolean {
    throw new Error('not implemented: pushHead');
  }

  popHead(): number | undefined {
    throw new Error('not implemented: popHead');
  }

  popTail(): number | undefined {
    throw new Error('not implemented: popTail');
  }
}
`,
  }],
  [11, predictStarter(HANDOFF, [
    'A put fills the private slot first and pushes onto the ring\'s head; a steal pops the ring\'s tail.',
    'A get that misses its own local tries the others in order, starting with the next local id.',
    'detach() moves the private block onto the ring; the ring stays stealable after the thread has gone.',
  ], tryProgram(`import { SharedPool } from 'syncpool';

const creator = SharedPool.create({ blockSize: 64, blocks: 64, maxLocals: ${HANDOFF_SHAPE.producers + 1} });
creator.detach();
// One thread may attach several times: each attachment is a local, as each worker would be.
const consumer = SharedPool.attach(creator.buffer);
const producers = Array.from({ length: ${HANDOFF_SHAPE.producers} }, () => SharedPool.attach(creator.buffer));
// Each producer takes its ${HANDOFF_SHAPE.puts} fresh blocks first (as the reference's workers do before they start).
const made = producers.map((producer) => Array.from({ length: ${HANDOFF_SHAPE.puts} }, () => producer.get()));
for (const [p, producer] of producers.entries()) {
  for (const [i, block] of made[p]!.entries()) {
    producer.bytes(block)[0] = 10 * (p + 1) + i + 1; // the stamp: producer p + 1, put #i + 1
    producer.put(block);
  }
  producer.detach(); // the producer is done: its private block moves to its ring
}
for (let i = 0; i < ${HANDOFF_SHAPE.producers * HANDOFF_SHAPE.puts + 1}; i++) console.log('consumer got', consumer.bytes(consumer.get())[0]);`))],
  [5, {
    ...predictStarter(LISTING, [
      'V8 first checks that this is a Pool (its map) and that the stack has room; the slot\'s load comes after, from a field of this.',
      'The source text after // names the expression each instruction belongs to; offsets are the +0x... at the start of a line.',
      'An atomic read-modify-write on x64 is lock-prefixed (lock cmpxchg, lock xadd); V8 emits them only inside its Atomics builtins.',
    ], `listing.txt, beside this file, is TurboFan's optimized
// code for Pool.get on this node (written by init; the check compiles it again). Predict offsets
// as hex numbers, e.g. 0x1c. To print such a listing yourself: node --print-opt-code
// --print-opt-source on a program whose loop calls pool.put(pool.get()) many times.`),
    files: async () => ({ 'listing.txt': await poolGetListing() }),
  }],
  [8, {
    file: 'sizes.ts',
    hints: [
      'syncpool\'s BytesPool keeps one pool per power-of-two size class: get(n) gives a Uint8Array of n bytes, put gives it back.',
      'Typed arrays of up to 64 bytes live on the V8 heap; larger ones get a backing store outside it, which costs far more to allocate.',
    ],
    body: starterSource('sizes.ts', SIZE_SWEEP_CONTRACT),
  }],
]);
