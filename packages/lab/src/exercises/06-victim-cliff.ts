/**
 * Exercise 6: the victim cache against the pre-Go-1.13 allocation cliff at every GC.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Pool, gcCycle } from 'syncpool';
import { byMode, type Exercise, type Result } from '../exercise.js';
import { ByteBuffer } from '../lib/byte-buffer.js';
import { figuresOf } from '../lib/bench.js';
import { lineChart } from '../lib/chart-specs.js';
import { goBenchFigures, goSection } from '../lib/go.js';
import { round } from '../lib/stats.js';

/** Buffers the loop holds at once: the items that Go's parallel goroutines would hold. */
const HELD = 32;
const GC_EVERY_MS = 100;
/** How long the loop runs before it yields, so that the GC ticker's timer can fire. */
const SLICE_MS = 2;

interface Config {
  label: string;
  victim: boolean;
  forcedGC: boolean;
}

interface Run {
  config: Config;
  ops: number;
  news: number;
  cleanups: number;
  forced: number;
  samples: { ms: number; news: number }[];
}

const CONFIGS: Config[] = [
  { label: 'no forced GC', victim: true, forcedGC: false },
  { label: 'GC every 100 ms, victim cache on', victim: true, forcedGC: true },
  { label: 'GC every 100 ms, victim cache off (Go < 1.13)', victim: false, forcedGC: true },
];

/**
 * The seed's loop: get a buffer, write to it, reset it, put it back, HELD buffers at a time.
 * One thread cannot run a GC goroutine beside a tight loop, so the loop runs in 2 ms slices and
 * yields between them; a 100 ms interval timer forces a full collection (gcCycle) at the yields.
 */
async function runConfig(config: Config, budget: { ms: number } | { ops: number }): Promise<Run> {
  let ops = 0;
  const maxOps = 'ops' in budget ? budget.ops : Infinity;
  const maxMs = 'ms' in budget ? budget.ms : Infinity;
  let news = 0;
  const pool = new Pool<ByteBuffer>({
    new: () => { news++; return new ByteBuffer(); },
    reset: (b) => b.reset(),
    victim: config.victim,
  });
  const held: ByteBuffer[] = [];
  let forced = 0;
  let collecting = false;
  const ticker = config.forcedGC
    ? setInterval(() => {
        if (collecting) return;
        collecting = true;
        void gcCycle().then(() => { forced++; collecting = false; });
      }, GC_EVERY_MS)
    : undefined;
  const samples: Run['samples'] = [];
  const start = performance.now();
  try {
    for (let now = start; now - start < maxMs && ops < maxOps; now = performance.now()) {
      const sliceEnd = now + SLICE_MS;
      do {
        for (let i = 0; i < HELD; i++) {
          const b = pool.get();
          b.writeString('payload ');
          b.writeByte(0x30 + (i % 10));
          held.push(b);
        }
        while (held.length > 0) pool.put(held.pop());
        ops += HELD;
      } while (performance.now() < sliceEnd && ops < maxOps);
      // A point per change of the count (and the last) is all a step chart needs.
      if (samples.at(-1)?.news !== news) samples.push({ ms: performance.now() - start, news });
      await yieldToLoop();
    }
  } finally {
    clearInterval(ticker);
  }
  samples.push({ ms: performance.now() - start, news });
  return { config, ops, news, cleanups: pool.stats().cleanups, forced, samples };
}

