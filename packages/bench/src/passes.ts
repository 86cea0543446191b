import { AllocMeter, syncpoolBenchAllocationRegion } from './allocmeter.js';
import { B, Stopwatch, type Meter, type SubRunner } from './b.js';
import { predictN, type Benchtime } from './benchtime.js';
import { ByteMeter } from './bytemeter.js';
import { Matcher, NameRegistry } from './names.js';
import type { BenchFunction, Registered } from './registry.js';
import { MEMORY_MEASURED } from './runtime.js';
import { renewSinks } from './sink.js';
import { drive, isThenable, type Steps } from './steps.js';
import {
  ALLOCATION_FOLDING, CONCURRENT_AB_SWEEPING, deoptimize, finishCompiles, fullGC, isTurboFanned, NATIVES, optimizeNow, setFlag,
} from './v8flags.js';

// The passes, each run in its own process over one benchmark file:
//   list:    runs every benchmark once with N = 1 (Go's run1) to find the measurable ones (the
//            leaves: those that call no b.run) and checks that each reads b.N; measures nothing;
//   measure: one leaf, in two stages. Timing first: ns/op with nothing observing the GC
//            (GCProfiler costs ≈ 39 µs per GC) and the process's flags as the user gave them.
//            Then memory, in the same process: MEMORY_FLAGS are set, the benchmark's code is
//            thrown away and recompiled under them, and its bytes are counted with v8.GCProfiler
//            chaining at memoryN (the same N in every round, so that GCs/op is comparable),
//            then its allocations with the sampling heap profiler over a small N. One process
//            per round: with --count N every metric of a result line has N samples.
// A measuring pass walks the file as Go does, run1 of each benchmark on the way to its leaf
// (which runs its setup and b.run calls), but runs no other leaf: what an earlier benchmark
// leaves behind in a process (type feedback in shared code, optimized code, heap layout) can
// change what a later one measures, so each leaf has the process to itself.

export type PassKind = 'list' | 'measure';

export interface PassConfig {
  kind: PassKind;
  benchtime: Benchtime;
  /** list pass: the -bench pattern. */
  pattern: string;
  /** measure pass: the full name of the one leaf to measure. */
  target?: string;
  /**
   * measure pass: the N of its bytes count, fixed by the runner from the first round (see
   * memoryN); absent in the first round, which derives it from its own timing.
   */
  memoryN?: number;
}

export interface PassRecord {
  name: string;
  n: number;
  ns?: number;
  bytesPerOpSet?: number;
  extra?: Array<[string, number]>;
  /** The N the memory stage aimed at (memoryN), for the runner to pass to later rounds. */
  memoryN?: number;
  /** The operations heapBytes, offHeapBytes and the GC counts are over. */
  bytesN?: number;
  heapBytes?: number;
  offHeapBytes?: number;
  minorGCs?: number;
  majorGCs?: number;
  allocations?: number;
  /** The operations `allocations` counts. */
  allocsN?: number;
  /**
   * timing pass: ns/op of an empty `for (i < b.N)` loop in this process, measured after the
   * benchmark; exact when the result was re-timed, else an upper bound that already cleared it.
   */
  floorNs?: number;
  /** timing pass: the fastest re-timed ns/op, when within FLOOR_FACTOR of the empty loop. */
  nearFloorNs?: number;
}

export interface PassFailure { name: string; message: string }

