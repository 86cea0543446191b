/**
 * Exercise 8: the buffer size at which pooling starts to pay.
 */
import { measureMemory, sink } from 'syncpool-bench';
import type { Artifact, Exercise, Judgement, Mode, Result, Table } from '../exercise.js';
import { figuresOf, runLabBench } from '../lib/bench.js';
import { lineChart, type Row } from '../lib/chart-specs.js';
import { GO_COUNT, goBenchFigures, goMeasure, goPresent, type GoRun, type GoSection } from '../lib/go.js';
import { over, round, showSpread, spreadFields, type Spread } from '../lib/stats.js';
import { SWEEP_SIZES } from '../lib/sweep-sizes.js';
import { speedWord, trend } from '../lib/words.js';

export interface SizePoint {
  size: number;
  alloc: Spread;
  pool: Spread;
}

/** The pool "wins" at a size when its median is faster by more than timing noise; otherwise it is no faster. */
const WIN = 0.95;
export const poolWins = (p: SizePoint) => p.pool.median < WIN * p.alloc.median;

/**
 * The crossover: a size below which the pool never wins and from which it always wins. None
 * exists when the pool wins at every size (the crossover is below the sweep), never wins, or
 * wins, loses and wins again.
 */
export function findCrossover(points: readonly SizePoint[]): { size?: number; identified: boolean } {
  const first = points.findIndex(poolWins);
  if (first < 0) return { identified: false };
  const clean = points.every((p, i) => poolWins(p) === i >= first);
  return clean ? { size: points[first]!.size, identified: first > 0 } : { identified: false };
}

const noise = `within ${Math.round((1 - WIN) * 100)}% counts as no faster`;

/** The seed's quantity: ns/op of allocation and of the pool, by size; it holds when a crossover size exists. */
export function judgeSizeSweep(points: readonly SizePoint[]): Judgement & { crossover?: number } {
  const crossover = findCrossover(points);
  const wins = points.filter(poolWins).map((p) => p.size);
  const losses = points.filter((p) => !poolWins(p)).map((p) => p.size);
  const at = (p: SizePoint) => `${p.size} B: ${round(p.pool.median)} ns pooled against ${round(p.alloc.median)} ns allocated`;
  if (crossover.identified) {
    const below = points.filter((p) => p.size < crossover.size!);
    return {
      crossover: crossover.size!,
      verdict: 'holds',
      reason: `The pool's median ns/op wins from ${crossover.size} bytes up and is no faster below (${below.map(at).join('; ')}; ${noise}).`,
    };
  }
  return {
    verdict: 'does not hold',
    reason: losses.length === 0
      ? `No crossover inside the sweep: the pool's median ns/op is faster at every size, down to ${at(points[0]!)}.`
      : wins.length === 0
        ? `No crossover inside the sweep: the pool is no faster at any size (${noise}); at ${at(points.at(-1)!)}.`
        : `No single crossover: the pool wins at ${wins.join(', ')} bytes and is no faster at ${losses.join(', ')} bytes (${noise}).`,
  };
}

/** Off-heap bytes of one new Uint8Array(n), measured: where V8 moves the backing store off its heap. */
async function offHeapBytes(n: number): Promise<number> {
  const r = await measureMemory((count) => {
    for (let i = 0; i < count; i++) sink(new Uint8Array(n));
  }, { n: 20_000, allocsN: 100 });
  return r.offHeapBytesPerOp;
}

const sizes = (ps: readonly SizePoint[]) => ps.map((p) => round(p.alloc.median)).join(', ');

