import { AllocMeter, syncpoolBenchAllocationRegion } from './allocmeter.js';
import { B, Stopwatch, type Meter, type SubRunner } from './b.js';
import { predictN, type Benchtime } from './benchtime.js';
import { ByteMeter } from './bytemeter.js';
import { Matcher, NameRegistry } from './names.js';
import type { BenchFunction, Registered } from './registry.js';
import { finishCompiles, fullGC, isTurboFanned, optimizeNow } from './v8flags.js';

// The three measurement passes, each run in its own process over one benchmark file:
//   timing: ns/op, with nothing observing the GC (GCProfiler costs ≈ 39 µs per GC);
//   memory: bytes with v8.GCProfiler chaining, at the N the timing pass settled on;
//   allocs: allocation counts with the sampling heap profiler, over a small N, and the check
//           that the benchmark reads b.N.
// Every pass walks the benchmarks as Go does: run1 (N = 1) first, which also runs any
// sub-benchmarks; a benchmark that called b.run is a parent and is not measured itself.

export type PassKind = 'timing' | 'memory' | 'allocs';

export interface PassConfig {
  kind: PassKind;
  benchtime: Benchtime;
  pattern: string;
  /** memory and allocs passes: the N the timing pass used, by full name; others are skipped. */
  plan?: Record<string, number>;
}

export interface PassRecord {
  name: string;
  n: number;
  ns?: number;
  bytesPerOpSet?: number;
  extra?: Array<[string, number]>;
  heapBytes?: number;
  offHeapBytes?: number;
  minorGCs?: number;
  majorGCs?: number;
  allocations?: number;
  /** timing pass: the fastest re-timed ns/op, when within FLOOR_FACTOR of the empty loop. */
  nearFloorNs?: number;
}

export interface PassFailure { name: string; message: string }

export interface PassOutput {
  records: PassRecord[];
  failures: PassFailure[];
  /** timing pass: ns/op of an empty `for (i < b.N)` loop in this process. */
  floorNs?: number;
}

/** Cap on allocation samples per benchmark: each costs 2–7 µs with the profiler at interval 1. */
const ALLOCATION_BUDGET = 20_000;
const MAX_ALLOCS_N = 1000;
/** Cap on stopTimer()s in one memory or allocs run: each costs ≈ 30 µs with a GCProfiler. */
const MAX_TOGGLES = 2000;
/** The empty-loop floor: the fastest of FLOOR_RUNS runs of FLOOR_NS each, whatever --benchtime says. */
const FLOOR_NS = 10e6;
const FLOOR_RUNS = 5;
/** Results under this multiple of the floor are re-timed; under FLOOR_FACTOR they are flagged. */
const FLOOR_SUSPECT = 4;
export const FLOOR_FACTOR = 2;

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return `thrown value: ${String(err)}`;
}

export class Pass {
  readonly output: PassOutput = { records: [], failures: [] };
  private readonly names = new NameRegistry();
  private readonly matcher: Matcher;

  constructor(private readonly config: PassConfig) {
    this.matcher = new Matcher(config.pattern);
  }

  runAll(benchmarks: Registered[]): PassOutput {
    if (this.config.kind === 'timing') this.output.floorNs = this.floor();
    for (const { name, fn } of benchmarks) {
      const full = `Benchmark${name}`;
      const { ok, partial } = this.matcher.match(full);
      if (ok) this.runOne(full, fn, partial);
    }
    return this.output;
  }

  private readonly runSub = (parent: B, sub: string, fn: BenchFunction): boolean => {
    const full = this.names.unique(parent.name, sub);
    const { ok, partial } = this.matcher.match(full);
    return ok ? this.runOne(full, fn, partial) : true;
  };

  private fail(name: string, message: string): false {
    this.output.failures.push({ name, message });
    return false;
  }

  /** One benchmark: run1, then this pass's measurement. Reports whether it succeeded. */
  private runOne(name: string, fn: BenchFunction, partial: boolean): boolean {
    const watch = new Stopwatch();
    const b = new B(name, watch, this.runSub);
    let reads = 0;
    if (this.config.kind === 'allocs') {
      // Only here, in its own process: an accessor N would make `b.N` polymorphic in the
      // timed loop of the other passes.
      let n = 1;
      Object.defineProperty(b, 'N', { get: () => { reads++; return n; }, set: (v: number) => { n = v; } });
    }
    try {
      fullGC();
      b.runN(fn, 1);
    } catch (err) {
      return this.fail(name, describe(err));
    }
    // A partial match (-bench X/Y matching BenchmarkX) only runs X's sub-benchmarks.
    if (b.hasSub || partial) return true;
    if (this.config.kind === 'allocs' && reads === 0) {
      return this.fail(name, 'b.N was never read: a benchmark must loop `for (let i = 0; i < b.N; i++) { ... }` ' +
        'around the work it measures, or its ns/op, B/op and allocs/op mean nothing');
    }
    try {
      if (this.config.kind === 'timing') this.time(b, fn, watch);
      else {
        const n = this.config.plan?.[name];
        if (n === undefined) return true; // failed in the timing pass, already reported
        // run1's stopTimer() count sizes the runs: each toggle of a meter is costly.
        const cap = toggleCap(b.toggles);
        if (this.config.kind === 'memory') this.memory(name, fn, Math.min(n, cap));
        else this.allocs(name, fn, Math.min(n, cap));
      }
    } catch (err) {
      return this.fail(name, describe(err));
    }
    return true;
  }