export interface PassOutput {
  records: PassRecord[];
  failures: PassFailure[];
  /** list pass: the benchmarks to measure, in the order they ran. */
  leaves: string[];
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

/** Measured runs of a memory stage where the JIT cannot be told to optimize (see memory()). */
const UNFORCED_RUNS = 5;

/** The most operations a memory stage counts bytes over (measureMemory's default too). */
const MEMORY_MAX_N = 100_000;

/**
 * The N of every memory stage of a benchmark: the largest power of ten within both the first
 * round's timed N and MEMORY_MAX_N (the runner passes the first round's to the later ones). A
 * count of operations, not of time: two runs of the same code count over the same N whatever
 * the machine's load (at the default 1 s benchtime, every benchmark under ≈ 10 µs/op gets
 * 100 000), so their GCs/op (whole GCs over N) agree. A time budget instead moved N by a power
 * of ten with the load, and a run at 10 000 ops of 176 B saw no scavenge where one at 100 000
 * saw eight.
 */
function memoryN(timedN: number): number {
  const n = Math.max(1, Math.min(timedN, MEMORY_MAX_N));
  return 10 ** Math.floor(Math.log10(n) + 1e-9);
}

// The memory stage's flags, and why. Allocation folding merges objects allocated together into
// one allocation event, which would undercount allocs/op (it does not change their bytes).
// Concurrent ArrayBuffer sweeping would free backing stores on another thread, racing the
// off-heap count. The others do not change what optimized code allocates; they remove the
// JIT's own heap activity from the measured run: Sparkplug batch compiles land in code space,
// flushed bytecode is recompiled into old space, and lazily allocated feedback vectors are
// heap allocations under the benchmark's stack. Set at run time, after the timing, so that
// the timing runs under the user's own flags; they apply to code compiled (and GCs run) from
// then on, so the memory stage throws the benchmark's code away first.
export const MEMORY_FLAGS: ReadonlyArray<readonly [string, boolean]> = [
  [CONCURRENT_AB_SWEEPING, false], [ALLOCATION_FOLDING, false],
  ['sparkplug', false], ['flush-bytecode', false], ['lazy-feedback-allocation', false],
];

/**
 * Sets MEMORY_FLAGS and, where V8's natives are reachable (Node), drops fn's and the harness's
 * optimized code, compiled without them. (Deno allocates the same objects either way; only
 * allocs/op, which Deno does not count, depends on allocation folding.)
 */
function quietForMemory(fn: BenchFunction): void {
  if (NATIVES) finishCompiles();
  for (const [name, on] of MEMORY_FLAGS) setFlag(name, on);
  if (NATIVES) for (const f of [fn, ...B_CODE]) deoptimize(f);
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return `thrown value: ${String(err)}`;
}

/**
 * Go's runN calls runtime.GC() before every run; here also a fresh holder for sink(), so that
 * what the run stores into it pays the same write barrier whatever its age (see sink.ts).
 */
function settle(): void {
  fullGC();
  renewSinks();
}

export class Pass {
  readonly output: PassOutput = { records: [], failures: [], leaves: [] };
  private readonly names = new NameRegistry();
  private readonly matcher: Matcher;

  /** onTimed: called when a measure pass's timing stage is over (its memory counts read no clock). */
  constructor(private readonly config: PassConfig, private readonly onTimed: () => void = () => {}) {
    this.matcher = new Matcher(config.pattern);
  }

  /** Runs the pass; a Promise when a benchmark it ran is async. */
  runAll(benchmarks: Registered[]): PassOutput | Promise<PassOutput> {
    return drive(this.steps(benchmarks));
  }

  private *steps(benchmarks: Registered[]): Steps<PassOutput> {
    for (const { name, fn } of benchmarks) {
      const full = `Benchmark${name}`;
      const { ok, partial } = this.select(full);
      if (ok) yield* this.runOne(full, fn, partial);
    }
    return this.output;
  }

  /** ok: run `name`; partial: only for its sub-benchmarks, it is not measured itself. */
  private select(name: string): { ok: boolean; partial: boolean } {
    const target = this.config.target;
    if (target === undefined) return this.matcher.match(name);
    return name === target ? { ok: true, partial: false } : { ok: target.startsWith(`${name}/`), partial: true };
  }

  private readonly runSub: SubRunner = (parent, sub, fn) => {
    const full = this.names.unique(parent.name, sub);
    const { ok, partial } = this.select(full);
    return ok ? drive(this.runOne(full, fn, partial)) : true;
  };

  private fail(name: string, message: string): false {
    this.output.failures.push({ name, message });
    return false;
  }

  /** One benchmark: run1, then this pass's work. Returns whether it succeeded. */
  private *runOne(name: string, fn: BenchFunction, partial: boolean): Steps<boolean> {
    const watch = new Stopwatch();
    const b = new B(name, watch, this.runSub);
    let reads = 0;
    if (this.config.kind === 'list') {
      // Only here, in a process that measures nothing: an accessor N makes `b.N` polymorphic.
      let n = 1;
      Object.defineProperty(b, 'N', { get: () => { reads++; return n; }, set: (v: number) => { n = v; } });
    }
    let async: boolean;
    try {
      settle();
      const ran = b.runN(fn, 1);
      async = isThenable(ran);
      yield ran;
      if (b.pending.length > 0) yield Promise.all(b.pending);
    } catch (err) {
      return this.fail(name, describe(err));
    }
    // A partial match (-bench X/Y matching BenchmarkX) only runs X's sub-benchmarks.
    if (b.hasSub || partial) return true;
    if (this.config.kind === 'list') {
      if (reads === 0) {
        return this.fail(name, 'b.N was never read: a benchmark must loop `for (let i = 0; i < b.N; i++) { ... }` ' +
          'around the work it measures, or its ns/op, B/op and allocs/op mean nothing');
      }
      this.output.leaves.push(name);
      return true;
    }
    try {
      const record = yield* this.time(b, fn, watch);
      this.onTimed();
      const memN = this.config.memoryN ?? memoryN(record.n);
      record.memoryN = memN;
      if (MEMORY_MEASURED !== 'none') {
        quietForMemory(fn);
        // run1's stopTimer() count sizes the runs: each toggle of a meter is costly.
        const n = Math.min(memN, toggleCap(b.toggles));
        yield* this.memory(record, fn, n);
        if (MEMORY_MEASURED === 'all') yield* this.allocs(record, fn, n, async);
      }
    } catch (err) {
      return this.fail(name, describe(err));
    }
    return true;
  }

