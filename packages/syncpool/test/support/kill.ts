// Simulated thread death for single-threaded tests: worker.terminate() stops a thread inside an
// Atomics call, before or after its effect, and runs none of its code afterwards. killAt() makes
// the n-th Atomics call that an attachment makes on its own words throw KILLED (before or after
// the call takes effect), and every later Atomics call of that attachment throw too, so that no
// catch or finally block of the library can repair anything on its way out. The test then never
// touches that attachment again: it is the dead thread.
import type { MutexPool, SharedPool } from '../../src/index.js';

export const KILLED = Symbol('killed');

type Attachment = SharedPool | MutexPool;
const realAtomics = Atomics;

export interface Kill {
  /** How many Atomics calls the victim made before it died (or in all, if it never died). */
  readonly calls: number;
  readonly died: boolean;
}

/**
 * Runs `body` with `victim` set to die at its `n`-th Atomics call (1-based), or at its first call
 * of the Atomics method named `n`, `when` its effect. Returns whether it died; the KILLED throw
 * is swallowed, any other error propagates.
 */
export function killAt(victim: Attachment, n: number | string, when: 'before' | 'after', body: () => void): Kill {
  const words = (victim as unknown as { words: Int32Array }).words;
  let calls = 0;
  let died = false;
  const proxy = new Proxy(realAtomics, {
    get(target, key) {
      const real = Reflect.get(target, key) as unknown;
      if (typeof real !== 'function') return real;
      return (array: unknown, ...rest: unknown[]) => {
        const call = () => (real as (...args: unknown[]) => unknown).call(target, array, ...rest);
        if (array !== words) return call();
        if (died) throw KILLED;
        calls++;
        const here = typeof n === 'number' ? calls === n : key === n;
        if (here && when === 'before') {
          died = true;
          throw KILLED;
        }
        const result = call();
        if (here) {
          died = true;
          throw KILLED;
        }
        return result;
      };
    },
  });
  (globalThis as { Atomics: typeof Atomics }).Atomics = proxy;
  try {
    body();
  } catch (error) {
    if (error !== KILLED) throw error;
  } finally {
    (globalThis as { Atomics: typeof Atomics }).Atomics = realAtomics;
  }
  return { calls, died };
}

