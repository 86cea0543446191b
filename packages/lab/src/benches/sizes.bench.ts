// Exercise 8: new Uint8Array(n) against a BytesPool get+put, per size.
import { bench, sink } from 'syncpool-bench';
import { BytesPool } from 'syncpool';
import { SWEEP_SIZES } from '../lib/sweep-sizes.js';

const pool = new BytesPool({ minSize: SWEEP_SIZES[0], maxSize: SWEEP_SIZES.at(-1) });

bench('SizeAlloc', (b) => {
  for (const n of SWEEP_SIZES) {
    b.run(String(n), (b) => {
      for (let i = 0; i < b.N; i++) sink(new Uint8Array(n));
    });
  }
});

bench('SizePool', (b) => {
  for (const n of SWEEP_SIZES) {
    b.run(String(n), (b) => {
      for (let i = 0; i < b.N; i++) {
        const buf = pool.get(n);
        sink(buf);
        pool.put(buf);
      }
    });
  }
});