function explain(points: readonly SizePoint[], crossover: number | undefined, onHeap: { at64: number; at65: number }, go?: readonly SizePoint[]): string {
  const at64 = points.find((p) => p.size === 64)!;
  const from128 = points.filter((p) => p.size >= 128);
  const upTo64 = points.filter((p) => p.size <= 64);
  const allocTrend = trend(from128.map((p) => p.alloc.median));
  const poolMedians = points.map((p) => p.pool.median);
  const poolTrend = trend(poolMedians);
  const jump = from128[0]!.alloc.median / at64.alloc.median;
  const text = [
    `Allocation: ${sizes(upTo64)} ns for ${upTo64.map((p) => p.size).join(', ')} bytes, then ${sizes(from128)} ns for ` +
      `${from128.map((p) => p.size).join(', ')} bytes: from 128 bytes up it ${allocTrend} with the size. Between 64 ` +
      `and 128 bytes it ${jump >= 2 ? 'jumps' : 'changes by'} ${round(jump)}× (ratio of medians): a new Uint8Array(64) puts ${round(onHeap.at64)} bytes off the V8 heap ` +
      `and a new Uint8Array(65) ${round(onHeap.at65)} (measured in this process), so from 65 bytes the backing store ` +
      'is allocated by the embedder, zeroed and registered with the GC as external memory.',
    `A pooled get+put costs ${round(Math.min(...poolMedians))}–${round(Math.max(...poolMedians))} ns across the sweep ` +
      `(it ${poolTrend} with the size): a size-class lookup on get and, since each buffer comes back ` +
      'before the next get, BytesPool\'s hot-buffer path, which proves ownership by comparing references and reaches no Pool.',
    crossover !== undefined
      ? `So the crossover sits where allocation gets dearer than that, at ${crossover} bytes here.`
      : points.every(poolWins)
        ? `Here the pool is ${speedWord(points[0]!.pool.median, points[0]!.alloc.median)} even the smallest allocation ` +
          `(${points[0]!.size} B), so no size in the sweep is too small to pool.`
        : 'No single size separates the two here (see the table).',
  ];
  if (go !== undefined) {
    const goWins = go.filter(poolWins).map((p) => p.size);
    const goCross = findCrossover(go);
    text.push('\n\nGo, in the same run: sync.Pool is ' + (goWins.length === go.length
      ? `faster than make at every size, from ${go[0]!.size} bytes`
      : goWins.length === 0
        ? 'no faster than make at any size'
        : `faster than make at ${goWins.join(', ')} bytes and no faster at ${go.filter((p) => !poolWins(p)).map((p) => p.size).join(', ')}`) +
      `${goCross.identified ? ` (crossover ${goCross.size} bytes)` : ''}; make costs ${sizes(go)} ns and a pooled Get+Put ` +
      `${go.map((p) => round(p.pool.median)).join(', ')} ns over the same sizes. The seed expects a crossover around ` +
      '256–512 bytes on amd64.');
  } else {
    text.push('\n\nThe seed expects Go\'s crossover around 256–512 bytes on amd64; run with --with-go to measure it here.');
  }
  return text.join(' ').replace(' \n\n', '\n\n');
}

/** Table rows of a sweep: size, allocation, pool, and the ratio of their medians. */
const sweepRows = (points: readonly SizePoint[]) =>
  points.map((p) => [p.size, showSpread(p.alloc), showSpread(p.pool), round(p.pool.median / p.alloc.median)]);

function goSweep(mode: Mode): Promise<GoRun<{ points: SizePoint[]; artifact: Artifact }>> {
  return goMeasure(async () => {
    const go = await goBenchFigures('^BenchmarkSize', '08-size-sweep',
      { benchtime: mode === 'tiny' ? '2000x' : '100ms', count: GO_COUNT[mode] });
    const points: SizePoint[] = SWEEP_SIZES.map((size) => ({
      size, alloc: figuresOf(go.figures, `SizeMake/${size}`).ns, pool: figuresOf(go.figures, `SizePool/${size}`).ns,
    }));
    return { points, artifact: go.artifact };
  });
}

function goSweepSection(g: { points: SizePoint[]; artifact: Artifact }): GoSection {
  const cross = findCrossover(g.points);
  return {
    tables: [{
      title: `Go: make([]byte, n) against sync.Pool of *[]byte, ns/op ${over(g.points[0]!.alloc.n, 'run')}; crossover ${cross.identified ? `${cross.size} bytes` : 'none inside the sweep'}`,
      columns: ['size (bytes)', 'make', 'sync.Pool Get+Put', 'pool / make (medians)'],
      rows: sweepRows(g.points),
    }],
    artifacts: [g.artifact],
  };
}

const chartRows = (points: readonly SizePoint[], language: string, alloc: string, pool: string): Row[] =>
  points.flatMap((p) => [
    { size: p.size, way: alloc, language, ...spreadFields('ns', p.alloc) },
    { size: p.size, way: pool, language, ...spreadFields('ns', p.pool) },
  ]);

/** What exercise 8 measures: the sweep, where V8 moves backing stores off its heap, and Go's sweep with --with-go. */
export interface SweepMeasured {
  points: SizePoint[];
  onHeap: { at64: number; at65: number };
  artifacts: Artifact[];
  go?: GoRun<{ points: SizePoint[]; artifact: Artifact }>;
}

