// A worker that stops for good at a chosen step of a plain attach(buffer), for the parent to
// terminate there (test/shared-pool-recovery.test.ts). Plain JavaScript over the built library,
// so that it starts in tens of milliseconds (a TypeScript worker registers tsx first).
//
// workerData: { lib, kind: 'shared' | 'mutex', buffer, stop, when: 'before' | 'after', signal }.
// It counts the Atomics calls of attach; at call `stop` it parks, before or after that call takes
// effect, having set signal[0] = 1. If attach finishes first, it takes a block and puts it back
// (into its private slot, SharedPool) and parks with signal[0] = 2: a worker that dies before it
// posts anything. It never posts: the parent holds only worker.threadId.
import { workerData } from 'node:worker_threads';

const real = Atomics;
const { lib, kind, buffer, stop, when } = workerData;
const signal = new Int32Array(workerData.signal);

/** Tells the parent where it stopped and sleeps until terminated (signal[1] never changes). */
function park(code) {
  real.store(signal, 0, code);
  real.notify(signal, 0);
  for (;;) real.wait(signal, 1, 0);
}

const syncpool = await import(lib);
const Pool = kind === 'mutex' ? syncpool.MutexPool : syncpool.SharedPool;
let calls = 0;
globalThis.Atomics = new Proxy(real, {
  get(target, key) {
    const fn = Reflect.get(target, key);
    if (typeof fn !== 'function') return fn;
    return (...args) => {
      const here = ++calls === stop;
      if (here && when === 'before') park(1);
      const result = fn.apply(target, args);
      if (here) park(1);
      return result;
    };
  },
});
const pool = Pool.attach(buffer);
globalThis.Atomics = real;
pool.put(pool.get());
park(2);
