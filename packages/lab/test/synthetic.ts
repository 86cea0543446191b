// Every exercise's report section built by its present function from synthetic measurements,
// without its Go side and with it (--with-go): what the explanation tests read.
import type { Exercise, Result } from '../src/exercise.js';
import * as e1 from '../src/exercises/01-buffer-pool.js';
import * as e2 from '../src/exercises/02-gc-drain.js';
import * as e3 from '../src/exercises/03-cross-p-steal.js';
import * as e4 from '../src/exercises/04-slow-path.js';
import * as e5 from '../src/exercises/05-fast-path-asm.js';
import * as e6 from '../src/exercises/06-victim-cliff.js';
import * as e7 from '../src/exercises/07-dequeue-stress.js';
import * as e8 from '../src/exercises/08-size-sweep.js';
import * as e9 from '../src/exercises/09-false-sharing.js';
import * as e10 from '../src/exercises/10-mutex-pool.js';
import * as e11 from '../src/exercises/11-trace.js';
import * as e12 from '../src/exercises/12-warmup.js';
import type { Instruction } from 'syncpool-bench';
import { parseObjdump } from '../src/lib/go-listing.js';
import { SWEEP_SIZES } from '../src/lib/sweep-sizes.js';
import type { Measured, ThroughputConfig } from '../src/lib/throughput.js';
import { stamp } from '../src/workers/trace-log.js';
import type { Figures } from '../src/lib/bench.js';
import { spread } from '../src/lib/stats.js';

const GO_VERSION = 'go version go1.19.8 linux/amd64';
const ns = (...values: number[]) => spread(values);
const figures = (nsValues: number[], bytesPerOp: number, allocsPerOp: number): Figures => ({ ns: ns(...nsValues), bytesPerOp, allocsPerOp, procs: 2 });
const artifact = { name: 'raw.txt', content: '' };

/** Go's drain program: GOMAXPROCS 1 and 2, after 0, 1 and 2 GCs, 4 runs each; New ran again after one GC with 2 Ps when the P changed. */
const drainRuns = [1, 2].flatMap((gomaxprocs) => [0, 1, 2].flatMap((gcs) => [0, 1, 2, 3].map((i) => {
  const moved = gomaxprocs === 2 && gcs > 0 && i % 2 === 0;
  return { gomaxprocs, gcs, before: 1, after: gcs === 2 || moved ? 2 : 1, putP: 0, getP: moved ? 1 : 0 };
})));

const stealStats = (hits: number, locals: number) =>
  ({ gets: 7200 + 8000, puts: 8000, privateHits: locals === 1 ? 1 : 0, ringHits: locals === 1 ? hits - 1 : 0, steals: locals === 1 ? 0 : hits, fresh: 8000 + 7200 - hits, exhausted: 0, waits: 0 });
const stealTrial = (locals: 1 | 4, order: 'race' | 'after', hits: number): e3.Trial =>
  ({ locals, order, hits, misses: 7200 - hits, exhausted: 0, stats: stealStats(hits, locals) });
/** Go's steal program: every configuration 3 times. */
const stealRuns: e3.GoStealRun[] = [0, 1, 2].flatMap((i) => [
  { procs: 4, race: true, lock: true, hits: 4500 + 1000 * i, misses: 4500 - 1000 * i, order: ['c2', 'c0', 'c1', 'p'] },
  { procs: 4, race: false, lock: true, hits: 9000, misses: 0, order: ['p', 'c2', 'c0', 'c1'] },
  { procs: 1, race: true, lock: true, hits: 6000, misses: 3000, order: ['c2', 'p', 'c0', 'c1'] },
  { procs: 4, race: true, lock: false, hits: 5268 - i, misses: 3732 + i, order: ['c2', 'c0', 'p', 'c1'] },
]);

/** TurboFan instructions, as much of them as the success-path check and its tables read. */
const v8 = (offset: number, mnemonic: string, operands: string, extra: Partial<Instruction> = {}): Instruction =>
  ({ address: `0x${offset.toString(16)}`, offset, bytes: '', prefixes: [], mnemonic, operands, comments: [], locked: false, ...extra });
