import { Session } from 'node:inspector';
import { RUNTIME } from './runtime.js';
import { neverOptimize } from './v8flags.js';

// Counts heap allocations with the inspector's sampling heap profiler at samplingInterval 1,
// which records every allocation (exact counts, ≈ 2–7 µs each: run it over a small N only).
// Objects collected by scavenges and mark-compacts stay in the profile, so nothing is missed.
//
// Only allocations made under allocationRegion() count: the profile holds every allocation in
// the isolate (the profiler's own bookkeeping, promise jobs, other code), and the region's frame
// on the sampled stack is what singles out the measured code. The profiler keeps at most 128
// frames, so code allocating more than ~120 calls deep below the region is not counted.
//
// The profiler runs from the first start() to finish(). stop(), start() and reset() (the B's
// timer, possibly called inside the benchmark loop) only allocate one marker object each, in
// functions of their own; finish() replays the samples in allocation order (their ordinals)
// and counts those that fall between a start and a stop. Stopping and restarting the profiler
// instead would run inspector code inside the region whose allocations depend on how far the
// JIT has optimized it.
//
// Off-heap backing stores are not heap allocations: new Uint8Array(1024) counts as 2 (the
// JSArrayBuffer and the JSTypedArray, 184 B on the heap) while its 1024 bytes are off-heap.

interface ProfileNode { id: number; callFrame: { functionName: string }; children: ProfileNode[] }
interface Profile { head: ProfileNode; samples: Array<{ nodeId: number; ordinal: number }> }

let session: Session | undefined;

// An in-process (same-thread) inspector session dispatches synchronously: the callback has run
// when post() returns.
function post<T>(method: string, params?: object): T {
  if (session === undefined) {
    session = new Session();
    session.connect();
  }
  let result: T | undefined;
  let failure: Error | null = null;
  session.post(method, params, (err: Error | null, res?: object) => {
    failure = err;
    result = res as T;
  });
  if (failure !== null) throw failure;
  return result as T;
}

/** Calls fn(arg) with a frame the alloc meter recognises; only allocations below it count. */
export function syncpoolBenchAllocationRegion<A, R>(fn: (arg: A) => R, arg: A): R {
  return fn(arg);
}

const markers: { last: object | undefined } = { last: undefined };
function syncpoolBenchMarkStart(): void { markers.last = {}; }
function syncpoolBenchMarkStop(): void { markers.last = {}; }
function syncpoolBenchMarkReset(): void { markers.last = {}; }

// The profiler records one frame per optimized function, not its inlined callees: were the
// region or a marker inlined into an optimized caller, its frame would vanish from the
// samples (and a marker's allocation could be optimized away). A function that is never
// optimized is never inlined either. (Only Node counts allocations; see runtime.ts.)
if (RUNTIME === 'node') {
  for (const f of [syncpoolBenchAllocationRegion, syncpoolBenchMarkStart, syncpoolBenchMarkStop, syncpoolBenchMarkReset]) neverOptimize(f);
}
const REGION = syncpoolBenchAllocationRegion.name;
type Kind = 'start' | 'stop' | 'reset' | 'region' | 'other';
const MARKERS = new Map<string, Kind>([
  [syncpoolBenchMarkStart.name, 'start'], [syncpoolBenchMarkStop.name, 'stop'], [syncpoolBenchMarkReset.name, 'reset'],
]);

/** Classifies every node of the profile's call tree: a marker, below the region, or other. */
function classify(head: ProfileNode): Map<number, Kind> {
  const kinds = new Map<number, Kind>();
  const walk = (node: ProfileNode, inRegion: boolean): void => {
    const here = inRegion || node.callFrame.functionName === REGION;
    kinds.set(node.id, MARKERS.get(node.callFrame.functionName) ?? (here ? 'region' : 'other'));
    for (const child of node.children) walk(child, here);
  };
  walk(head, false);
  return kinds;
}

export class AllocMeter {
  /** The functions that run inside a measured run, for the warm-up to optimize. */
  static readonly code: Function[] = [AllocMeter.prototype.start, AllocMeter.prototype.stop, AllocMeter.prototype.reset];
  /** Allocations counted by the last finish(). */
  allocations = 0;
  private sampling = false;

  /** sample: false makes a meter that only runs its markers (to warm up code that calls it). */
  constructor(private readonly sample = true) {
    if (sample) post('HeapProfiler.enable');
  }

  start(): void {
    if (!this.sampling && this.sample) {
      post('HeapProfiler.startSampling', {
        samplingInterval: 1,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      this.sampling = true;
    }
    syncpoolBenchMarkStart();
  }

  stop(): void {
    if (this.sampling) syncpoolBenchMarkStop();
  }

  reset(): void {
    if (this.sampling) syncpoolBenchMarkReset();
  }

  /**
   * Stops the profiler and counts the allocations made while the meter ran: those under the
   * region, or with `anywhere`, all of them (an async benchmark's code after its first await
   * runs from the microtask queue, not below the region's frame; the harness measures one
   * benchmark per process, so what runs between the markers is that benchmark's work).
   */
  finish(anywhere = false): number {
    if (!this.sampling) return this.allocations;
    const { profile } = post<{ profile: Profile }>('HeapProfiler.stopSampling');
    this.sampling = false;
    const kinds = classify(profile.head);
    const samples = [...profile.samples].sort((a, b) => a.ordinal - b.ordinal);
    let on = false;
    let count = 0;
    for (const sample of samples) {
      const kind = kinds.get(sample.nodeId);
      if (kind === 'start') on = true;
      else if (kind === 'stop') on = false;
      else if (kind === 'reset') count = 0;
      else if (on && (kind === 'region' || anywhere)) count++;
    }
    this.allocations = count;
    return count;
  }
}
