/**
 * The single-thread programs the explorer records, the same in Node and in the browser: only how
 * a GC is forced differs (gcCycle() in Node; poolCleanup() in a page, which cannot force one).
 */
import { Pool } from 'syncpool';
import { PoolRecorder } from './pool-recorder.js';
import type { PoolScenario } from './scenario.js';

export type ForceGC = (recorder: PoolRecorder) => Promise<void>;

/** Seed task 2: 100 × put(get()), two GCs, 100 × put(get()) again. */
export async function gcDrain(forceGC: ForceGC, rounds = 100): Promise<PoolScenario> {
  const recorder = new PoolRecorder();
  let made = 0;
  const pool = recorder.observe(new Pool({ new: () => ({ value: ++made }) }), 'victim on');
  recorder.phase(`${rounds} × put(get()): one item, made once, goes round the private slot`);
  for (let i = 0; i < rounds; i++) pool.put(pool.get());
  await forceGC(recorder);
  await forceGC(recorder);
  recorder.phase(`${rounds} × put(get()) again: the item was released by the second GC, so New runs once more`);
  for (let i = 0; i < rounds; i++) pool.put(pool.get());
  return recorder.finish({
    name: 'task2-gc-drain', title: 'Task 2: the pool drains over two GCs', exercise: 2,
    description: `The seed's program: ${rounds} × put(get()), GC, GC, ${rounds} × put(get()). The first GC moves the item to the victim, the second releases it.`,
  });
}

/** Seed task 6: `held` buffers are out across a forced GC, with the victim cache on and off. */
export async function victimCliff(forceGC: ForceGC, buffers = 8, held = 4): Promise<PoolScenario> {
  const recorder = new PoolRecorder();
  const on = recorder.observe(new Pool<Uint8Array>({ new: () => new Uint8Array(1024) }), 'victim on');
  const off = recorder.observe(new Pool<Uint8Array>({ new: () => new Uint8Array(1024), victim: false }), 'victim off');
  const out: Uint8Array[][] = [[], []];
  recorder.phase(`Both pools hand out ${buffers} buffers; ${buffers - held} come back, ${held} stay out across the GC`);
  for (const [i, pool] of [on, off].entries()) {
    for (let b = 0; b < buffers; b++) out[i]!.push(pool.get());
    for (const buffer of out[i]!.splice(held)) pool.put(buffer);
  }
  await forceGC(recorder);
  recorder.phase(`The ${held} buffers come back, and a burst of ${buffers} gets follows`);
  for (const [i, pool] of [on, off].entries()) {
    for (const buffer of out[i]!.splice(0)) pool.put(buffer);
    for (let b = 0; b < buffers; b++) out[i]!.push(pool.get());
    for (const buffer of out[i]!.splice(0)) pool.put(buffer);
  }
  return recorder.finish({
    name: 'task6-cliff', title: 'Task 6: the victim cache softens the GC cliff', exercise: 6,
    description: `Two pools, victim on and off, ${buffers} buffers each, ${held} out across a forced GC. With the victim the burst after the GC is served from it; without, New runs for every buffer the GC released.`,
  });
}

/** Seed task 12: K pre-warmed items, bursts smaller than K, GCs between. */
export async function warmup(forceGC: ForceGC, k = 6, burst = 3): Promise<PoolScenario> {
  const recorder = new PoolRecorder();
  let made = 0;
  const pool = recorder.observe(new Pool({ new: () => ({ value: ++made }) }), 'pre-warmed');
  recorder.phase(`Pre-warm: ${k} items made and put`);
  const items = Array.from({ length: k }, () => pool.get());
  for (const x of items) pool.put(x);
  const runBurst = () => {
    recorder.phase(`A burst of ${burst} gets, then ${burst} puts`);
    const got = Array.from({ length: burst }, () => pool.get());
    for (const x of got) pool.put(x);
  };
  runBurst();
  runBurst();
  await forceGC(recorder);
  runBurst();
  await forceGC(recorder);
  await forceGC(recorder);
  runBurst();
  return recorder.finish({
    name: 'task12-warmup', title: 'Task 12: pre-warming K items', exercise: 12,
    description: `${k} pre-warmed items and bursts of ${burst}: the items below the burst's depth are never taken, survive one GC in the victim and are released by the next.`,
  });
}