const pathCheck = (subject: string, instructions: number): e5.PathCheck => ({
  subject, found: true, instructions, locked: 0, atomicsCalls: 0, calls: [],
  landmarks: [['load the private slot', 0x93], ['empty check', 0x99], ['clear the private slot', 0xe9], ['return', 0x142]]
    .map(([label, at]) => ({ label: label as string, at: v8(at as number, 'movl', 'rax,[rcx+rdx*4]') })),
  text: '',
});
/** A go tool objdump of Get, Put and the dequeue's popTail, with the source lines their steps are found by. */
const poolSource = ['package sync', 'func (p *Pool) Put(x any) {', '\tif x == nil {', '\t\treturn', '\t}', '\tl, _ := p.pin()',
  '\tif l.private == nil {', '\t\tl.private = x', '\t}', '\truntime_procUnpin()', '}',
  'func (p *Pool) Get() any {', '\tl, pid := p.pin()', '\tx := l.private', '\tl.private = nil', '\tif x == nil {', '\t}',
  '\truntime_procUnpin()', '\treturn x', '}'].join('\n');
const objdump = [
  'TEXT sync.(*Pool).Put(SB) /go/src/sync/pool.go',
  ...[[3, 'TESTQ BX, BX'], [6, 'CALL sync.(*Pool).pin(SB)'], [7, 'CMPQ $0x0, 0(AX)'], [8, 'MOVQ CX, 0(AX)'], [8, 'CMPL $0x0, runtime.writeBarrier(SB)'],
    [8, 'CALL runtime.gcWriteBarrier(SB)'], [10, 'CALL sync.runtime_procUnpin(SB)'], [11, 'RET']]
    .map(([line, text], i) => `  pool.go:${line}\t\t0x${(0x100 + 4 * i).toString(16)}\t\t90\t\t${text}\t`),
  'TEXT sync.(*Pool).Get(SB) /go/src/sync/pool.go',
  ...[[13, 'CALL sync.(*Pool).pin(SB)'], [14, 'MOVQ 0(AX), CX'], [14, 'MOVQ 0x8(AX), DX'], [15, 'MOVQ $0x0, 0(AX)'], [15, 'CMPL $0x0, runtime.writeBarrier(SB)'],
    [15, 'CALL runtime.gcWriteBarrierSI(SB)'], [16, 'TESTQ CX, CX'], [16, 'CALL sync.(*poolDequeue).popTail(SB)'], [18, 'CALL sync.runtime_procUnpin(SB)'], [19, 'RET']]
    .map(([line, text], i) => `  pool.go:${line}\t\t0x${(0x200 + 4 * i).toString(16)}\t\t90\t\t${text}\t`),
  'TEXT sync.(*Pool).pin(SB) /go/src/sync/pool.go',
  '  pool.go:13\t\t0x300\t\t90\t\tRET\t',
  'TEXT sync.(*poolDequeue).popTail(SB) /go/src/sync/poolqueue.go',
  '  poolqueue.go:161\t\t0x400\t\tf0\t\tLOCK CMPXCHGQ DX, 0(CX)\t',
].join('\n');
const m5 = (withGo: boolean): e5.FastPathMeasured => ({
  checks: [pathCheck('Pool.get', 34), pathCheck('Pool.put', 31), pathCheck('SharedPool.get', 52), pathCheck('SharedPool.put', 48)],
  stealChain: ['popTail'], stealCalls: [v8(0x61, 'call', 'r10', { builtin: 'AtomicsLoad' }), v8(0xa3, 'call', 'r10', { builtin: 'AtomicsCompareExchange' })],
  sharedGetSlowCalls: 3, cas: { ok: true, lines: ['a', 'b', 'c'], locked: ['lock cmpxchg [rdx],rcx'] }, listings: [],
  ...(withGo ? { go: { version: GO_VERSION, data: { text: objdump, functions: parseObjdump(objdump), texts: new Map([['/go/src/sync/pool.go', poolSource]]) } } } : {}),
});

/** Exercise 6: three rounds of the three configurations, with two cleanups in each forced-GC run. */
const cliffRuns = [0, 1, 2].map((r) => e6.CONFIGS.map((config, i) => ({
  config, requests: 5200 + 10 * r, news: [33, 41 + r, 120 + 3 * r][i]!,
  collections: config.forcedGC
    ? [{ ms: 101.5, out: 12 + r, pooled: 20, released: config.victim ? 0 : 20, newsAfter: config.victim ? 3 : 40 },
      { ms: 203.2, out: 9, pooled: 23, released: config.victim ? 4 : 23, newsAfter: config.victim ? 5 + r : 44 }]
    : [],
})));

/** Exercise 7: the owner and three stealers over 1000 values, all taken once. */
const dequeueResults = [
  { role: 'owner' as const, pushes: 1000, fullRetries: 17, popHeads: 100, popTails: 0, emptyPolls: 0 },
  ...[300, 350, 250].map((popTails, i) => ({ role: 'stealer' as const, pushes: 0, fullRetries: 0, popHeads: 0, popTails, emptyPolls: 40 + i })),
];

