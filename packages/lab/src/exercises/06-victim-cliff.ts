/**
 * Exercise 6: the victim cache against the pre-Go-1.13 allocation cliff at every GC, with
 * collections that land while request handlers hold buffers.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Pool, gcCycle } from 'syncpool';
import { byMode, type Artifact, type Exercise, type Judgement, type Result } from '../exercise.js';
import { ByteBuffer } from '../lib/byte-buffer.js';
import { figuresOf, type Figures } from '../lib/bench.js';
import { barChart } from '../lib/chart-specs.js';
import { GO_COUNT, goBenchFigures, goMeasure, goPresent, type GoRun, type GoSection } from '../lib/go.js';
import { over, round, seededRandom, showSpread, spread, spreadFields, sum, type Spread } from '../lib/stats.js';

/** Request handlers running at once, each holding at most one buffer. */
const HANDLERS = 32;
const GC_EVERY_MS = 100;
/** "Should not double": the criterion's threshold on allocs/op with the GCs over allocs/op without. */
const DOUBLE = 2;

export interface Config {
  label: string;
  /** For the chart's axis. */
  short: string;
  victim: boolean;
  forcedGC: boolean;
}

export const CONFIGS: readonly Config[] = [
  { label: 'no forced GC', short: 'no forced GC', victim: true, forcedGC: false },
  { label: 'GC every 100 ms, victim cache on', short: 'GC, victim on', victim: true, forcedGC: true },
  { label: 'GC every 100 ms, victim cache off (Go < 1.13)', short: 'GC, victim off', victim: false, forcedGC: true },
];

/** One cleanup, as the handlers found it: how many buffers were out of the pool when it ran. */
export interface Collection {
  ms: number;
  /** Buffers held by handlers (taken and not yet put back) when the cleanup ran. */
  out: number;
  /** Buffers the cleanup found pooled: moved to the victim cache (on) or released (off). */
  pooled: number;
  /** Buffers released by this cleanup (the previous victim, or everything pooled when the victim cache is off). */
  released: number;
  /** Calls of New from this cleanup to the next one (or to the end of the run). */
  newsAfter: number;
}

export interface Run {
  config: Config;
  requests: number;
  news: number;
  collections: Collection[];
}

/**
 * HANDLERS async request handlers share one Pool. A request takes a buffer, writes, awaits 1–3
 * event-loop turns holding it, writes again and puts it back, then idles 0–2 turns: at any turn
 * some buffers are out and some pooled. In the GC configurations a 100 ms interval timer forces
 * a real full collection (gcCycle); the cleanup it causes runs as a task between handler steps,
 * with whatever buffers the handlers hold at that moment still out.
 *
 * Buffers out only change inside handler steps, and every step first looks for a new cleanup,
 * so the first step after a cleanup reads exactly the count the cleanup saw.
 */
async function runConfig(config: Config, budget: { ms: number } | { requests: number }, seed: number): Promise<Run> {
  let news = 0;
  const pool = new Pool<ByteBuffer>({
    new: () => { news++; return new ByteBuffer(); },
    reset: (b) => b.reset(),
    victim: config.victim,
  });
  const random = seededRandom(seed);
  const start = performance.now();
  const maxRequests = 'requests' in budget ? budget.requests : Infinity;
  const endMs = 'ms' in budget ? start + budget.ms : Infinity;
  let requests = 0;
  let out = 0;
  const collections: Collection[] = [];
  let seen = pool.stats();
  let newsAtLast = 0;
  const look = () => {
    const now = pool.stats();
    if (now.cleanups !== seen.cleanups) {
      const last = collections.at(-1);
      if (last !== undefined) last.newsAfter = news - newsAtLast;
      newsAtLast = news;
      collections.push({
        ms: performance.now() - start, out,
        pooled: config.victim ? now.victimSize : now.dropped - seen.dropped,
        released: now.dropped - seen.dropped, newsAfter: 0,
      });
    }
    seen = now;
  };
  let collecting = false;
  const ticker = config.forcedGC
    ? setInterval(() => {
        if (collecting) return;
        collecting = true;
        void gcCycle().then(() => { collecting = false; });
      }, GC_EVERY_MS)
    : undefined;
  const handler = async (id: number) => {
    while (requests < maxRequests && performance.now() < endMs) {
      look();
      const b = pool.get();
      out++;
      requests++;
      b.writeString('request ');
      for (let turns = 1 + Math.floor(random() * 3); turns > 0; turns--) {
        await nextTurn();
        look();
      }
      b.writeByte(0x30 + (id % 10));
      pool.put(b);
      out--;
      for (let turns = Math.floor(random() * 3); turns > 0; turns--) await nextTurn();
    }
  };
  try {
    await Promise.all(Array.from({ length: HANDLERS }, (_, id) => handler(id)));
    // A forced collection still running must finish before the next configuration starts.
    while (collecting) await nextTurn();
  } finally {
    clearInterval(ticker);
  }
  const last = collections.at(-1);
  if (last !== undefined) last.newsAfter = news - newsAtLast;
  return { config, requests, news, collections };
}

