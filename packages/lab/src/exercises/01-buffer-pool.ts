/**
 * Exercise 1: the allocation cost of a workload, before and after pooling its buffer.
 */
import { Pool } from 'syncpool';
import type { Exercise, Result, Table } from '../exercise.js';
import { figuresOf, runLabBench, type Figures } from '../lib/bench.js';
import { ByteBuffer } from '../lib/byte-buffer.js';
import { format, formatPooled } from '../lib/format.js';
import { goBenchFigures, goSection } from '../lib/go.js';
import { round } from '../lib/stats.js';

/** "No worse": the pooled median within this factor of the unpooled one (timing noise on a shared box). */
const NO_WORSE = 1.05;

export function judgeBufferPool(noPool: Figures, pool: Figures, resetsCleanly: boolean):
  { allocsDrop: number; timeRatio: number; holds: boolean } {
  const allocsDrop = noPool.allocsPerOp - pool.allocsPerOp;
  const timeRatio = pool.nsPerOp / noPool.nsPerOp;
  return { allocsDrop, timeRatio, holds: allocsDrop >= 1 && timeRatio <= NO_WORSE && resetsCleanly };
}

/** Reset before put, checked: a pooled buffer reused three times gives exactly the unpooled output. */
function resetsCleanly(): boolean {
  const pool = new Pool<ByteBuffer>({ new: () => new ByteBuffer() });
  const expected = format(100);
  return [1, 2, 3].every(() => formatPooled(pool, 100) === expected) && pool.stats().news === 1;
}

const row = (label: string, f: { nsPerOp: number; bytesPerOp: number; allocsPerOp: number }) =>
  [label, round(f.nsPerOp), round(f.bytesPerOp), round(f.allocsPerOp)];

export const exercise: Exercise = {
  id: 1,
  slug: 'buffer-pool',
  title: 'Baseline allocation benchmark',
  goal: 'Benchmark format(100), which writes "0,1,...,99," into a fresh byte buffer, then take the buffer from ' +
    'a pool instead (reset before put) and benchmark again: ns/op, B/op and allocs/op before and after.',
  criterion: 'allocs/op drops by at least one (the buffer allocation disappears), ns/op is no worse, and the ' +
    'buffer is reset before it goes back.',
  analogue: 'The lab\'s ByteBuffer stands in for bytes.Buffer (writeString, writeByte, reset that keeps the ' +
    'capacity; it grows from 64 bytes by doubling, as Go\'s does). Measured with syncpool-bench, Go\'s benchmark ' +
    'format: ns/op from timing runs in fresh processes (median), B/op from V8\'s GC accounting including ' +
    'off-heap ArrayBuffer memory, allocs/op from the sampling heap profiler at interval 1. "No worse" allows ' +
    `${Math.round((NO_WORSE - 1) * 100)}% for timing noise. The reset is checked by reusing one pooled buffer three times.`,
  flags: [],
  async run(ctx): Promise<Result> {
    const { figures, artifact } = await runLabBench('buffer', ctx.mode, (f, label) => ctx.progress(0.9 * f, label));
    const noPool = figuresOf(figures, 'FormatNoPool');
    const pool = figuresOf(figures, 'FormatPool');
    const clean = resetsCleanly();
    const { allocsDrop, timeRatio, holds } = judgeBufferPool(noPool, pool, clean);
    const table: Table = {
      title: 'format(100), syncpool-bench',
      columns: ['benchmark', 'ns/op', 'B/op', 'allocs/op'],
      rows: [row('no pool', noPool), row('Pool of ByteBuffer', pool)],
    };
    return {
      verdict: holds ? 'holds' : 'does not hold',
      reason: `allocs/op ${round(noPool.allocsPerOp)} → ${round(pool.allocsPerOp)} (${allocsDrop >= 1 ? 'drops by' : 'only'} ` +
        `${round(allocsDrop)}), B/op ${round(noPool.bytesPerOp)} → ${round(pool.bytesPerOp)}, ns/op ${round(noPool.nsPerOp)} → ` +
        `${round(pool.nsPerOp)} (${round(timeRatio)}×${timeRatio <= NO_WORSE ? ', no worse' : ', slower'}); reset before put ` +
        `${clean ? 'verified' : 'FAILED: a reused buffer kept old bytes'}.`,
      explanation:
        'Without a pool every call allocates a ByteBuffer object, a 64-byte Uint8Array for the first write and ' +
        'then larger ones as it doubles to hold the 290 bytes of output, each copied into the next; arrays over ' +
        '64 bytes keep their bytes off the V8 heap, which B/op counts. With the pool the grown buffer comes back ' +
        'with its capacity, so the steady state allocates only what the result needs: the number strings, the ' +
        'view that TextDecoder reads and the result string. Those remain in both versions, so the drop in ' +
        'allocs/op is the buffer\'s own allocations.\n\nWhere Go differs: Go\'s strconv.Itoa returns static strings ' +
        'for 0–99, and its benchmark counts 5 allocations without the pool (the buffer\'s growth plus the result) ' +
        'and 1 with it (the result string); see --with-go.',
      tables: [table],
      charts: [],
      artifacts: [artifact],
      ...(ctx.withGo ? {
        go: await goSection(async () => {
          const go = await goBenchFigures('^BenchmarkFormat', '01-buffer-pool', { benchtime: ctx.mode === 'tiny' ? '2000x' : '200ms' });
          return {
            tables: [{
              title: 'Go: format(100) with bytes.Buffer, go test -bench -benchmem',
              columns: ['benchmark', 'ns/op', 'B/op', 'allocs/op'],
              rows: [row('no pool', figuresOf(go.figures, 'FormatNoPool')), row('sync.Pool of *bytes.Buffer', figuresOf(go.figures, 'FormatPool'))],
            }],
            artifacts: [go.artifact],
          };
        }),
      } : {}),
    };
  },
};