/** Exercise 8: a sweep where the pool wins from 256 bytes. */
const sweep = (allocAt: (size: number) => number, pool: number): e8.SizePoint[] => SWEEP_SIZES.map((size, i) =>
  ({ size, alloc: ns(allocAt(size), allocAt(size) * 0.9, allocAt(size) * 1.2), pool: ns(pool + i, pool + i - 2, pool + i + 3) }));

/** Throughput runs of exercises 9 and 10: one entry per configuration, `samples` per round. */
const throughput = (config: ThroughputConfig, samples: number[], bufferBytes = 4096, arenaBytes = 4096): Measured => ({
  config, mops: spread(samples), samples, placements: samples.map((v) => [v, v * 1.1]),
  memory: samples.map((_, r) => ({ bufferBytes, arenaBytes, workerHeapBytes: 1_200_000 + bufferBytes + r, peakRssGrowth: 3_000_000 + 2 * bufferBytes + 1000 * r })),
});
const paddingRuns = [1, 2].flatMap((workers) => [
  throughput({ kind: 'shared', workers, pad: 128, opsPerWorker: 1000 }, workers === 1 ? [50.1, 48.2, 51.3] : [90.4, 85.2, 93.1]),
  throughput({ kind: 'shared', workers, pad: 0, opsPerWorker: 1000 }, workers === 1 ? [49.5, 48.8, 50.2] : [60.2, 58.1, 64.3]),
  throughput({ kind: 'control', workers, opsPerWorker: 4000 }, workers === 1 ? [200.3, 198.1, 201.4] : [380.2, 371.5, 390.1]),
]);
const contentionRuns = [1, 2, 4].flatMap((workers) => [
  throughput({ kind: 'shared', workers, opsPerWorker: 1000 }, [50 * workers, 48 * workers, 51 * workers], 790_000, 262_144),
  throughput({ kind: 'mutex', workers, opsPerWorker: 100 }, [9.1 / workers, 8.7 / workers, 9.4 / workers], 268_000, 262_144),
]);
const goContention = [1, 2, 4].map((w) => ({ w, pool: figures([12 / w, 11 / w, 13 / w], 0, 0), mutex: figures([40 * w, 38 * w, 45 * w], 0, 0) }));

/** Exercise 11: two producers of three puts each; the consumer gets five of them, two after producer 1 exited. */
const traceLogs = [
  { agent: 0, localId: 0, detachMs: 1300, events: [
    ...[[1, 1, 1105], [1, 2, 1106], [1, 3, 1150], [2, 1, 1151], [2, 2, 1152]].map(([agent, seq, ms]) =>
      ({ op: 'get' as const, block: 10 * agent! + seq!, stamp: stamp(agent!, seq!), startMs: ms!, endMs: ms! + 0.01 })),
    { op: 'get' as const, block: 99, stamp: 0, startMs: 1153, endMs: 1153.01 },
  ] },
  ...[1, 2].map((agent) => ({ agent, localId: agent, detachMs: 1100 + agent, events: [1, 2, 3].map((seq) =>
    ({ op: 'put' as const, block: 10 * agent + seq, stamp: stamp(agent, seq), startMs: 1000 + 10 * agent + seq, endMs: 1000.01 + 10 * agent + seq })) })),
];

/** Exercise 12: K 0–32, three seeds, a steady state flat in K and a start-up window that falls to K = 8. */
const warmupKs = [0, 4, 8, 16, 32];
const warmupPoints = warmupKs.map((k, i) => [0, 1, 2].map((seed) => ({
  k, startupRate: Math.max(0.01, 0.12 - 0.014 * k) + 0.001 * seed, steadyRate: 0.02 + 0.001 * seed, startupPeak: 8 + seed, wasted: 2 * i + seed,
})));
const goWarmupRuns: e12.GoWarmupRun[] = warmupKs.flatMap((k) => [12, 13, 14].map((seed) =>
  ({ k, seed, gomaxprocs: 2, startupRate: Math.max(0.02, 0.1 - 0.01 * k), steadyRate: 0.03 + 0.001 * (seed - 12) })));