/** What the verdict reads, each over the repeated rounds. */
export interface CliffFigures {
  /** news per request, no forced GC. */
  baseline: Spread;
  /** news per request with a GC every 100 ms and the victim cache; and without it. */
  withVictim: Spread;
  withoutVictim: Spread;
  /** Per round: withVictim / baseline, and withoutVictim / baseline. */
  ratio: Spread;
  cliff: Spread;
  /** Buffers out at each cleanup of the victim-cache runs with forced GCs. */
  outAtCollections: number[];
}

/**
 * The seed's quantity is allocs/op with and without the GC goroutine; the pool's allocations are
 * its calls of New (the handlers' promises are not the pool's), so news per request is it. It
 * must not double: the median ratio over the rounds stays under 2. Without a collection that
 * landed during the GC runs nothing was measured, and the verdict says so.
 */
export function judgeCliff(f: CliffFigures): Judgement {
  const hit = f.outAtCollections;
  if (hit.length === 0) {
    return {
      verdict: 'not applicable here',
      reason: `No collection ran during the runs with forced GCs, so the cliff could not be measured. Measured ` +
        `instead: news per request ${showSpread(f.withVictim)} with the GC timer and ${showSpread(f.baseline)} without it.`,
    };
  }
  const holds = f.ratio.median < DOUBLE;
  const withOut = hit.filter((n) => n > 0).length;
  return {
    verdict: holds ? 'holds' : 'does not hold',
    reason: `allocs/op, counted as calls of New per request (each New allocates a buffer; the handlers' promises are ` +
      `not the pool's): with a forced GC every ${GC_EVERY_MS} ms and the victim cache it is ${round(f.ratio.median)}× ` +
      `the run without forced GCs (median of the per-round ratios over ${f.ratio.n} rounds, range ${round(f.ratio.min)}–${round(f.ratio.max)}), ` +
      `${holds ? `under the ${DOUBLE}× that would be doubling` : `at least ${DOUBLE}×: the allocations doubled`}. ` +
      `${withOut} of the ${hit.length} collections hit while handlers held buffers (${showSpread(spread(hit))} out). ` +
      `With the victim cache off it is ${round(f.cliff.median)}× (the same statistic).`,
  };
}

/** What exercise 6 measures: the runs round by round (CONFIGS' order), and Go's benchmarks with --with-go. */
export interface CliffMeasured {
  runs: Run[][];
  go?: GoRun<{ noGC: Figures; gc: Figures; artifact: Artifact }>;
}

function goCliffSection(g: { noGC: Figures; gc: Figures; artifact: Artifact }): GoSection {
  return {
    tables: [{
      title: `Go: Get/Put of a pooled *bytes.Buffer (RunParallel), with and without runtime.GC() every 100 ms; ns/op ${over(g.noGC.ns.n, 'run')}`,
      columns: ['benchmark', 'ns/op', 'B/op', 'allocs/op'],
      rows: [['no GC goroutine', showSpread(g.noGC.ns), round(g.noGC.bytesPerOp), round(g.noGC.allocsPerOp)],
        ['GC every 100 ms', showSpread(g.gc.ns), round(g.gc.bytesPerOp), round(g.gc.allocsPerOp)]],
    }],
    artifacts: [g.artifact],
    note: `go test prints allocs/op as a whole number per op: ${round(g.noGC.allocsPerOp)} and ${round(g.gc.allocsPerOp)} ` +
      'here, so the refills after each GC are too few per op to show, and Go cannot switch the victim cache off.',
  };
}

