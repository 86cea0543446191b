import { AllocMeter, syncpoolBenchAllocationRegion } from './allocmeter.js';
import { ByteMeter } from './bytemeter.js';
import {
  ALLOCATION_FOLDING, CONCURRENT_AB_SWEEPING, finishCompiles, flagArg, fullGC, optimizeNow, setFlag, startedWith,
} from './v8flags.js';

export interface MemoryOptions {
  /** Operations in the bytes pass (default 100 000). */
  n?: number;
  /** Operations in the allocation-counting pass, ≈ 2–7 µs per allocation (default min(n, 1000)). */
  allocsN?: number;
  /** Calls of body(n) that collect type feedback before body is optimized (default 2). */
  warmup?: number;
}

export interface MemoryResult {
  /** Heap plus off-heap bytes allocated per operation (Go's B/op). */
  bytesPerOp: number;
  /** The off-heap part of bytesPerOp: ArrayBuffer backing stores. */
  offHeapBytesPerOp: number;
  /** Heap objects allocated per operation (Go's allocs/op); backing stores are not objects. */
  allocsPerOp: number;
  minorGCsPerOp: number;
  majorGCsPerOp: number;
}

let prepared = false;

/**
 * Allocation folding merges objects allocated together into one allocation event, which
 * would undercount allocs/op. The flag only affects functions optimized after it is set:
 * code optimized before the first measureMemory() call keeps its folded allocations unless it
 * is reoptimized (measureMemory reoptimizes body itself, but not callees that body does not
 * inline). Call this before the code under test first runs, or start node with
 * --no-turbo-allocation-folding, to count those exactly too.
 */
export function prepareMemoryMeasurement(): void {
  if (prepared) return;
  prepared = true;
  setFlag(ALLOCATION_FOLDING, false);
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`measureMemory: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Runs body(n) `runs` times, each followed by optimizeNow: the measured call then runs
 * TurboFan code with complete feedback. One run is not always enough: code optimized (or
 * OSR-compiled) before the code after the loop ever ran deoptimizes there, and the deopt and
 * recompile allocate on the heap.
 */
export function warmUp(body: (n: number) => void, n: number, runs: number): void {
  for (let i = 0; i < runs; i++) {
    body(n);
    optimizeNow(body);
  }
}

/**
 * Heap and off-heap bytes allocated by run(), with concurrent ArrayBuffer sweeping off.
 * A full GC first, as Go's runN does runtime.GC(); it also finishes the ArrayBuffer sweeping
 * left over from earlier work now that the flag is off. Then one macrotask turn: right after a
 * full GC the JIT's own work (Sparkplug batch compiles into code space, recompiling flushed
 * bytecode) can add ≈ 200 KB to the heap during the next synchronous stretch of code; the turn
 * lets it happen first. It also runs the FinalizationRegistry callbacks the GC queued, as Go
 * runs poolCleanup inside its GC. (The harness's memory pass gets the same effect
 * synchronously from its process flags; see runner.ts.)
 */
export async function countBytes(run: () => void): Promise<ByteMeter> {
  const restore = !startedWith(flagArg(CONCURRENT_AB_SWEEPING, false));
  setFlag(CONCURRENT_AB_SWEEPING, false);
  try {
    fullGC();
    await new Promise((resolve) => setImmediate(resolve));
    // Background TurboFan jobs finish at the loop's interrupt checks, and their code lands on
    // the heap: install the ones in flight first (in a cold process there are many).
    finishCompiles();
    const meter = new ByteMeter();
    meter.start();
    run();
    meter.stop();
    return meter;
  } finally {
    if (restore) setFlag(CONCURRENT_AB_SWEEPING, true);
  }
}

/**
 * Measures bytes and allocations per operation of body(n), in this process. body runs
 * synchronously: nothing else runs during a measured call.
 */
export async function measureMemory(body: (n: number) => void, opts: MemoryOptions = {}): Promise<MemoryResult> {
  if (typeof body !== 'function') {
    throw new TypeError('measureMemory: body must be a function (n) => void that runs n operations');
  }
  const n = checkCount('n', opts.n ?? 100_000, 1);
  const allocsN = checkCount('allocsN', opts.allocsN ?? Math.min(n, 1000), 1);
  const warmup = checkCount('warmup', opts.warmup ?? 2, 0);
  prepareMemoryMeasurement();
  // The interpreter allocates what TurboFan's escape analysis removes, and compiling
  // allocates code objects on the heap: measure optimized code only.
  warmUp(body, n, warmup);
  const bytes = await countBytes(() => body(n));
  const allocs = new AllocMeter();
  allocs.start();
  try {
    syncpoolBenchAllocationRegion(body, allocsN);
  } finally {
    allocs.stop();
    allocs.finish();
  }
  return {
    bytesPerOp: (bytes.heapBytes + bytes.offHeapBytes) / n,
    offHeapBytesPerOp: bytes.offHeapBytes / n,
    allocsPerOp: allocs.allocations / allocsN,
    minorGCsPerOp: bytes.minorGCs / n,
    majorGCsPerOp: bytes.majorGCs / n,
  };
}
