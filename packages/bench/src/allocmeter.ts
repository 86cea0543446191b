import { Session } from 'node:inspector';
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
// Off-heap backing stores are not heap allocations: new Uint8Array(1024) counts as 2 (the
// JSArrayBuffer and the JSTypedArray, 184 B on the heap) while its 1024 bytes are off-heap.


interface ProfileNode { id: number; callFrame: { functionName: string }; children: ProfileNode[] }
interface Profile { head: ProfileNode; samples: Array<{ nodeId: number; size: number }> }

let session: Session | undefined;

// An in-process (same-thread) inspector session dispatches synchronously: the callback has run
// when post() returns, so the meter can be used inside a synchronous benchmark loop.
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
// The profiler records one frame per optimized function, not its inlined callees: were the
// region inlined into an optimized caller, its frame would vanish from the samples. A function
// that is never optimized is never inlined either.
neverOptimize(syncpoolBenchAllocationRegion);
const REGION = syncpoolBenchAllocationRegion.name;

function nodesBelowRegion(head: ProfileNode): Set<number> {
  const inside = new Set<number>();
  const walk = (node: ProfileNode, under: boolean): void => {
    const now = under || node.callFrame.functionName === REGION;
    if (now) inside.add(node.id);
    for (const child of node.children) walk(child, now);
  };
  walk(head, false);
  return inside;
}

export class AllocMeter {
  allocations = 0;
  sampledBytes = 0;
  private sampling = false;

  constructor() {
    post('HeapProfiler.enable');
  }

  get running(): boolean {
    return this.sampling;
  }

  start(): void {
    if (this.sampling) return;
    post('HeapProfiler.startSampling', {
      samplingInterval: 1,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    this.sampling = true;
  }

  stop(): void {
    if (!this.sampling) return;
    const { profile } = post<{ profile: Profile }>('HeapProfiler.stopSampling');
    this.sampling = false;
    const inside = nodesBelowRegion(profile.head);
    for (const sample of profile.samples) {
      if (!inside.has(sample.nodeId)) continue;
      this.allocations++;
      this.sampledBytes += sample.size;
    }
  }

  reset(): void {
    this.stop();
    this.allocations = 0;
    this.sampledBytes = 0;
  }
}
