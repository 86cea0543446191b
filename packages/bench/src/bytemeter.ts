import v8 from 'node:v8';

// Bytes allocated between start() and stop(), heap and off-heap, by chaining GC snapshots.
//
// Invariant: used bytes only grow between GCs, so everything allocated in a segment is
//   Σ over GCs i (usedBefore(i) − usedAfter(i−1)) + (usedAtStop − usedAfter(last)),
// with usedAfter(−1) = usedAtStart. v8.GCProfiler supplies before/after for every GC.
// The same chaining over externalMemory counts off-heap ArrayBuffer backing stores; it is
// exact only while concurrent ArrayBuffer sweeping is off (otherwise freed backing stores are
// subtracted between GCs, reading 3–6 % low), which the caller arranges.
//
// GCProfiler costs ≈ 39 µs per GC, so never time a loop while a meter runs.

interface Snapshot { heap: number; external: number }

function snapshot(): Snapshot {
  const s = v8.getHeapStatistics();
  return { heap: s.used_heap_size, external: s.external_memory };
}

const MINOR = new Set(['Scavenge', 'MinorMarkCompact']);
const MAJOR = new Set(['MarkSweepCompact']);

export class ByteMeter {
  heapBytes = 0;
  offHeapBytes = 0;
  minorGCs = 0;
  majorGCs = 0;
  private profiler: v8.GCProfiler | undefined;
  private begin: Snapshot = { heap: 0, external: 0 };
  // What one empty start()/stop() pair itself allocates (the snapshot objects), subtracted
  // from every segment so that a loop that allocates nothing reads 0. Zero while calibrating.
  private overhead: Snapshot = { heap: 0, external: 0 };

  constructor() {
    let heap = Infinity;
    let external = Infinity;
    for (let i = 0; i < 4; i++) {
      this.start();
      this.stop();
      heap = Math.min(heap, this.heapBytes);
      external = Math.min(external, this.offHeapBytes);
      this.reset();
    }
    this.overhead = { heap, external };
  }

  get running(): boolean {
    return this.profiler !== undefined;
  }

  start(): void {
    if (this.profiler !== undefined) return;
    this.profiler = new v8.GCProfiler();
    this.profiler.start();
    this.begin = snapshot();
  }

  stop(): void {
    const profiler = this.profiler;
    if (profiler === undefined) return;
    const end = snapshot();
    const stats = profiler.stop().statistics;
    this.profiler = undefined;
    let prev = this.begin;
    for (const gc of stats) {
      const before = gc.beforeGC.heapStatistics;
      const after = gc.afterGC.heapStatistics;
      this.heapBytes += before.usedHeapSize - prev.heap;
      this.offHeapBytes += before.externalMemory - prev.external;
      prev = { heap: after.usedHeapSize, external: after.externalMemory };
      if (MINOR.has(gc.gcType)) this.minorGCs++;
      else if (MAJOR.has(gc.gcType)) this.majorGCs++;
    }
    this.heapBytes += end.heap - prev.heap - (this.overhead.heap);
    this.offHeapBytes += end.external - prev.external - (this.overhead.external);
  }

  reset(): void {
    this.stop();
    this.heapBytes = 0;
    this.offHeapBytes = 0;
    this.minorGCs = 0;
    this.majorGCs = 0;
  }
}