/** The report section from the measurements. */
export function present(m: CliffMeasured): Result {
  const { runs } = m;
  const perRequest = (r: Run) => r.news / r.requests;
  const of = (i: number) => runs.map((round) => round[i]!);
  const perConfig = CONFIGS.map((_, i) => spread(of(i).map(perRequest)));
  const figures: CliffFigures = {
    baseline: perConfig[0]!,
    withVictim: perConfig[1]!,
    withoutVictim: perConfig[2]!,
    ratio: spread(runs.map((round) => perRequest(round[1]!) / perRequest(round[0]!))),
    cliff: spread(runs.map((round) => perRequest(round[2]!) / perRequest(round[0]!))),
    outAtCollections: of(1).flatMap((r) => r.collections.map((c) => c.out)),
  };
  const { verdict, reason } = judgeCliff(figures);
  const newsPerCleanup = (i: number) => {
    const cs = of(i).flatMap((r) => r.collections);
    return cs.length === 0 ? undefined : sum(cs.map((c) => c.newsAfter)) / cs.length;
  };
  const [onPer, offPer] = [newsPerCleanup(1), newsPerCleanup(2)];
  const shown = runs[0]!.filter((r) => r.config.forcedGC).flatMap((r) => r.collections.map((c) => ({ r, c })));
  return {
    verdict,
    reason,
    explanation:
      `Each round begins with an empty pool, so every configuration first makes the buffers that ${HANDLERS} ` +
      'handlers hold at once. A cleanup moves the buffers then pooled to the victim cache; those the handlers ' +
      'hold are put back afterwards into the primary cache. Later gets take the primary cache first and the ' +
      'victim after it, and a victim buffer nobody took by the next cleanup is released. ' +
      (onPer === undefined ? '' : `With the victim cache a collection was followed by ${round(onPer)} calls of New ` +
        'on average before the next one') +
      (offPer === undefined ? '.' : `; without it, where every cleanup releases all pooled buffers, by ${round(offPer)}: ` +
        'the allocation spike after every GC of Go issue 22950.') +
      ` The runs without forced GCs saw ${sum(of(0).map((r) => r.collections.length))} cleanups (V8's own major GCs cause those).\n\n` +
      'Where Go differs: Go runs poolCleanup with the world stopped at the start of each GC ' +
      '(src/sync/pool.go:236–237 in Go 1.19); syncpool runs it just after a major GC, as a task at the next turn ' +
      'of the event loop, because V8 has no pre-GC hook. Code that never yields sees no cleanup at all; these ' +
      'handlers yield at every await, as a server\'s handlers do.',
    tables: [
      {
        title: `Calls of New per request, ${over(runs.length, 'round')}`,
        columns: ['configuration', 'requests per round', 'calls of New', 'news per request', 'cleanups seen', 'buffers out at the cleanups'],
        rows: CONFIGS.map((config, i) => {
          const rs = of(i);
          const outs = rs.flatMap((r) => r.collections.map((c) => c.out));
          return [config.label, rs.map((r) => r.requests).join(', '), showSpread(spread(rs.map((r) => r.news))),
            showSpread(perConfig[i]!, 3), rs.map((r) => r.collections.length).join(', '), outs.length === 0 ? '-' : showSpread(spread(outs))];
        }),
      },
      {
        title: 'What the verdict and the explanation compute from the runs',
        columns: ['quantity', 'value'],
        rows: [
          ['news per request, GC with the victim cache / no forced GC, per-round ratios, median (min–max)', showSpread(figures.ratio)],
          ['news per request, GC without the victim cache / no forced GC, per-round ratios, median (min–max)', showSpread(figures.cliff)],
          ['cleanups with the victim cache that found buffers out, of all its cleanups',
            `${figures.outAtCollections.filter((n) => n > 0).length} of ${figures.outAtCollections.length}`],
          ['calls of New per cleanup until the next one (mean over the cleanups), victim cache on and off',
            `${onPer === undefined ? '-' : round(onPer)}, ${offPer === undefined ? '-' : round(offPer)}`],
        ],
      },
      {
        title: 'Every cleanup of round 1\'s runs with forced GCs, with the buffers the handlers held when it ran',
        columns: ['configuration', 'at (ms)', 'buffers out', 'buffers pooled', 'released', 'calls of New until the next cleanup'],
        rows: shown.map(({ r, c }) => [r.config.victim ? 'victim cache on' : 'victim cache off', round(c.ms), c.out, c.pooled, c.released, c.newsAfter]),
      },
    ],
    charts: [{
      name: 'news-per-request',
      title: `Calls of New per request, median and range of ${runs.length} round${runs.length === 1 ? '' : 's'}`,
      spec: barChart({
        data: CONFIGS.map((config, i) => ({ configuration: config.short, ...spreadFields('news', perConfig[i]!) })),
        x: { field: 'configuration', title: 'configuration' },
        y: { field: 'news', title: 'calls of New per request' },
        group: 'configuration',
        spread: true,
      }),
    }],
    artifacts: [],
    ...(m.go === undefined ? {} : { go: goPresent(m.go, goCliffSection) }),
  };
}

