// What a store costs by the age of the object stored into and of the value stored, in V8: the
// reason sink() gets a young holder before every run (see the README, "How it measures").
// Run: node packages/bench/dist/cli.js packages/bench/examples/write-barrier.bench.mjs --count 5
//
// Made at module load, an object is old by the time a benchmark runs (the harness's full GC
// before every run promotes it); made inside the run, after that GC, it is young, and stays
// young in a loop that allocates nothing (no scavenge runs). Two values alternate, so that each
// store writes something new.
import { bench } from 'syncpool-bench';

const oldHolder = { value: undefined };
const oldValues = [{ v: 0 }, { v: 1 }];
let youngHolder = { value: undefined };

function store(b, holder, values) {
  for (let i = 0; i < b.N; i++) holder.value = values[i & 1];
}

bench('Store', (b) => {
  b.run('OldHolder/OldValue', (b) => store(b, oldHolder, oldValues));
  b.run('OldHolder/YoungValue', (b) => store(b, oldHolder, [{ v: 0 }, { v: 1 }]));
  b.run('YoungHolder/OldValue', (b) => {
    youngHolder = { value: undefined };
    store(b, youngHolder, oldValues);
  });
  b.run('YoungHolder/YoungValue', (b) => {
    youngHolder = { value: undefined };
    store(b, youngHolder, [{ v: 0 }, { v: 1 }]);
  });
});
