// Chooses MutexPool's default lockSpin: the 2- and 4-worker get+put throughput of MutexPool for
// several spin counts, alternated round by round so that every count sees the same machine.
// Run: npm run build && node bench/mutex-spin-sweep.mjs   (about a minute on 2 cores)
import { Worker } from 'node:worker_threads';
import { MutexPool } from 'syncpool';

const SPINS = [0, 1, 4, 16, 64, 256];
const ROUNDS = 7;
const PAIRS = 1_000_000;
const lib = import.meta.resolve('syncpool');

const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.lib).then(({ MutexPool }) => {
  const pool = MutexPool.attach(workerData.buffer);
  const start = new Int32Array(workerData.start);
  Atomics.add(start, 1, 1);
  Atomics.wait(start, 0, 0);
  const holder = { id: 0 };
  for (let i = 0; i < workerData.pairs; i++) { const id = pool.get(); holder.id = id; pool.put(id); }
  parentPort.postMessage(holder.id);
});`;

/** ns per get+put pair of all workers together, from the start signal to the last worker's end. */
async function nsPerPair(lockSpin, workers) {
  const pool = MutexPool.create({ blockSize: 64, blocks: 64, maxLocals: 8, lockSpin });
  pool.detach();
  const start = new Int32Array(new SharedArrayBuffer(8));
  const threads = [];
  const finished = [];
  for (let w = 0; w < workers; w++) {
    const thread = new Worker(workerSource, { eval: true, workerData: { lib, buffer: pool.buffer, start: start.buffer, pairs: PAIRS } });
    threads.push(thread);
    finished.push(new Promise((done) => thread.once('message', done)));
  }
  while (Atomics.load(start, 1) < workers) await new Promise((turn) => setTimeout(turn, 1));
  const began = process.hrtime.bigint();
  Atomics.store(start, 0, 1);
  Atomics.notify(start, 0);
  await Promise.all(finished);
  const ns = Number(process.hrtime.bigint() - began);
  await Promise.all(threads.map((t) => t.terminate()));
  return ns / (PAIRS * workers);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const workers of [2, 4]) {
  const samples = new Map(SPINS.map((s) => [s, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const spin of round % 2 === 0 ? SPINS : [...SPINS].reverse()) samples.get(spin).push(await nsPerPair(spin, workers));
  }
  for (const [spin, ns] of samples) {
    console.log(`workers=${workers} lockSpin=${spin}: ${median(ns).toFixed(1)} ns/pair (min–max ${Math.min(...ns).toFixed(1)}–${Math.max(...ns).toFixed(1)}, ${ROUNDS} rounds)`);
  }
}