export const exercise: Exercise = {
  id: 6,
  slug: 'victim-cliff',
  title: 'Reproduce the pre-1.13 cliff',
  goal: 'Run get/put of pooled byte buffers while something forces a garbage collection every 100 ms, and count ' +
    'allocations per operation with and without those collections.',
  criterion: 'With the forced collections, allocations per operation may rise a little but must not double: the ' +
    'victim cache absorbs each collection.',
  analogue: `${HANDLERS} concurrent async request handlers share a Pool of the lab's bytes.Buffer analogue ` +
    '(ByteBuffer). Each request gets a buffer, writes, holds it across 1–3 awaits (event-loop turns), writes ' +
    'again and puts it back, then idles 0–2 turns; the turns come from a seeded random stream. A ' +
    `${GC_EVERY_MS} ms interval timer forces a real full collection (gcCycle), whose pool cleanup runs as a task ` +
    'between handler steps, so it lands while some handlers hold their buffers; the report counts them for every ' +
    'collection. Automatic cleanups after V8\'s own major GCs stay on, as Go\'s GCs do. Allocations are the ' +
    'pool\'s calls of New per request. Every configuration serves the same number of requests; the three run in ' +
    'turn, round after round. Unlike Go, the lab can switch the victim cache off (`victim: false`), so the cliff ' +
    'the seed can only describe is measured.',
  flags: [],
  async run(ctx): Promise<Result> {
    const durationMs = byMode(ctx.mode, { tiny: 350, quick: 700, full: 3000 });
    const rounds = byMode(ctx.mode, { tiny: 1, quick: 3, full: 5 });
    const runs: Run[][] = [];
    for (let r = 0; r < rounds; r++) {
      const round: Run[] = [];
      for (const [i, config] of CONFIGS.entries()) {
        ctx.progress((r * CONFIGS.length + i) / (rounds * CONFIGS.length), `round ${r + 1}: ${config.label}`);
        // The first run sets the number of requests; the others serve exactly as many, so that
        // news per request compares the same work however long the collections take.
        round.push(await runConfig(config, i === 0 ? { ms: durationMs } : { requests: round[0]!.requests }, 6 + r));
      }
      runs.push(round);
    }
    const go = ctx.withGo ? await goMeasure(async () => {
      // Long enough for the 100 ms GC ticker to fire several times within each benchmark.
      const g = await goBenchFigures('^BenchmarkCliff', '06-victim-cliff',
        { benchtime: ctx.mode === 'tiny' ? '300ms' : '1s', count: GO_COUNT[ctx.mode] });
      return { noGC: figuresOf(g.figures, 'CliffNoGC'), gc: figuresOf(g.figures, 'CliffGC'), artifact: g.artifact };
    }) : undefined;
    return present({ runs, ...(go === undefined ? {} : { go }) });
  },
};
