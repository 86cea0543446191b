/**
 * Exercise 1: the allocation cost of a workload, before and after pooling its buffer.
 */
import { Pool } from 'syncpool';
import { measureMemory, sink } from 'syncpool-bench';
import type { Artifact, Exercise, Judgement, Result, Table } from '../exercise.js';
import { figuresOf, runLabBench, type Figures } from '../lib/bench.js';
import { ByteBuffer } from '../lib/byte-buffer.js';
import { format, formatPooled, write } from '../lib/format.js';
import { GO_COUNT, goBenchFigures, goMeasure, goPresent, type GoRun } from '../lib/go.js';
import { over, round, showSpread, type Spread } from '../lib/stats.js';

/** "No worse": the pooled median within this factor of the unpooled one (timing noise on a shared box). */
const NO_WORSE = 1.05;
const N = 100;

/** What the verdict reads of one benchmark: ns/op over the timing runs, B/op and allocs/op. */
export interface FormatFigures {
  ns: Spread;
  bytesPerOp: number;
  allocsPerOp: number;
}

/**
 * The seed's three conditions, on its own quantities: allocs/op drops by at least one, ns/op
 * (median of the timing runs) no worse, and a reused buffer is reset before it goes back.
 */
export function judgeBufferPool(noPool: FormatFigures, pool: FormatFigures, resetsCleanly: boolean):
  Judgement & { allocsDrop: number; timeRatio: number } {
  const allocsDrop = noPool.allocsPerOp - pool.allocsPerOp;
  const timeRatio = pool.ns.median / noPool.ns.median;
  const dropped = allocsDrop >= 1;
  const noWorse = timeRatio <= NO_WORSE;
  const holds = dropped && noWorse && resetsCleanly;
  const failed = [
    dropped ? '' : `allocs/op dropped by ${round(allocsDrop)}, less than the 1 the criterion needs`,
    noWorse ? '' : `the pooled version is slower: ${round(timeRatio)}× the unpooled ns/op (ratio of medians), beyond the ${NO_WORSE}× allowed for noise`,
    resetsCleanly ? '' : 'a reused buffer kept the previous user\'s bytes: it was not reset before put',
  ].filter((s) => s !== '');
  const figures = `allocs/op ${round(noPool.allocsPerOp)} → ${round(pool.allocsPerOp)}, ` +
    `ns/op ${showSpread(noPool.ns)} → ${showSpread(pool.ns)} (ratio of medians ${round(timeRatio)}×), ` +
    `B/op ${round(noPool.bytesPerOp)} → ${round(pool.bytesPerOp)}`;
  return {
    allocsDrop,
    timeRatio,
    verdict: holds ? 'holds' : 'does not hold',
    reason: holds
      ? `allocs/op drops by ${round(allocsDrop)} (at least 1), ns/op is no worse (at most ${NO_WORSE}× allowed) and a ` +
        `reused buffer gives the unpooled output: ${figures}.`
      : `${failed.join('; ')}: ${figures}.`,
  };
}

/** Reset before put, checked: a pooled buffer reused three times gives exactly the unpooled output. */
function resetsCleanly(): boolean {
  const pool = new Pool<ByteBuffer>({ new: () => new ByteBuffer() });
  const expected = format(N);
  return [1, 2, 3].every(() => formatPooled(pool, N) === expected) && pool.stats().news === 1;
}

/** The capacities a fresh buffer passes through while format(N) writes into it. */
function growth(): number[] {
  const b = new ByteBuffer();
  const capacities: number[] = [];
  for (let i = 0; i < N; i++) {
    b.writeString(String(i));
    b.writeByte(0x2c);
    if (capacities.at(-1) !== b.capacity) capacities.push(b.capacity);
  }
  return capacities;
}

/**
 * What remains in the pooled version, measured piece by piece in this process: the 100 number
 * strings, and toString of the finished buffer (the view TextDecoder reads and the result).
 */
async function remainingAllocations(): Promise<{ strings: number; result: number }> {
  const strings = await measureMemory((n) => {
    for (let k = 0; k < n; k++) for (let i = 0; i < N; i++) sink(String(i));
  }, { n: 2000, allocsN: 200 });
  const full = new ByteBuffer();
  write(full, N);
  const result = await measureMemory((n) => {
    for (let k = 0; k < n; k++) sink(full.toString());
  }, { n: 20_000, allocsN: 500 });
  return { strings: strings.allocsPerOp, result: result.allocsPerOp };
}

const row = (label: string, f: FormatFigures) => [label, showSpread(f.ns), round(f.bytesPerOp), round(f.allocsPerOp)];

/** What exercise 1 measures, TypeScript and Go: the input of present. */
export interface BufferPoolMeasured {
  noPool: FormatFigures;
  pool: FormatFigures;
  resetsCleanly: boolean;
  /** Allocations per call of the pieces the pooled version still runs. */
  remaining: { strings: number; result: number };
  /** The capacities a fresh buffer grows through, and the length of format(N)'s output. */
  capacities: number[];
  outputBytes: number;
  artifacts: Artifact[];
  go?: GoRun<{ noPool: Figures; pool: Figures; artifact: Artifact }>;
}

function goNote(noPool: Figures, pool: Figures): string {
  return `Go's own counts in this run: ${round(noPool.allocsPerOp)} allocs/op without the pool, ${round(pool.allocsPerOp)} ` +
    `with it. strconv.Itoa calls FormatInt, which returns a slice of a constant string for 0–${N - 1} (src/strconv/itoa.go:25–28, 34–36 and 58–66 in Go 1.19: ` +
    `nSmalls = ${N}), so in Go the number strings of format(${N}) never allocate.`;
}