  /** Go's launch(): grow N until the benchtime is reached. b already ran once with N = 1. */
  private *time(b: B, fn: BenchFunction, watch: Stopwatch): Steps<PassRecord> {
    yield* grow(b, fn, watch, this.config.benchtime);
    const record: PassRecord = { name: b.name, n: b.N, ns: watch.ns, bytesPerOpSet: b.bytes, extra: [...b.extra] };
    this.output.records.push(record);
    // Dead-code check: a result near the empty loop's time is re-timed as the floor was, the
    // fastest of short runs, so that load on the machine cannot hide it (or fake it).
    const floorNs = yield* this.floor(watch.ns / b.N / FLOOR_SUSPECT);
    record.floorNs = floorNs;
    if (watch.ns / b.N >= FLOOR_SUSPECT * floorNs) return record;
    const n = Math.max(1, Math.round(FLOOR_NS / Math.max(watch.ns / b.N, 0.01)));
    let fastest = Infinity;
    for (let i = 0; i < FLOOR_RUNS; i++) {
      yield b.runN(fn, n);
      fastest = Math.min(fastest, watch.ns / n);
    }
    if (fastest < FLOOR_FACTOR * floorNs) record.nearFloorNs = fastest;
    return record;
  }

  /** Counts the bytes of `record`'s benchmark over n operations, after its timing. */
  private *memory(record: PassRecord, fn: BenchFunction, n: number): Steps<void> {
    const spare = new B(record.name, new ByteMeter(), this.runSub);
    yield* warmUp(spare, fn, n, ByteMeter.code);
    // Without natives (Deno) nothing makes sure that the measured call runs optimized code: the
    // interpreter and the JIT can add bytes to a run (48 B/op for the 40-byte {a:1,b:2}), and a
    // GC that Deno's GCProfiler reports late can take some away (33 B/op). Either is a one-run
    // accident; the optimized loop's count is the one most runs agree on (per op, to the byte),
    // the fewer bytes where two counts are as common.
    const meters: ByteMeter[] = [];
    for (let i = 0; i < (NATIVES ? 1 : UNFORCED_RUNS); i++) {
      const meter = new ByteMeter();
      yield* measured(record.name, meter, this.runSub, fn, n, spare);
      meters.push(meter);
    }
    const perOp = (m: ByteMeter) => Math.floor((m.heapBytes + m.offHeapBytes) / n);
    const agreeing = (m: ByteMeter) => meters.filter((other) => perOp(other) === perOp(m)).length;
    const best = meters.reduce<ByteMeter | undefined>((kept, m) => (kept === undefined || agreeing(m) > agreeing(kept)
      || (agreeing(m) === agreeing(kept) && perOp(m) < perOp(kept)) ? m : kept), undefined);
    if (best === undefined) return;
    Object.assign(record, { bytesN: n, heapBytes: best.heapBytes, minorGCs: best.minorGCs, majorGCs: best.majorGCs });
    if (MEMORY_MEASURED === 'all') record.offHeapBytes = best.offHeapBytes;
  }

  /** Counts the allocations of `record`'s benchmark, after its bytes. */
  private *allocs(record: PassRecord, fn: BenchFunction, n: number, async: boolean): Steps<void> {
    const name = record.name;
    const meter = new AllocMeter();
    const spare = new B(name, new AllocMeter(false), this.runSub);
    yield* warmUp(spare, fn, n, AllocMeter.code);
    const runSub = this.runSub;
    function* count(ops: number): Steps<number> {
      yield* measured(name, meter, runSub, fn, ops, spare, syncpoolBenchAllocationRegion);
      return meter.finish(async);
    }
    // One op first, to size the counted runs within the sample budget.
    const perOp = Math.max(1, yield* count(1));
    const large = Math.max(2, Math.min(n, MAX_ALLOCS_N, Math.floor(ALLOCATION_BUDGET / perOp)));
    // Over a small N, what the benchmark allocates once per call (its setup, and an async
    // one's final promise) would weigh as much as the loop: the difference of two runs leaves
    // only the per-op allocations, which is what Go's total / N tends to at the large N of
    // its single run.
    const small = Math.floor(large / 2);
    const allocations = (yield* count(large)) - (yield* count(small));
    record.allocations = allocations;
    record.allocsN = large - small;
  }

