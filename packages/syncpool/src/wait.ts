// Waiting for a block instead of polling get() (SharedPool and MutexPool: getWait, getAsync).
//
// Two header words (shared-layout.ts): H_WAITERS counts the threads waiting now, H_WAKE is the
// futex word they sleep on. A waiter adds itself to H_WAITERS, then loops: read H_WAKE, try a
// get, sleep on H_WAKE while it still holds what was read. A push that other threads can take
// from (a SharedPool ring push, a MutexPool stack push) ends with wakeWaiters(): one Atomics.load
// of H_WAITERS, and only when it is not 0 a bump of H_WAKE and a notify. All Atomics are
// sequentially consistent, so either the pusher's load sees the waiter's add (and wakes it), or
// the add came after that load and so after the push, and the waiter's next try finds the block.
//
// Only pushes wake: a SharedPool put into the putter's own private slot makes nothing available
// to another thread (no thread reads another's private slot), so that fast path stays without
// Atomics and wakes nobody, correctly.
//
// A waiter sleeps in slices of at most WAIT_SLICE_MS and tries again after each, so a pusher that
// dies between its push and its notify delays a waiter by one slice, not for ever (MutexPool's
// lock waits the same way). A waiter whose thread is terminated while it sleeps never subtracts
// itself: H_WAITERS stays one too high for good. That is harmless and needs no repair: the count
// only decides whether a push pays one Atomics.add and one Atomics.notify (with nobody to wake),
// and a count that is too high never makes a waiter miss a wake-up; it cannot be too low, since a
// waiter subtracts itself only in a finally block that its own (living) thread runs.

import { PoolError } from './errors.js';
import { H_WAITERS, H_WAKE } from './shared-layout.js';

/** The longest a waiter sleeps before it looks again (SharedPool's waiters, MutexPool's lock). */
export const WAIT_SLICE_MS = 10;

/** After a push that any thread may take from: wakes one waiter, if any waits. Slow paths only. */
export function wakeWaiters(words: Int32Array): void {
  if (Atomics.load(words, H_WAITERS) === 0) return;
  Atomics.add(words, H_WAKE, 1);
  Atomics.notify(words, H_WAKE, 1);
}

/** A wait's next sleep: until H_WAKE no longer holds `seen`, at most `ms` milliseconds. */
interface Sleep {
  readonly seen: number;
  readonly ms: number;
}

/**
 * The waiting loop, for both drivers below: yields each sleep it needs and returns the block id,
 * or -1 once `timeoutMs` have passed. The waiter is counted in H_WAITERS from its first sleep
 * until the generator finishes or is closed (the drivers close it in a finally block).
 */
function* tries(words: Int32Array, take: () => number, timeoutMs: number): Generator<Sleep, number, void> {
  const first = take();
  if (first >= 0 || timeoutMs === 0) return first;
  const deadline = performance.now() + timeoutMs;
  Atomics.add(words, H_WAITERS, 1);
  try {
    for (;;) {
      const seen = Atomics.load(words, H_WAKE);
      const id = take();
      if (id >= 0) return id;
      const left = deadline - performance.now();
      if (left <= 0) return -1;
      yield { seen, ms: Math.min(WAIT_SLICE_MS, left) };
    }
  } finally {
    Atomics.sub(words, H_WAITERS, 1);
  }
}

/**
 * Calls `take` until it returns a block id (>= 0) or `timeoutMs` have passed (then -1), sleeping
 * in Atomics.wait between tries. PoolError where this thread may not block (a browser's main
 * thread): use waitForBlockAsync there.
 */
export function waitForBlock(name: string, words: Int32Array, take: () => number, timeoutMs: number): number {
  const steps = tries(words, take, timeoutMs);
  try {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done === true) return step.value;
      try {
        Atomics.wait(words, H_WAKE, step.value.seen, step.value.ms);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        throw new PoolError(name, 'getWait: Atomics.wait is not allowed on this thread (a browser\'s main thread); ' +
          'use getAsync(timeoutMs) there, which waits without blocking. Nothing was taken');
      }
    }
  } finally {
    steps.return(-1);
  }
}

type WaitAsync = (array: Int32Array, index: number, value: number, timeout: number) =>
  { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

/**
 * waitForBlock without blocking the thread: between tries it awaits Atomics.waitAsync where the
 * engine has it, else a timer of one slice (then a wake-up reaches it within WAIT_SLICE_MS).
 */
export async function waitForBlockAsync(words: Int32Array, take: () => number, timeoutMs: number): Promise<number> {
  const waitAsync = (Atomics as { waitAsync?: WaitAsync }).waitAsync;
  const steps = tries(words, take, timeoutMs);
  try {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done === true) return step.value;
      const { seen, ms } = step.value;
      // A timer of one slice either way: Node neither counts a pending waitAsync as work that
      // keeps the event loop running nor promises to settle its timeout while the loop idles.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const slice = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
      const result = waitAsync?.call(Atomics, words, H_WAKE, seen, ms);
      try {
        if (result === undefined) await slice;
        else if (result.async) await Promise.race([result.value, slice]);
        // else 'not-equal' (a wake-up came since `seen` was read): try again at once
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    steps.return(-1);
  }
}
