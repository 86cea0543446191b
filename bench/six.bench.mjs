// Six typical benchmarks (issue 20) for syncpool-bench; harness-compare.mjs times the same
// functions under mitata and tinybench.
import { bench, sink } from 'syncpool-bench';
import { SIX } from './six-functions.mjs';

for (const [name, op] of Object.entries(SIX)) {
  bench(name, (b) => {
    for (let i = 0; i < b.N; i++) sink(op());
  });
}
