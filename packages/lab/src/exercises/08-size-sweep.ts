/**
 * Exercise 8: the buffer size at which pooling starts to pay.
 */
import type { Exercise, Result } from '../exercise.js';
import { figuresOf, runLabBench } from '../lib/bench.js';
import { lineChart } from '../lib/chart-specs.js';
import { goBenchFigures, goSection } from '../lib/go.js';
import { round } from '../lib/stats.js';
import { SWEEP_SIZES } from '../lib/sweep-sizes.js';

export interface SizePoint {
  size: number;
  allocNs: number;
  poolNs: number;
}

/** The pool "wins" at a size when it is faster by more than timing noise; otherwise it is no faster. */
const WIN = 0.95;
export const poolWins = (p: SizePoint) => p.poolNs < WIN * p.allocNs;

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

export const exercise: Exercise = {
  id: 8,
  slug: 'size-sweep',
  title: 'Pool-size sweep',
  goal: 'For buffer sizes from 64 bytes to 16 KiB, benchmark allocating a fresh byte buffer against taking one ' +
    'from a pool, and plot ns/op for both.',
  criterion: 'Identify a crossover size below which the pool is no faster (or slower).',
  analogue: `\`new Uint8Array(n)\` against \`BytesPool.get(n)\` + \`put\` (one Pool per power-of-two class), with ` +
    `syncpool-bench, for n = ${SWEEP_SIZES.join(', ')} (the seed's sizes plus 16, 32 and 128, since V8 changes ` +
    'allocation strategy at 64 bytes). The crossover is a size from which the pool wins at every larger size ' +
    `(faster by more than ${Math.round((1 - WIN) * 100)}%) and below which it wins at none.`,
  flags: [],
  async run(ctx): Promise<Result> {
    const { figures, artifact } = await runLabBench('sizes', ctx.mode, (f, label) => ctx.progress(0.9 * f, label));
    const points: SizePoint[] = SWEEP_SIZES.map((size) => ({
      size, allocNs: figuresOf(figures, `SizeAlloc/${size}`).nsPerOp, poolNs: figuresOf(figures, `SizePool/${size}`).nsPerOp,
    }));
    const crossover = findCrossover(points);
    const wins = points.filter(poolWins).map((p) => p.size);
    const losses = points.filter((p) => !poolWins(p)).map((p) => p.size);
    const below = points.filter((p) => crossover.size !== undefined && p.size < crossover.size);
    const at64 = points.find((p) => p.size === 64)!;
    const at128 = points.find((p) => p.size === 128)!;
    const pool1k = figuresOf(figures, 'SizePool/1024');
    return {
      verdict: crossover.identified ? 'holds' : 'does not hold',
      reason: crossover.identified
        ? `The pool wins from ${crossover.size} bytes up and is no faster below (${below.map((p) => `${p.size} B: ` +
          `${round(p.poolNs)} ns pooled against ${round(p.allocNs)} ns allocated`).join('; ')}).`
        : losses.length === 0
          ? `The pool is faster at every size, down to ${points[0]!.size} bytes: the crossover is below the sweep.`
          : `No single crossover: the pool wins at ${wins.join(', ')} bytes and is no faster at ${losses.join(', ')} bytes ` +
            `(within ${Math.round((1 - WIN) * 100)}% counts as no faster).`,
      explanation:
        'V8 keeps a typed array of up to 64 bytes, backing store included, on its heap, but even that is not a ' +
        'bare pointer bump: it makes an ArrayBuffer and a view object, about 200 bytes of heap, ' +
        `${round(at64.allocNs)} ns at 64 bytes here. From 65 bytes the backing store is allocated off-heap by the ` +
        'embedder\'s allocator, zeroed, and registered with the GC as external memory: ' +
        `${round(at128.allocNs)} ns at 128 bytes, growing with the size. A pooled get+put costs about the same at ` +
        `every size (${round(pool1k.nsPerOp)} ns at 1 KiB, ${round(pool1k.bytesPerOp)} B/op): a size-class lookup, ` +
        'an ownership check and two Pool operations. ' +
        (crossover.identified
          ? `So the crossover sits where allocation gets dearer than that, at ${crossover.size} bytes here.`
          : losses.length === 0
            ? 'Here it beats even the on-heap allocation of the smallest size, so no size in the sweep is too ' +
              'small to pool: the seed\'s criterion does not hold for typed arrays in V8.'
            : `Up to 64 bytes the two are close (the pool wins at ${wins.filter((n) => n <= 64).join(', ') || 'none'} ` +
              `bytes, not at ${losses.join(', ')}), so no single size separates them.`) +
        ` The jump at 65 bytes is where pooling goes from paying ${round(at64.allocNs / at64.poolNs, 2)}× (64 bytes) ` +
        `to ${round(at128.allocNs / at128.poolNs, 2)}× (128 bytes).` +
        '\n\nWhere Go differs: the seed expects 256–512 bytes on amd64 for plain []byte; Go allocates small ' +
        'objects from per-P caches with no header object, so small allocations stay cheaper than a pool round trip.',
      tables: [{
        title: 'ns/op by size (syncpool-bench; median of the timing runs)',
        columns: ['size (bytes)', 'new Uint8Array', 'BytesPool get+put', 'pool / alloc'],
        rows: points.map((p) => [p.size, round(p.allocNs), round(p.poolNs), round(p.poolNs / p.allocNs)]),
      }],
      charts: [{
        name: 'crossover',
        title: crossover.identified ? `Allocation against pool, by size; crossover at ${crossover.size} bytes` : 'Allocation against pool, by size',
        spec: lineChart({
          data: points.flatMap((p) => [
            { size: p.size, ns: round(p.allocNs), way: 'new Uint8Array(n)' },
            { size: p.size, ns: round(p.poolNs), way: 'BytesPool get + put' },
          ]),
          x: { field: 'size', title: 'buffer size (bytes)', log: true },
          y: { field: 'ns', title: 'ns/op', log: true },
          series: 'way',
          ...(crossover.identified && crossover.size !== undefined ? { mark: { x: crossover.size, label: `crossover ${crossover.size} B` } } : {}),
        }),
      }],
      artifacts: [artifact],
      ...(ctx.withGo ? {
        go: await goSection(async () => {
          const go = await goBenchFigures('^BenchmarkSize', '08-size-sweep', { benchtime: ctx.mode === 'tiny' ? '2000x' : '100ms' });
          const goPoints: SizePoint[] = SWEEP_SIZES.map((size) => ({
            size, allocNs: figuresOf(go.figures, `SizeMake/${size}`).nsPerOp, poolNs: figuresOf(go.figures, `SizePool/${size}`).nsPerOp,
          }));
          const goCross = findCrossover(goPoints);
          return {
            tables: [{
              title: `Go: make([]byte, n) against sync.Pool of *[]byte; crossover ${goCross.size === undefined ? 'none' : `${goCross.size} bytes`}`,
              columns: ['size (bytes)', 'make', 'sync.Pool Get+Put', 'pool / make'],
              rows: goPoints.map((p) => [p.size, round(p.allocNs), round(p.poolNs), round(p.poolNs / p.allocNs)]),
            }],
            artifacts: [go.artifact],
          };
        }),
      } : {}),
    };
  },
};
