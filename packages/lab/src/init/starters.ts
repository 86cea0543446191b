/**
 * What `init <task>` writes: the seed's starter restated in TypeScript on syncpool, with the
 * criterion and the hints as comments. The criterion is the exercise's own (registry.ts).
 */
import { DEQUEUE_CONTRACT } from '../check/dequeue/contract.js';

export interface Starter {
  file: string;
  /** The starter's body; init.ts puts the criterion and the check command above it. */
  body: string;
  hints: string[];
}

export const STARTERS: ReadonlyMap<number, Starter> = new Map<number, Starter>([
  [1, {
    file: 'format.ts',
    hints: [
      'The buffer grows on use; after a reset it keeps its capacity, so later uses skip the allocator.',
      'Reset the buffer before pool.put, or the next format starts with the previous output.',
    ],
    body: `import { Pool } from 'syncpool';

/** A fresh buffer per call: the baseline. */
export function format(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(String(i), ',');
  return parts.join('');
}

// TODO: a Pool of buffers, taken with get() and handed back with put() after a reset.
const pool = new Pool<string[]>({ New: () => [] });

/** The same output as format(n), built in a buffer from the pool. */
export function formatPooled(n: number): string {
  void pool;
  return format(n); // TODO
}
`,
  }],
  [2, {
    file: 'drain.ts',
    hints: ['The first GC moves the locals to the victim cache; the second discards the victim.'],
    body: `import { Pool } from 'syncpool';

let newCount = 0;
const pool = new Pool<{ n: number }>({ New: () => { newCount++; return { n: 0 }; } });
for (let i = 0; i < 100; i++) pool.put(pool.get());
console.log('before GC, newCount =', newCount);
// Run with node --expose-gc: globalThis.gc!() forces a collection, as runtime.GC() does.
globalThis.gc?.();
globalThis.gc?.(); // the second pass drains the victim cache
for (let i = 0; i < 100; i++) pool.put(pool.get());
console.log('after 2x GC, newCount =', newCount);
// Then try with one gc() call only. What changes?
`,
  }],
  [3, {
    file: 'steal.ts',
    hints: ['The producer\'s items sit in its shared queue; consumers on other threads take them with popTail.'],
    body: `import { SharedPool } from 'syncpool';
// TODO: a producer worker that only puts 10,000 items and three consumer workers that only get
// 3,000 each, on one SharedPool; count hits and misses. Then run with one worker thread only.
void SharedPool;
`,
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
${DEQUEUE_CONTRACT.split('\n').map((l) => `// ${l}`).join('\n')}
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
]);
