// Why PoolDequeue packs head and tail as two 16-bit counters in an Int32 instead of Go's two
// 32-bit ones in a 64-bit word: on a BigInt64Array every Atomics call returns a new BigInt, and
// packing two indexes into a BigInt allocates more. Each loop is one step of a push as the ring
// takes it: load the word, pack the next head with the tail, compareExchange.
// Run: node packages/bench/dist/cli.js bench/headtail-word.bench.ts   (after npm run build)
import { bench, sink } from 'syncpool-bench';

bench('HeadTailCAS', (b) => {
  b.run('BigInt64/packed', (b) => {
    const word = new BigInt64Array(new SharedArrayBuffer(8));
    for (let head = 0; head < b.N; head++) {
      const old = Atomics.load(word, 0);
      sink(Atomics.compareExchange(word, 0, old, (BigInt(head + 1) << 32n) | (old & 0xffffffffn)));
    }
  });
  b.run('BigInt64/constants', (b) => {
    const word = new BigInt64Array(new SharedArrayBuffer(8));
    for (let i = 0; i < b.N; i++) sink(Atomics.compareExchange(word, 0, 0n, 0n));
  });
  b.run('Int32/packed', (b) => {
    const word = new Int32Array(new SharedArrayBuffer(4));
    for (let head = 0; head < b.N; head++) {
      const old = Atomics.load(word, 0);
      sink(Atomics.compareExchange(word, 0, old, ((head + 1) << 16) | (old & 0xffff)));
    }
  });
});
