// Worker threads running get+put pairs on one SharedPool or MutexPool buffer, all released by
// one start signal: the timing loop of bench/mutex-spin-sweep.mjs and bench/pad-placement.mjs.
import { Worker } from 'node:worker_threads';

const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.lib).then((lib) => {
  const pool = lib[workerData.kind].attach(workerData.buffer);
  const start = new Int32Array(workerData.start);
  Atomics.add(start, 1, 1);
  Atomics.wait(start, 0, 0);
  const holder = { id: 0 };
  for (let i = 0; i < workerData.pairs; i++) { const id = pool.get(); holder.id = id; pool.put(id); }
  pool.detach();
  parentPort.postMessage(holder.id);
});`;

/**
 * ns from the start signal to the last worker's end, for `workers` threads each running `pairs`
 * get+put pairs on `buffer`. Each attaches to the lowest free local; all have detached on return.
 */
export async function timePairs(kind, buffer, workers, pairs) {
  const start = new Int32Array(new SharedArrayBuffer(8));
  const lib = import.meta.resolve('syncpool');
  const threads = [];
  const finished = [];
  for (let w = 0; w < workers; w++) {
    const thread = new Worker(workerSource, { eval: true, workerData: { lib, kind, buffer, start: start.buffer, pairs } });
    threads.push(thread);
    finished.push(new Promise((done) => thread.once('message', done)));
  }
  while (Atomics.load(start, 1) < workers) await new Promise((turn) => setTimeout(turn, 1));
  const began = process.hrtime.bigint();
  Atomics.store(start, 0, 1);
  Atomics.notify(start, 0);
  await Promise.all(finished);
  const ns = Number(process.hrtime.bigint() - began);
  await Promise.all(threads.map((thread) => thread.terminate()));
  return ns;
}
