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
// GCProfiler costs ≈ 39 µs per GC and ≈ 30 µs per start/stop: never time a loop while a meter
// runs, and keep the number of segments small.

type Reading = [heap: number, external: number];

// Reading the statistics allocates (the result object, boxed numbers, this array) after V8
// has filled in the numbers: at stop() that lands outside the segment, at start() inside it.
function read(): Reading {
  const s = v8.getHeapStatistics();
  return [s.used_heap_size, s.external_memory];
}

const MINOR = new Set(['Scavenge', 'MinorMarkCompact']);
const MAJOR = new Set(['MarkSweepCompact']);

export class ByteMeter {
  /**
   * The functions that run at a segment's boundaries, for the warm-up to optimize: node's
   * GCProfiler too, whose code a benchmark toggling the timer on every op (few ops, many
   * segments) would otherwise make hot only during the measured run, where TurboFan's finished
   * code (kilobytes on the heap) would land inside a segment.
   */
  static readonly code: Function[] = [read, ByteMeter.prototype.start, ByteMeter.prototype.stop, ByteMeter.prototype.reset,
    v8.GCProfiler, v8.GCProfiler.prototype.start, v8.GCProfiler.prototype.stop];
  heapBytes = 0;
  offHeapBytes = 0;
  minorGCs = 0;
  majorGCs = 0;
  private profiler: v8.GCProfiler | undefined;
  private r0: Reading = [0, 0];
  private r1: Reading = [0, 0];
  private r2: Reading = [0, 0];

  get running(): boolean {
    return this.profiler !== undefined;
  }

  start(): void {
    if (this.profiler !== undefined) return;
    this.profiler = new v8.GCProfiler();
    this.profiler.start();
    // What read() allocates after taking its numbers lands inside the segment. It depends on
    // the tier this code runs in (the interpreter boxes every double it touches; TurboFan may
    // remove the result object altogether), so it is measured in place rather than once: three
    // back-to-back reads, and r2 − r1 is what one read allocates after its numbers. Nothing but
    // the reads runs here: any arithmetic after r2 would allocate inside the segment too, so
    // stop() does it.
    this.r0 = read();
    this.r1 = read();
    this.r2 = read();
  }

  stop(): void {
    const profiler = this.profiler;
    if (profiler === undefined) return;
    const end = read();
    let stats = profiler.stop().statistics;
    this.profiler = undefined;
    const [r0, r1, r2] = [this.r0, this.r1, this.r2];
    // A GC between the reads shows as a negative gap (it frees far more than a read
    // allocates); that GC belongs before the segment, so drop it, and take the other gap.
    const late = r2[0] - r1[0];
    const early = r1[0] - r0[0];
    if (late < 0 || early < 0) stats = stats.slice(1);
    const gap: Reading = late >= 0 ? [late, r2[1] - r1[1]] : [early, r1[1] - r0[1]];
    // Likewise the end reading's own allocation can start a GC before profiler.stop(): that
    // GC began at most one read's allocation after `end` (inside the segment, a GC that the
    // rest of the segment refilled to within a read of its start would be a coincidence).
    const last = stats.at(-1)?.beforeGC.heapStatistics.usedHeapSize;
    if (last !== undefined && last >= end[0] && last - end[0] <= gap[0]) stats = stats.slice(0, -1);
    let prev: Reading = [r2[0] + gap[0], r2[1] + gap[1]];
    for (const gc of stats) {
      const before = gc.beforeGC.heapStatistics;
      const after = gc.afterGC.heapStatistics;
      this.heapBytes += before.usedHeapSize - prev[0];
      this.offHeapBytes += before.externalMemory - prev[1];
      prev = [after.usedHeapSize, after.externalMemory];
      if (MINOR.has(gc.gcType)) this.minorGCs++;
      else if (MAJOR.has(gc.gcType)) this.majorGCs++;
    }
    this.heapBytes += end[0] - prev[0];
    this.offHeapBytes += end[1] - prev[1];
  }

  /** Zeroes the counts; a running meter keeps running from now. */
  reset(): void {
    const running = this.running;
    this.stop();
    this.heapBytes = 0;
    this.offHeapBytes = 0;
    this.minorGCs = 0;
    this.majorGCs = 0;
    if (running) this.start();
  }
}