/** Each exercise's synthetic measurements, without Go and with it. */
const m1 = (withGo: boolean): e1.BufferPoolMeasured => ({
  noPool: { ns: ns(1510, 1432, 1620), bytesPerOp: 1792, allocsPerOp: 9.2 },
  pool: { ns: ns(811, 790, 840), bytesPerOp: 616, allocsPerOp: 2.1 },
  resetsCleanly: true, remaining: { strings: 0.04, result: 2.02 }, capacities: [64, 128, 256, 512], outputBytes: 290,
  artifacts: [artifact],
  ...(withGo ? { go: { version: GO_VERSION, data: { noPool: figures([1213, 1180, 1290], 1280, 6), pool: figures([612, 590, 640], 0, 0), artifact } } } : {}),
});

const m2 = (withGo: boolean): e2.DrainMeasured => ({
  scenarios: [true, false].flatMap((victim) => [0, 1, 2].map((gcs) => ({
    gcs, victim, before: 1, after: gcs === 0 || (victim && gcs === 1) ? 1 : 2, victimHits: victim && gcs === 1 ? 1 : 0, cleanups: gcs,
  }))),
  ...(withGo ? { go: { version: GO_VERSION, data: drainRuns } } : {}),
});

const m3 = (withGo: boolean): e3.StealMeasured => ({
  trials: [stealTrial(4, 'race', 3958), stealTrial(4, 'after', 7200), stealTrial(1, 'race', 4800), stealTrial(1, 'after', 7200),
    stealTrial(4, 'race', 1384), stealTrial(4, 'after', 7200), stealTrial(1, 'race', 4800), stealTrial(1, 'after', 7200)],
  ...(withGo ? { go: { version: GO_VERSION, data: stealRuns } } : {}),
});

const m4 = (withGo: boolean): e4.SlowPathMeasured => ({
  fast: figures([7.9, 7.1, 8.4], 0, 0), slow: figures([41.2, 39.5, 47.3], 12.5, 0.01), untimed: { privateBytes: 0.01, stealBytes: 0.02 },
  artifacts: [artifact],
  ...(withGo ? { go: { version: GO_VERSION, data: { fast: figures([11.2, 10.9, 12.1], 0, 0), slow: figures([88.4, 80.3, 91.2], 0, 0), artifacts: [artifact] } } } : {}),
});

const m6 = (withGo: boolean): e6.CliffMeasured => ({
  runs: cliffRuns,
  ...(withGo ? { go: { version: GO_VERSION, data: { noGC: figures([31.2, 30.1, 33.4], 0, 0), gc: figures([36.5, 35.2, 39.9], 1, 0), artifact } } } : {}),
});

const m7 = (withGo: boolean): e7.DequeueMeasured => ({
  count: 1000, results: dequeueResults, ms: 123.4, audit: { lost: 0, duplicated: 0 }, cas: { bigint: 32.1, int32: 0.02 },
  ...(withGo ? { go: { version: GO_VERSION, data: { rows: [['TestPoolDequeue', 'PASS', 1.23], ['TestPoolChain', 'PASS', 2.31]], text: '' } } } : {}),
});

const m8 = (withGo: boolean): e8.SweepMeasured => ({
  points: sweep((size) => (size <= 64 ? 14 + size / 16 : 40 + size / 40), 30), onHeap: { at64: 0, at65: 65 }, artifacts: [artifact],
  ...(withGo ? { go: { version: GO_VERSION, data: { points: sweep((size) => 10 + size / 30, 18), artifact } } } : {}),
});

const m9 = (withGo: boolean): e9.PaddingMeasured => ({ measured: paddingRuns, rounds: 3, opsPerWorker: 1000, bufferBytes: { padded: 8704, packed: 8448 }, cores: 2, withGo });

const m10 = (withGo: boolean): e10.ContentionMeasured => ({
  measured: contentionRuns, rounds: 3,
  ...(withGo ? { go: { version: GO_VERSION, data: { rows: goContention, artifact } } } : {}),
});

const m11 = (withGo: boolean): e11.TraceMeasured => ({ producers: 2, puts: 3, logs: traceLogs, gateEpochMs: 1000, exitedMs: [400, 120, 160], withGo });

const m12 = (withGo: boolean): e12.WarmupMeasured => ({
  ks: warmupKs, seeds: [12, 13, 14], points: warmupPoints,
  ...(withGo ? { go: { version: GO_VERSION, data: goWarmupRuns } } : {}),
});

const typical = <M>(module: { exercise: Exercise; present: (m: M) => Result }, measured: (withGo: boolean) => M): [Exercise, (withGo: boolean) => Result] =>
  [module.exercise, (withGo) => module.present(measured(withGo))];

