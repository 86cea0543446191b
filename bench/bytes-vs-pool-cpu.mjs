// BytesPool against Pool at 1 KiB, timed by the process's CPU time instead of the wall clock:
// on a machine whose cores other jobs share, a benchmark's wall time counts the time it spent
// descheduled, its CPU time does not. The three loops of BytesVsPool (bench/bytes-pool.bench.ts),
// alternated in rounds in one process; prints each one's median ns per get+put and the ratios.
// Run: npm run build && node bench/bytes-vs-pool-cpu.mjs [rounds]
import { BytesPool, Pool, setCleanupMode } from 'syncpool';
import { sink } from 'syncpool-bench';

setCleanupMode('manual');
const ROUNDS = Number(process.argv[2] ?? 9);
const N = 10_000_000;

const kib = new BytesPool({ zero: false });
const kibPool = new Pool({ new: () => new Uint8Array(1024) });
// The floor of any size-classed pool built on Pool: see ClassLookupOnly in bytes-pool.bench.ts.
const classPools = Array.from({ length: 15 }, (_, i) => new Pool({ new: () => new Uint8Array(64 << i) }));
const classOf = (/** @type {number} */ n) => (n <= 64 ? 0 : 26 - Math.clz32(n - 1));

/** @type {Record<string, () => void>} */
const loops = {
  BytesPool: () => {
    for (let i = 0; i < N; i++) {
      const buf = kib.get(1024);
      sink(buf);
      kib.put(buf);
    }
  },
  Pool: () => {
    for (let i = 0; i < N; i++) {
      const buf = kibPool.get();
      sink(buf);
      kibPool.put(buf);
    }
  },
  ClassLookupOnly: () => {
    for (let i = 0; i < N; i++) {
      const buf = /** @type {Pool<Uint8Array, Uint8Array>} */ (classPools[classOf(1024)]).get();
      sink(buf);
      /** @type {Pool<Uint8Array, Uint8Array>} */ (classPools[classOf(buf.length)]).put(buf);
    }
  },
};

/** @type {Record<string, number[]>} */
const ns = { BytesPool: [], Pool: [], ClassLookupOnly: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, loop] of Object.entries(loops)) {
    const start = process.cpuUsage();
    loop();
    const used = process.cpuUsage(start);
    ns[name]?.push(((used.user + used.system) * 1000) / N);
  }
}
/** @param {number[]} xs */
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? /** @type {number} */ (sorted[mid]) : (/** @type {number} */ (sorted[mid - 1]) + /** @type {number} */ (sorted[mid])) / 2;
};
const m = Object.fromEntries(Object.entries(ns).map(([name, xs]) => [name, median(xs)]));
console.log(JSON.stringify({ rounds: ROUNDS, medianNs: m, bytesOverPool: m.BytesPool / m.Pool, floorOverPool: m.ClassLookupOnly / m.Pool, bytesOverFloor: m.BytesPool / m.ClassLookupOnly }));