/** The report section from the measurements. */
export function present(m: SweepMeasured): Result {
  const { points, onHeap } = m;
  const { verdict, reason, crossover } = judgeSizeSweep(points);
  const goPoints = m.go?.version === undefined ? undefined : m.go.data.points;
  const at = (size: number) => points.find((p) => p.size === size)!.alloc.median;
  const heapTable: Table = {
    title: 'Where V8 puts a new Uint8Array(n)\'s backing store (measured in this process), and the allocation step beside it',
    columns: ['n (bytes)', 'bytes off the V8 heap per array', 'allocation ns/op, 128 B / 64 B (ratio of medians)'],
    rows: [[64, round(onHeap.at64), round(at(128) / at(64))], [65, round(onHeap.at65), '']],
  };
  const table: Table = {
    title: `ns/op by size (syncpool-bench; ${over(points[0]!.alloc.n, 'process', 'processes')}); ` +
      `crossover ${crossover === undefined ? 'none inside the sweep' : `${crossover} bytes`}`,
    columns: ['size (bytes)', 'new Uint8Array', 'BytesPool get+put', 'pool / alloc (medians)'],
    rows: sweepRows(points),
  };
  const data = [
    ...chartRows(points, 'TypeScript', 'TypeScript: new Uint8Array(n)', 'TypeScript: BytesPool get + put'),
    ...(goPoints === undefined ? [] : chartRows(goPoints, 'Go', 'Go: make([]byte, n)', 'Go: sync.Pool Get + Put')),
  ];
  return {
    verdict,
    reason,
    explanation: explain(points, crossover, onHeap, goPoints),
    tables: [table, heapTable],
    charts: [{
      name: 'crossover',
      title: `Allocation against pool, by size, median and range${goPoints === undefined ? '' : '; Go from the same run'}` +
        `${crossover === undefined ? '' : `; crossover at ${crossover} bytes`}`,
      spec: lineChart({
        data,
        x: { field: 'size', title: 'buffer size (bytes)', log: true },
        y: { field: 'ns', title: 'ns/op', log: true },
        series: 'way',
        dash: 'language',
        spread: 'band',
        ...(crossover === undefined ? {} : { mark: { x: crossover, label: `crossover ${crossover} B` } }),
      }),
    }],
    artifacts: m.artifacts,
    ...(m.go === undefined ? {} : { go: goPresent(m.go, goSweepSection) }),
  };
}

export const exercise: Exercise = {
  id: 8,
  slug: 'size-sweep',
  title: 'Pool-size sweep',
  goal: 'For buffer sizes from 64 bytes to 16 KiB, benchmark allocating a fresh byte buffer against taking one ' +
    'from a pool, and plot ns/op for both.',
  criterion: 'Identify a crossover size below which the pool is no faster (or slower); the seed expects Go\'s around 256–512 bytes on amd64.',
  analogue: `\`new Uint8Array(n)\` against \`BytesPool.get(n)\` + \`put\` (one Pool per power-of-two class), with ` +
    `syncpool-bench, for n = ${SWEEP_SIZES.join(', ')} (the seed's sizes plus 16, 32 and 128, to look for a ` +
    'crossover below 64 and to see both sides of 64). ns/op is the median of fresh processes, shown with its ' +
    'range. The crossover is a size from which the pool wins at every larger size (its median faster by more than ' +
    `${Math.round((1 - WIN) * 100)}%) and below which it wins at none.`,
  flags: [],
  async run(ctx): Promise<Result> {
    const { figures, artifact } = await runLabBench('sizes', ctx.mode, (f, label) => ctx.progress(0.8 * f, label));
    const points: SizePoint[] = SWEEP_SIZES.map((size) => ({
      size, alloc: figuresOf(figures, `SizeAlloc/${size}`).ns, pool: figuresOf(figures, `SizePool/${size}`).ns,
    }));
    ctx.progress(0.85, 'where the backing store leaves the heap');
    const onHeap = { at64: await offHeapBytes(64), at65: await offHeapBytes(65) };
    const go = ctx.withGo ? await goSweep(ctx.mode) : undefined;
    return present({ points, onHeap, artifacts: [artifact], ...(go === undefined ? {} : { go }) });
  },
};
