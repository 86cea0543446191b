/**
 * `check 8`: the learner's fresh and pooled acquire-and-release of a `size`-byte buffer, measured
 * with syncpool-bench at the reference sweep's sizes and judged by judgeSizeSweep (a crossover
 * size below which the pool is no faster and from which it wins).
 */
import type { Result } from '../../exercise.js';
import { judgeSizeSweep, poolWins, type SizePoint } from '../../exercises/08-size-sweep.js';
import { figuresOf } from '../../lib/bench.js';
import { round, showSpread } from '../../lib/stats.js';
import { SWEEP_SIZES } from '../../lib/sweep-sizes.js';
import { benchLearner } from '../bench-learner.js';
import { loadModule, requireFunctions } from '../load.js';

export const SIZE_SWEEP_CONTRACT = `export function fresh(size: number): unknown;  // allocates a size-byte buffer, uses it, returns it
export function pooled(size: number): unknown; // takes a size-byte buffer from a syncpool pool, uses it, puts it back
// the check calls each at sizes ${SWEEP_SIZES.join(', ')}`;

const sweep = (fn: string) => `(b) => { for (const n of ${JSON.stringify(SWEEP_SIZES)}) b.run(String(n), (b) => { ` +
  `for (let i = 0; i < b.N; i++) sink(learner.${fn}(n)); }); }`;

export async function checkSizeSweep(file: string): Promise<{ result: Result; text: string }> {
  const module = await loadModule(file, SIZE_SWEEP_CONTRACT);
  requireFunctions(module, file, ['fresh', 'pooled'], SIZE_SWEEP_CONTRACT);
  const { figures, text: benchText } = await benchLearner(file, [
    { name: 'SizeFresh', source: sweep('fresh') },
    { name: 'SizePooled', source: sweep('pooled') },
  ]);
  const points: SizePoint[] = SWEEP_SIZES.map((size) => ({
    size, alloc: figuresOf(figures, `SizeFresh/${size}`).ns, pool: figuresOf(figures, `SizePooled/${size}`).ns,
  }));
  const { verdict, reason, crossover } = judgeSizeSweep(points);
  const rows = points.map((p) => [p.size, showSpread(p.alloc), showSpread(p.pool), round(p.pool.median / p.alloc.median)]);
  const text = [
    `Task 8: ${verdict}`,
    `  ${reason}`,
    '',
    `  ${'bytes'.padEnd(8)}${'fresh ns/op'.padEnd(26)}${'pooled ns/op'.padEnd(26)}pooled/fresh (medians)`,
    ...rows.map(([a, b, c, d]) => `  ${String(a).padEnd(8)}${String(b).padEnd(26)}${String(c).padEnd(26)}${String(d)}`),
    '',
    verdict === 'holds' ? `Next: why ${crossover} bytes? Compare with the reference (npx syncpool-lab 8), which explains where V8 moves buffers off its heap.`
      : points.every(poolWins) ? `Next: the pool wins even at ${SWEEP_SIZES[0]} bytes here, so the crossover lies below the sweep; compare with the reference (npx syncpool-lab 8).`
        : points.some(poolWins) ? 'Next: the pool wins at some sizes but not from one size up; rerun on a quieter machine, or look at the sizes where it flips.'
          : 'Next: the pool is no faster anywhere: make sure pooled really reuses a buffer (get, use, put back).',
  ].join('\n');
  return {
    text,
    result: {
      verdict, reason,
      explanation: `The check runs your fresh(n) and pooled(n) as syncpool-bench sub-benchmarks at n = ${SWEEP_SIZES.join(', ')} ` +
        'bytes in fresh processes (ns/op median and range), judged as the reference run judges its own sweep.',
      tables: [{ title: 'ns/op by size, syncpool-bench', columns: ['bytes', 'fresh', 'pooled', 'pooled/fresh (medians)'], rows }],
      charts: [],
      artifacts: [{ name: 'bench/sizes.txt', content: benchText, show: 'link' }],
    },
  };
}