export const exercise: Exercise = {
  id: 6,
  slug: 'victim-cliff',
  title: 'Reproduce the pre-1.13 cliff',
  goal: 'Run get/put of pooled byte buffers in a tight loop while something forces a garbage collection every ' +
    '100 ms, and count allocations with and without those collections.',
  criterion: 'With the forced collections, allocations per operation may rise a little but must not double: the ' +
    'victim cache absorbs each collection.',
  analogue: `The lab\'s bytes.Buffer analogue (ByteBuffer) in a Pool; the loop holds ${HELD} buffers at a time (the ` +
    'items that parallel goroutines would hold in Go). A thread cannot run a GC goroutine beside a tight loop, so ' +
    `the loop runs in ${SLICE_MS} ms slices and a ${GC_EVERY_MS} ms interval timer forces a real full collection ` +
    '(gcCycle) between slices. Every configuration runs the same number of operations. Allocations are counted as calls of New (news/op): each New allocates a buffer, ' +
    'the only allocation in the loop. Unlike Go, the lab can switch the victim cache off (`victim: false`), so ' +
    'the cliff the seed can only describe is measured.',
  flags: [],
  async run(ctx): Promise<Result> {
    const durationMs = byMode(ctx.mode, { tiny: 350, quick: 1500, full: 6000 });
    // The first run sets the number of operations; the others do exactly as many, so that
    // news/op compares allocations over the same work however much time the GCs take.
    const runs: Run[] = [];
    for (const [i, config] of CONFIGS.entries()) {
      ctx.progress(i / CONFIGS.length, config.label);
      runs.push(await runConfig(config, i === 0 ? { ms: durationMs } : { ops: runs[0]!.ops }));
    }
    const [base, withVictim, without] = runs as [Run, Run, Run];
    const perOp = (r: Run) => r.news / r.ops;
    const ratio = perOp(withVictim) / perOp(base);
    const cliff = perOp(without) / perOp(base);
    const perCleanup = (r: Run) => (r.cleanups === 0 ? 0 : (r.news - HELD) / r.cleanups);
    const holds = ratio < 2;
    return {
      verdict: holds ? 'holds' : 'does not hold',
      reason: `With a forced GC every ${GC_EVERY_MS} ms and the victim cache, news/op is ${round(ratio, 3)}× the run without ` +
        `forced GCs (${withVictim.news} against ${base.news} news), ${holds ? 'far from double' : 'at least double'}; ` +
        `with the victim cache off it is ${round(cliff, 3)}× (${without.news} news over ${without.cleanups} cleanups).`,
      explanation:
        `Every run starts by making its ${HELD} buffers. With the victim cache a cleanup only moves those buffers to ` +
        'the victim, and the next round of gets takes them back from there (they become primary again when put), ' +
        `so a collection costs ${round(perCleanup(withVictim), 3)} news on average. Without it every cleanup drops ` +
        `all ${HELD} buffers and the next round makes them again: ${round(perCleanup(without), 3)} news per cleanup, ` +
        'the allocation spike after every GC of Go issue 22950, visible as the steps in the chart. The no-GC run may ' +
        'still see cleanups from major GCs V8 starts on its own, and they cost nothing with the victim cache.\n\n' +
        'Where Go differs: Go runs poolCleanup inside the stop-the-world phase of each GC; syncpool runs it just ' +
        'after a major GC, at the next turn of the event loop, because V8 has no pre-GC hook. A loop that never ' +
        'yields sees no cleanup at all, which is why the loop here yields every few milliseconds.',
      tables: [{
        title: 'Allocations (calls of New) with and without forced GCs',
        columns: ['configuration', 'get+put ops', 'news', 'news/op', 'cleanups seen', 'news per cleanup'],
        rows: runs.map((r) => [r.config.label, r.ops, r.news, round(perOp(r), 3), r.cleanups, round(perCleanup(r), 3)]),
      }],
      charts: [{
        name: 'news-over-time',
        title: 'Cumulative calls of New over time',
        spec: lineChart({
          data: runs.flatMap((r) => r.samples.map((s) => ({ ms: round(s.ms, 4), news: s.news, configuration: r.config.label }))),
          x: { field: 'ms', title: 'time (ms)' },
          y: { field: 'news', title: 'calls of New so far' },
          series: 'configuration',
          step: true,
        }),
      }],
      artifacts: [],
      ...(ctx.withGo ? {
        go: await goSection(async () => {
          // Long enough for the 100 ms GC ticker to fire several times within each benchmark.
          const go = await goBenchFigures('^BenchmarkCliff', '06-victim-cliff', { benchtime: ctx.mode === 'tiny' ? '300ms' : '1s' });
          const noGC = figuresOf(go.figures, 'CliffNoGC');
          const gc = figuresOf(go.figures, 'CliffGC');
          return {
            tables: [{
              title: 'Go: Get/Put of a pooled *bytes.Buffer (RunParallel), with and without runtime.GC() every 100 ms',
              columns: ['benchmark', 'ns/op', 'B/op', 'allocs/op'],
              rows: [['no GC goroutine', round(noGC.nsPerOp), round(noGC.bytesPerOp), round(noGC.allocsPerOp)],
                ['GC every 100 ms', round(gc.nsPerOp), round(gc.bytesPerOp), round(gc.allocsPerOp)]],
            }],
            artifacts: [go.artifact],
            note: 'go test prints allocs/op as an integer per op, so the few refills after each GC round to 0: Go ' +
              'cannot show the cliff, nor switch the victim cache off.',
          };
        }),
      } : {}),
    };
  },
};
