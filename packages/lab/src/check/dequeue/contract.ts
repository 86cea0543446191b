/**
 * Task 7's contract: what a learner's ring module exports, checked before anything runs it.
 */
import { UsageError } from '../load.js';

/** The contract as the learner reads it (in usage errors, the starter and --help). */
export const DEQUEUE_CONTRACT = `export class Dequeue {
  static words(capacity: number): number;          // Int32 words the ring needs (capacity a power of two, 2..2^14)
  constructor(words: Int32Array, capacity: number); // every thread builds its own over the same words; all zeros = empty
  pushHead(value: number): boolean;                // owner only; value an integer in [0, 2^30); false when full
  popHead(): number | undefined;                   // owner only
  popTail(): number | undefined;                   // any thread
}`;

export interface Dequeue {
  pushHead(value: number): boolean;
  popHead(): number | undefined;
  popTail(): number | undefined;
}

export interface DequeueClass {
  words(capacity: number): number;
  new (words: Int32Array, capacity: number): Dequeue;
}


const METHODS = ['pushHead', 'popHead', 'popTail'] as const;

/** The Dequeue class of a loaded module, or a UsageError naming what is missing. */
export function dequeueClassOf(module: Record<string, unknown>, file: string): DequeueClass {
  const cls = module.Dequeue;
  const shown = `\nThe contract:\n${DEQUEUE_CONTRACT}`;
  if (typeof cls !== 'function') {
    const names = Object.keys(module);
    throw new UsageError(`${file} does not export a class named Dequeue (it exports ${names.length === 0 ? 'nothing' : names.join(', ')}).${shown}`);
  }
  const missing: string[] = [];
  if (typeof (cls as { words?: unknown }).words !== 'function') missing.push('static words(capacity)');
  const proto = (cls as { prototype?: Record<string, unknown> }).prototype ?? {};
  for (const m of METHODS) if (typeof proto[m] !== 'function') missing.push(`${m}()`);
  if (missing.length > 0) throw new UsageError(`${file}: Dequeue has no ${missing.join(', ')}.${shown}`);
  return cls as unknown as DequeueClass;
}

/** Dequeue.words(capacity), checked: a positive integer of words. */
export function wordsFor(cls: DequeueClass, capacity: number): number {
  const n = cls.words(capacity);
  if (!Number.isInteger(n) || n < 1 || n > 1 << 20) {
    throw new UsageError(`Dequeue.words(${capacity}) returned ${String(n)}; it must be the number of Int32 words the ring needs, ` +
      `a positive integer.\nThe contract:\n${DEQUEUE_CONTRACT}`);
  }
  return n;
}