  /**
   * The empty loop's ns/op in this process: the fastest of FLOOR_RUNS runs. It stops early, once
   * the fastest so far is at most `enough`: more runs could only lower it, so a result that is
   * FLOOR_SUSPECT times that is not near the floor whatever they find, and most benchmarks pay
   * for one run instead of all.
   */
  private *floor(enough: number): Steps<number> {
    const watch = new Stopwatch();
    const b = new B('floor', watch, this.runSub);
    const empty = (b: B): void => {
      for (let i = 0; i < b.N; i++) { /* the harness's own overhead per iteration */ }
    };
    let fastest = Infinity;
    for (let i = 0; i < FLOOR_RUNS && fastest > enough; i++) {
      b.runN(empty, 1);
      // No GC before the floor's runs: an empty loop neither allocates nor stores (it only cost
      // the floor 3–20 ms per run on a loaded machine).
      yield* grow(b, empty, watch, { ns: FLOOR_NS }, () => {});
      fastest = Math.min(fastest, watch.ns / b.N);
    }
    return fastest;
  }
}

/** Go's launch; `before` runs before every run (Go's runtime.GC() in runN: settle). */
function* grow(b: B, fn: BenchFunction, watch: Stopwatch, benchtime: Benchtime, before: () => void = settle): Steps<void> {
  if ('n' in benchtime) {
    if (benchtime.n > 1) {
      before();
      yield b.runN(fn, benchtime.n);
    }
    return;
  }
  for (let n = 1; watch.ns < benchtime.ns && n < 1e9;) {
    const last = n;
    n = predictN(benchtime.ns, b.N, watch.ns, last);
    before();
    yield b.runN(fn, n);
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
function* warmUp(b: B, fn: BenchFunction, n: number, meterCode: Function[]): Steps<void> {
  // Without natives (Deno), whole runs of N let the JIT's own tiering reach the same code.
  const warmN = NATIVES ? Math.max(1, Math.floor(n / 10)) : n;
  for (let i = 0; i < 2; i++) {
    yield b.runN(fn, warmN);
    // The meter's own code too: in the interpreter its reads are not symmetric to the byte,
    // and when fn does not inline it (too little feedback) it runs on its own.
    if (NATIVES) for (const f of [fn, ...meterCode, ...B_CODE]) optimizeNow(f);
  }
}

const B_CODE = [B.prototype.startTimer, B.prototype.stopTimer, B.prototype.resetTimer];

/**
 * A GC, then one measured call of fn with N = n, its timer driving `meter`. When fn lost its
 * optimized code since the warm-up (a deopt at the end of a previous short run, a map the
 * code did not expect), the measured call would start in the interpreter and OSR into the loop
 * after an iteration, allocating what the optimized loop does not: so it is recompiled first,
 * through a call on `spare` (a B whose meter is of the same class but not the measuring one).
 *
 * The GC also collects the maps of objects no longer alive, and V8 holds maps weakly in type
 * feedback and optimized code: both forget them, and the code is thrown away. A benchmark that
 * makes such an object on its first iteration only (an array stack's first pop, after the
 * previous run's items died) then deoptimizes there and runs on in the interpreter, for most
 * of the small N of an allocation count (`region` given: at most 1000). So before a count, one
 * call after the GC collects that feedback again, then a synchronous compile and one call of
 * the new code; the count is a difference of two runs, so their garbage does not weigh.
 */
function* measured(name: string, meter: Meter, runSub: SubRunner, fn: BenchFunction, n: number,
  spare: B, region?: (f: BenchFunction, b: B) => unknown): Steps<B> {
  if (NATIVES && !isTurboFanned(fn)) {
    optimizeNow(fn);
    yield spare.runN(fn, 1);
  }
  const b = new B(name, meter, runSub);
  settle();
  if (region !== undefined) {
    yield spare.runN(fn, 1);
    optimizeNow(fn);
    yield spare.runN(fn, 1);
  }
  if (NATIVES) finishCompiles();
  yield b.runN(fn, n, region);
  return b;
}