/** Each exercise's section from its synthetic measurements, without Go and with it. */
export const sections: [Exercise, (withGo: boolean) => Result][] = [
  typical(e1, m1), typical(e2, m2), typical(e3, m3), typical(e4, m4), typical(e5, m5), typical(e6, m6),
  typical(e7, m7), typical(e8, m8), typical(e9, m9), typical(e10, m10), typical(e11, m11), typical(e12, m12),
];

/**
 * The other outcomes, whose sentences take other branches: the verdict fails, nothing can be
 * measured, Go disagrees or is skipped. Each changes the typical measurements above.
 */
export const otherOutcomes: [Exercise, string, (withGo: boolean) => Result][] = [
  [e1.exercise, 'the pooled version slower and allocating beyond toString', (withGo) => e1.present({
    ...m1(withGo), pool: { ns: ns(1710, 1650, 1800), bytesPerOp: 616, allocsPerOp: 4.6 }, resetsCleanly: false,
  })],
  [e2.exercise, 'no two-step drain, and Go losing the item without a change of P', (withGo) => e2.present({
    scenarios: m2(withGo).scenarios.map((x) => (x.victim && x.gcs === 1 ? { ...x, after: 2, victimHits: 0 } : x)),
    ...(withGo ? { go: { version: GO_VERSION, data: drainRuns.map((r) => (r.gomaxprocs === 2 && r.gcs === 1 ? { ...r, after: 2, getP: r.putP } : r)) } } : {}),
  })],
  [e3.exercise, 'steals short of the hits, and Go\'s producer first on one P', (withGo) => e3.present({
    trials: m3(withGo).trials.map((t) => (t.locals === 4 && t.order === 'race' ? { ...t, stats: { ...t.stats, steals: t.hits - 7 } } : t)),
    ...(withGo ? { go: { version: GO_VERSION, data: stealRuns.map((r) => (r.procs === 1 ? { ...r, hits: 9000, misses: 0, order: ['p', 'c2', 'c0', 'c1'] } : r)) } } : {}),
  })],
  [e4.exercise, 'the slow path less than twice as slow, Go\'s steal skipped', (withGo) => e4.present({
    ...m4(withGo), slow: figures([12.2, 11.5, 13.1], 0, 0),
    ...(withGo ? { go: { version: GO_VERSION, data: { fast: figures([11.2, 10.9, 12.1], 0, 0), artifacts: [artifact] } } } : {}),
  })],
  [e5.exercise, 'a landmark not found and the builtin not disassembled', (withGo) => {
    const m = m5(withGo);
    const [first, ...rest] = m.checks;
    return e5.present({
      ...m, checks: [{ ...first!, landmarks: first!.landmarks.map((l, i) => (i === 1 ? { label: l.label } : l)) }, ...rest],
      cas: { ok: false, why: 'objdump is not installed' },
    });
  }],
  [e6.exercise, 'no collection during the forced-GC runs', (withGo) => e6.present({
    ...m6(withGo), runs: cliffRuns.map((round) => round.map((r) => ({ ...r, collections: [] }))),
  })],
  [e7.exercise, 'values lost and taken twice', (withGo) => e7.present({ ...m7(withGo), audit: { lost: 3, duplicated: 2, firstBad: 417 } })],
  [e8.exercise, 'the pool faster at every size, in TypeScript and in Go', (withGo) => e8.present({
    ...m8(withGo), points: sweep(() => 90, 30), ...(withGo ? { go: { version: GO_VERSION, data: { points: sweep(() => 70, 18), artifact } } } : {}),
  })],
  [e9.exercise, 'two control workers not running at once', (withGo) => e9.present({
    ...m9(withGo), measured: paddingRuns.map((r) => (r.config.kind === 'control' && r.config.workers === 2 ? throughput(r.config, [210.3, 205.1, 214.4]) : r)),
  })],
  [e10.exercise, 'SharedPool not 5× faster, memory not similar', (withGo) => e10.present({
    ...m10(withGo),
    measured: contentionRuns.map((r) => (r.config.kind === 'mutex' ? throughput(r.config, r.samples.map((v) => v * 30), 5_000_000, 262_144) : r)),
  })],
  [e11.exercise, 'every get before its producer exited', (withGo) => e11.present({ ...m11(withGo), exitedMs: [400, 500, 600] })],
  [e12.exercise, 'a steady state with a sharp elbow', (withGo) => e12.present({
    ...m12(withGo), points: warmupPoints.map((perSeed, i) => perSeed.map((p) => ({ ...p, steadyRate: i < 2 ? 0.3 - 0.12 * i : 0.02 }))),
  })],
];