  /** Go's launch(): grow N until the benchtime is reached. b already ran once with N = 1. */
  private time(b: B, fn: BenchFunction, watch: Stopwatch): void {
    grow(b, fn, watch, this.config.benchtime);
    const record: PassRecord = { name: b.name, n: b.N, ns: watch.ns, bytesPerOpSet: b.bytes, extra: [...b.extra] };
    this.output.records.push(record);
    // Dead-code check: a result near the empty loop's time is re-timed as the floor was, the
    // fastest of short runs, so that load on the machine cannot hide it (or fake it).
    const floor = this.output.floorNs ?? 0;
    if (watch.ns / b.N >= FLOOR_SUSPECT * floor) return;
    const n = Math.max(1, Math.round(FLOOR_NS / Math.max(watch.ns / b.N, 0.01)));
    let fastest = Infinity;
    for (let i = 0; i < FLOOR_RUNS; i++) {
      b.runN(fn, n);
      fastest = Math.min(fastest, watch.ns / n);
    }
    if (fastest < FLOOR_FACTOR * floor) record.nearFloorNs = fastest;
  }

  private memory(name: string, fn: BenchFunction, n: number): void {
    const meter = new ByteMeter();
    const spare = new B(name, new ByteMeter(), this.runSub);
    warmUp(spare, fn, n, ByteMeter.code);
    const b = measured(name, meter, this.runSub, fn, n, spare);
    this.output.records.push({
      name, n: b.N, heapBytes: meter.heapBytes, offHeapBytes: meter.offHeapBytes,
      minorGCs: meter.minorGCs, majorGCs: meter.majorGCs,
    });
  }

  private allocs(name: string, fn: BenchFunction, n: number): void {
    const meter = new AllocMeter();
    const spare = new B(name, new AllocMeter(false), this.runSub);
    warmUp(spare, fn, n, AllocMeter.code);
    const count = (ops: number): number => {
      measured(name, meter, this.runSub, fn, ops, spare, syncpoolBenchAllocationRegion);
      return meter.finish();
    };
    // One op first, to size the counted runs within the sample budget.
    const perOp = Math.max(1, count(1));
    const large = Math.max(2, Math.min(n, MAX_ALLOCS_N, Math.floor(ALLOCATION_BUDGET / perOp)));
    // Over a small N, what the benchmark allocates once per call (its setup) would weigh as
    // much as the loop: the difference of two runs leaves only the per-op allocations, which
    // is what Go's total / N tends to at the large N of its single run.
    const small = Math.floor(large / 2);
    const allocations = count(large) - count(small);
    this.output.records.push({ name, n: large - small, allocations });
  }

  private floor(): number {
    const watch = new Stopwatch();
    const b = new B('floor', watch, this.runSub);
    const empty = (b: B): void => {
      for (let i = 0; i < b.N; i++) { /* the harness's own overhead per iteration */ }
    };
    let fastest = Infinity;
    for (let i = 0; i < FLOOR_RUNS; i++) {
      b.runN(empty, 1);
      grow(b, empty, watch, { ns: FLOOR_NS });
      fastest = Math.min(fastest, watch.ns / b.N);
    }
    return fastest;
  }
}

function grow(b: B, fn: BenchFunction, watch: Stopwatch, benchtime: Benchtime): void {
  if ('n' in benchtime) {
    if (benchtime.n > 1) {
      fullGC();
      b.runN(fn, benchtime.n);
    }
    return;
  }
  for (let n = 1; watch.ns < benchtime.ns && n < 1e9;) {
    const last = n;
    n = predictN(benchtime.ns, b.N, watch.ns, last);
    fullGC();
    b.runN(fn, n);
  }
}

/** The largest N whose run stays within MAX_TOGGLES stopTimer()s. */
function toggleCap(togglesPerOp: number): number {
  return togglesPerOp > 0 ? Math.max(1, Math.floor(MAX_TOGGLES / togglesPerOp)) : Infinity;
}

/**
 * Brings fn to optimized code before a memory measurement: the interpreter allocates what
 * TurboFan's escape analysis removes (and bigger object literals), and compiling allocates on
 * the heap. Two runs of a tenth of N collect feedback (the second also covers code after the
 * loop, which a first OSR compile never saw), each followed by a synchronous TurboFan compile.
 * `b` drives the same meter class as the measured run: a benchmark calling b.stopTimer()
 * inlines the meter's methods, and a meter of another class there would deoptimize it.
 */
function warmUp(b: B, fn: BenchFunction, n: number, meterCode: Function[]): void {
  const warmN = Math.max(1, Math.floor(n / 10));
  for (let i = 0; i < 2; i++) {
    b.runN(fn, warmN);
    // The meter's own code too: in the interpreter its reads are not symmetric to the byte,
    // and when fn does not inline it (too little feedback) it runs on its own.
    for (const f of [fn, ...meterCode, ...B_CODE]) optimizeNow(f);
  }
}

const B_CODE = [B.prototype.startTimer, B.prototype.stopTimer, B.prototype.resetTimer];

/**
 * A GC, then one measured call of fn with N = n, its timer driving `meter`. When fn lost its
 * optimized code since the warm-up (a deopt at the end of a previous short run, a map the
 * code did not expect), the measured call would start in the interpreter and OSR into the loop
 * after an iteration, allocating what the optimized loop does not: so it is recompiled first,
 * through a call on `spare` (a B whose meter is of the same class but not the measuring one).
 */
function measured(name: string, meter: Meter, runSub: SubRunner, fn: BenchFunction, n: number,
  spare: B, region?: (f: BenchFunction, b: B) => void): B {
  if (!isTurboFanned(fn)) {
    optimizeNow(fn);
    spare.runN(fn, 1);
  }
  const b = new B(name, meter, runSub);
  fullGC();
  finishCompiles();
  b.runN(fn, n, region);
  return b;
}
