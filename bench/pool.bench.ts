// Go's own sync.Pool benchmarks (src/sync/pool_test.go, Go 1.19) ported to Pool.
// Run: npx syncpool-bench bench/pool.bench.ts   (Go's figures: bench/RESULTS.md)
//
// Go runs Pool and PoolOverflow with b.RunParallel, one goroutine per P; an isolate has one
// thread, so these are the 1-P versions. Go's PoolSTW and PoolExpensiveNew measure the
// garbage collector; here the collector's part in a pool's life is poolCleanup(), which the
// library runs after each major GC, so the analogues time and trigger poolCleanup() directly.
import { bench, sink } from 'syncpool-bench';
import { Pool, poolCleanup, setCleanupMode } from 'syncpool';

// The harness runs each pass synchronously, so a GC-driven cleanup could not run in the
// middle of a benchmark anyway; 'manual' makes that explicit: cleanups happen where a
// benchmark calls poolCleanup(), and nowhere else.
setCleanupMode('manual');

const item = { value: 1 };

// Go: p.Put(1); p.Get()
bench('Pool', (b) => {
  const p = new Pool<{ value: number }>();
  for (let i = 0; i < b.N; i++) {
    p.put(item);
    sink(p.get());
  }
});

// Leases next to the plain calls they stand for, as sub-benchmarks of one group so that
// `syncpool-bench summary` puts them side by side: get then put by hand, a lease released by
// hand, and `using` (compiled by the harness's TypeScript loader; Node 20 has no native `using`).
bench('PoolLease', (b) => {
  b.run('getput', (b) => {
    const p = new Pool({ new: () => item });
    for (let i = 0; i < b.N; i++) {
      const x = p.get();
      sink(x);
      p.put(x);
    }
  });
  b.run('release', (b) => {
    const p = new Pool({ new: () => item });
    for (let i = 0; i < b.N; i++) {
      const lease = p.lease();
      sink(lease.value);
      lease.release();
    }
  });
  b.run('using', (b) => {
    const p = new Pool({ new: () => item });
    for (let i = 0; i < b.N; i++) {
      using lease = p.lease();
      sink(lease.value);
    }
  });
});

// Go: 100 Puts, then 100 Gets.
bench('PoolOverflow', (b) => {
  const p = new Pool<{ value: number }>();
  for (let i = 0; i < b.N; i++) {
    for (let j = 0; j < 100; j++) p.put(item);
    for (let j = 0; j < 100; j++) sink(p.get());
  }
});

// Go: put 100 000 items, then time the stop-the-world pause of a GC, whose pool part is
// poolCleanup. Here: the pause poolCleanup() itself causes, with 100 000 items pooled.
// ns/op is the mean pause (Go reports it in place of the loop's time), with the median and
// 95th percentile. As in Go the timer runs throughout, so b.N is sized by the whole op.
const STW_ITEMS = 100_000;
bench('PoolSTW', (b) => {
  const p = new Pool<{ value: number }>();
  const pauses = new Float64Array(b.N);
  for (let i = 0; i < b.N; i++) {
    for (let j = 0; j < STW_ITEMS; j++) p.put(item);
    const start = process.hrtime.bigint();
    poolCleanup();
    pauses[i] = Number(process.hrtime.bigint() - start);
  }
  pauses.sort();
  let total = 0;
  for (const ns of pauses) total += ns;
  b.reportMetric(total / b.N, 'ns/op');
  b.reportMetric(pauses[Math.floor((b.N * 95) / 100)] ?? 0, 'p95-ns/STW');
  b.reportMetric(pauses[Math.floor((b.N * 50) / 100)] ?? 0, 'p50-ns/STW');
});

// Go: items that take 1 ms to make; 100 checked out at once, 32 KiB allocated per item, with
// an 8 MiB ballast so the collector runs at GOGC=100's pace: about one GC per 8 MiB
// allocated. Here: one poolCleanup() per 8 MiB allocated, the cleanups Go's GC would cause.
// New/op is the number of items made per op: low when the victim cache carries items across a
// cleanup. victim=false is Go before 1.13 (every cleanup drops everything), for contrast.
const SLEEP = new Int32Array(new SharedArrayBuffer(4));
const CLEANUP_EVERY = 8 << 20;
const WORK_BYTES = 32 << 10;
for (const victim of [true, false]) {
  bench(`PoolExpensiveNew${victim ? '' : 'NoVictim'}`, (b) => {
    let news = 0;
    let cleanups = 0;
    let allocated = 0;
    const p = new Pool<number>({
      victim,
      new: () => {
        news++;
        Atomics.wait(SLEEP, 0, 0, 1); // Go: time.Sleep(time.Millisecond)
        return 42;
      },
    });
    const items = new Array<number>(100).fill(0);
    for (let i = 0; i < b.N; i++) {
      for (let j = 0; j < items.length; j++) {
        items[j] = p.get();
        sink(new Uint8Array(WORK_BYTES)); // the work done with the item checked out
        allocated += WORK_BYTES;
        if (allocated >= CLEANUP_EVERY) {
          allocated -= CLEANUP_EVERY;
          poolCleanup();
          cleanups++;
        }
      }
      for (const v of items) p.put(v);
    }
    b.reportMetric(cleanups / b.N, 'GCs/op');
    b.reportMetric(news / b.N, 'New/op');
  });
}
