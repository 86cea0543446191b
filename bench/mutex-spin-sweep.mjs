// Chooses MutexPool's default lockSpin: the 2- and 4-worker get+put throughput of MutexPool for
// several spin counts, alternated round by round so that every count sees the same machine.
// Run: npm run build && node bench/mutex-spin-sweep.mjs   (about a minute on 2 cores)
import { MutexPool } from 'syncpool';
import { timePairs } from './pair-workers.mjs';

const SPINS = [0, 1, 4, 16, 64, 256];
const ROUNDS = 7;
const PAIRS = 1_000_000;

/** ns per get+put pair of all workers together, from the start signal to the last worker's end. */
async function nsPerPair(lockSpin, workers) {
  const pool = MutexPool.create({ blockSize: 64, blocks: 64, maxLocals: 8, lockSpin });
  pool.detach();
  return (await timePairs('MutexPool', pool.buffer, workers, PAIRS)) / (PAIRS * workers);
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