/** The report section from the measurements: the judgement, the tables and the explanation. */
export function present(m: BufferPoolMeasured): Result {
  const { noPool, pool, remaining, capacities } = m;
  const judgement = judgeBufferPool(noPool, pool, m.resetsCleanly);
  const leftover = pool.allocsPerOp - remaining.result;
  const table: Table = {
    title: `format(${N}), syncpool-bench: ns/op ${over(noPool.ns.n, 'process', 'processes')}`,
    columns: ['benchmark', 'ns/op', 'B/op', 'allocs/op'],
    rows: [row('no pool', noPool), row('Pool of ByteBuffer', pool)],
  };
  const derived: Table = {
    title: 'What the verdict and the explanation compute from the benchmarks, and measure beside them',
    columns: ['quantity', 'value'],
    rows: [
      ['allocs/op drop (no pool − pool)', round(judgement.allocsDrop)],
      [`ns/op, pool / no pool (ratio of medians; at most ${NO_WORSE} counts as no worse)`, round(judgement.timeRatio)],
      [`capacities of a fresh buffer while format(${N}) writes its ${m.outputBytes} bytes`, capacities.join(', ')],
      ['allocs per toString of the finished buffer', round(remaining.result)],
      [`allocs of the ${N} String(i) calls together`, round(remaining.strings)],
      ['pooled allocs/op beyond toString', round(leftover)],
    ],
  };
  const go = m.go === undefined ? undefined : goPresent(m.go, (g) => ({
    tables: [{
      title: `Go: format(${N}) with bytes.Buffer, go test -bench -benchmem (ns/op ${over(g.noPool.ns.n, 'run')})`,
      columns: ['benchmark', 'ns/op', 'B/op', 'allocs/op'],
      rows: [row('no pool', g.noPool), row('sync.Pool of *bytes.Buffer', g.pool)],
    }],
    artifacts: [g.artifact],
    note: goNote(g.noPool, g.pool),
  }));
  return {
    verdict: judgement.verdict,
    reason: judgement.reason,
    explanation:
      `Without a pool every call makes a ByteBuffer and grows it through capacities ${capacities.join(', ')} bytes ` +
      `to hold the ${m.outputBytes} bytes of output, copying at each step: ${round(noPool.allocsPerOp)} allocs/op and ` +
      `${round(noPool.bytesPerOp)} B/op (B/op counts the arrays' backing stores, on the V8 heap or off it). With the ` +
      `pool the buffer comes back with its ${capacities.at(-1)}-byte capacity, so none of that is allocated again: ` +
      `${round(pool.allocsPerOp)} allocs/op and ${round(pool.bytesPerOp)} B/op remain. Measured piece by piece in ` +
      `this process, toString of the finished buffer allocates ${round(remaining.result)} per call (the view ` +
      `TextDecoder reads and the result string) and the ${N} String(i) calls ${round(remaining.strings)} together` +
      (remaining.strings < 0.5 ? ' (V8 hands out cached strings for these small numbers)' : '') + '; ' +
      (Math.abs(leftover) < 0.5
        ? 'so what the pooled version still allocates is the result, which both versions need.'
        : `the pooled version allocates ${round(leftover)} per call beyond toString.`),
    tables: [table, derived],
    charts: [],
    artifacts: m.artifacts,
    ...(go === undefined ? {} : { go }),
  };
}

export const exercise: Exercise = {
  id: 1,
  slug: 'buffer-pool',
  title: 'Baseline allocation benchmark',
  goal: `Benchmark format(${N}), which writes "0,1,...,${N - 1}," into a fresh byte buffer, then take the buffer from ` +
    'a pool instead (reset before put) and benchmark again: ns/op, B/op and allocs/op before and after.',
  criterion: 'allocs/op drops by at least one (the buffer allocation disappears), ns/op is no worse, and the ' +
    'buffer is reset before it goes back.',
  analogue: 'The lab\'s ByteBuffer stands in for bytes.Buffer (writeString, writeByte, reset that keeps the ' +
    'capacity; it starts at 64 bytes and grows to twice its capacity or to what is needed, as Go 1.19\'s does: ' +
    'src/bytes/buffer.go:16 and 220–243). Measured with syncpool-bench, Go\'s benchmark ' +
    'format: ns/op from timing runs in fresh processes (median and range), B/op from V8\'s GC accounting including ' +
    'off-heap ArrayBuffer memory, allocs/op from the sampling heap profiler at interval 1. "No worse" allows ' +
    `${Math.round((NO_WORSE - 1) * 100)}% for timing noise. The reset is checked by reusing one pooled buffer three times.`,
  flags: [],
  async run(ctx): Promise<Result> {
    const { figures, artifact } = await runLabBench('buffer', ctx.mode, (f, label) => ctx.progress(0.8 * f, label));
    const resets = resetsCleanly();
    ctx.progress(0.85, 'what the pooled version still allocates');
    const remaining = await remainingAllocations();
    const go = ctx.withGo ? await goMeasure(async () => {
      const g = await goBenchFigures('^BenchmarkFormat', '01-buffer-pool',
        { benchtime: ctx.mode === 'tiny' ? '2000x' : '200ms', count: GO_COUNT[ctx.mode] });
      return { noPool: figuresOf(g.figures, 'FormatNoPool'), pool: figuresOf(g.figures, 'FormatPool'), artifact: g.artifact };
    }) : undefined;
    return present({
      noPool: figuresOf(figures, 'FormatNoPool'), pool: figuresOf(figures, 'FormatPool'), resetsCleanly: resets, remaining,
      capacities: growth(), outputBytes: format(N).length, artifacts: [artifact], ...(go === undefined ? {} : { go }),
    });
  },
};
