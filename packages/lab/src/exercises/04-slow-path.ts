/**
 * Exercise 4: the cost of a get on the fast path against one forced onto the slow path.
 */
import { SharedPool } from 'syncpool';
import { measureMemory, sink } from 'syncpool-bench';
import type { Exercise, Judgement, Result } from '../exercise.js';
import { figuresOf, runLabBench } from '../lib/bench.js';
import { GO_COUNT, goBenchFigures, goSection } from '../lib/go.js';
import { over, round, showSpread, type Spread } from '../lib/stats.js';

const SLOWER = 2;

/**
 * The seed's quantity is ns per Get. A fast-path get alone cannot be timed without the put that
 * refills the private slot, so the fast side is the put+get pair: an upper bound on a fast get,
 * which makes slow/pair a lower bound on the per-get ratio. The verdict line says so.
 */
export function judgeSlowPath(fast: Spread, slow: Spread): Judgement & { ratio: number } {
  const ratio = slow.median / fast.median;
  const holds = ratio >= SLOWER;
  return {
    ratio,
    verdict: holds ? 'holds' : 'does not hold',
    reason: `A stealing get costs ${showSpread(slow)} ns against ${showSpread(fast)} ns for a private-hit put+get pair ` +
      `(${over(slow.n, 'process', 'processes')}): ${round(ratio)}× per get, ${holds ? 'at least' : 'less than'} the ${SLOWER}× ` +
      `the criterion needs${holds ? '' : ', so the slow path is not twice as slow here'}. The fast side is timed as a ` +
      'put+get pair, an upper bound on a fast get, so the per-get ratio is at least this.',
  };
}

/**
 * Both paths' loops without syncpool-bench's timer calls, under measureMemory: the timed steal
 * benchmark stops and starts the timer around every batch, and that bookkeeping shows in its B/op.
 */
async function allocationFree(): Promise<{ privateBytes: number; stealBytes: number }> {
  const a = SharedPool.create({ blockSize: 64, blocks: 65, maxLocals: 2 });
  const thief = SharedPool.attach(a.buffer);
  const held: number[] = [];
  for (let i = 0; i < 65; i++) held.push(a.get());
  a.put(held.pop()!);
  const steal = await measureMemory((n) => {
    for (let done = 0; done < n; done += 64) {
      for (let i = 0; i < 64; i++) a.put(held.pop()!);
      for (let i = 0; i < 64; i++) held.push(thief.get());
    }
  }, { n: 64_000 });
  const x = held.pop()!;
  const fast = await measureMemory((n) => {
    for (let i = 0; i < n; i++) {
      a.put(x);
      sink(a.get());
    }
  }, { n: 64_000 });
  return { privateBytes: fast.bytesPerOp, stealBytes: steal.bytesPerOp };
}

export const exercise: Exercise = {
  id: 4,
  slug: 'slow-path',
  title: 'Force the slow path',
  goal: 'Measure a get that always hits the private slot against a get that can never find anything on its own ' +
    'P and must take the slow path, stealing from another P.',
  criterion: `The slow-path get is at least ${SLOWER}× slower than the fast-path get.`,
  analogue: 'SharedPool, with syncpool-bench. Fast: put then get on one local, a private hit each time (the ' +
    'timed op is the put+get pair, which only makes the comparison stricter). Slow: one thread holds two locals; ' +
    'A puts a batch of 64 blocks onto its ring (its private slot is kept full), then B, whose private slot and ' +
    'ring are always empty, gets them, each get scanning for another local\'s ring and popping its tail with a ' +
    'CAS; only B\'s gets are timed. The seed moves goroutines between Ps with channels; one thread with two ' +
    'locals forces the same path without the scheduling noise.',
  flags: [],
  async run(ctx): Promise<Result> {
    const { figures, artifact } = await runLabBench('paths', ctx.mode, (f, label) => ctx.progress(0.9 * f, label));
    const fast = figuresOf(figures, 'PathPrivate');
    const slow = figuresOf(figures, 'PathSteal');
    const { ratio, verdict, reason } = judgeSlowPath(fast.ns, slow.ns);
    let goRatio: number | undefined;
    const untimed = await allocationFree();
    const go = ctx.withGo ? await goSection(async () => {
      const count = GO_COUNT[ctx.mode];
      const fastRun = await goBenchFigures('^BenchmarkPathFast$', '04-slow-path-fast', { benchtime: ctx.mode === 'tiny' ? '20000x' : '200ms', count });
      // A fixed count for the steal: its timer stops around every batch of 64, and a time goal
      // would let the untimed refills (a channel round trip each) run on for much longer.
      const stealRun = await goBenchFigures('^BenchmarkPathSteal$', '04-slow-path-steal', { benchtime: ctx.mode === 'tiny' ? '20000x' : '200000x', count });
      const gFast = figuresOf(fastRun.figures, 'PathFast');
      const gSlow = stealRun.figures.get('PathSteal');
      goRatio = gSlow === undefined ? undefined : gSlow.ns.median / gFast.ns.median;
      return {
        tables: [{
          title: 'Go: sync.Pool, private hit (Put+Get pair) against a Get that steals (GOMAXPROCS ≥ 2); ns/op median (min–max)',
          columns: ['path', 'ns/op', 'ratio of medians'],
          rows: [['private hit', showSpread(gFast.ns), 1],
            ['steal', gSlow === undefined ? 'skipped (GOMAXPROCS < 2)' : showSpread(gSlow.ns), goRatio === undefined ? '-' : round(goRatio)]],
        }],
        artifacts: [fastRun.artifact, stealRun.artifact],
      };
    }) : undefined;
    return {
      verdict,
      reason: reason + (goRatio === undefined ? '' : ` Go in the same run: ${round(goRatio)}×.`),
      explanation:
        'The fast path reads the local\'s private slot, a plain Int32Array element, clears it and returns: a ' +
        'handful of loads and stores and no Atomics. The slow path first tries the own ring\'s head (an ' +
        'Atomics.load and, had it found something, a CAS), then walks the other locals\' rings and pops a tail: ' +
        'Atomics.load of the packed head/tail word, Atomics.compareExchange to claim the slot, a read, and ' +
        'Atomics.store to hand the slot back. Every Atomics operation is a call into a V8 builtin with a lock ' +
        'cmpxchg inside it, where Go\'s compiler emits its CAS inline as a LOCK CMPXCHG in poolDequeue.popTail ' +
        '(`syncpool-lab 5` disassembles the builtin, and with --with-go lists Go\'s). ' +
        (goRatio === undefined ? '' : `The gap here, ${round(ratio)}×, is ${ratio > goRatio ? 'larger' : 'not larger'} than ` +
          `Go's ${round(goRatio)}× in the same run. `) +
        `${untimed.privateBytes < 1 && untimed.stealBytes < 1 ? 'Both paths allocate nothing' : 'Allocation'}: ` +
        `measured without the benchmark\'s timer calls, ${round(untimed.privateBytes)} and ${round(untimed.stealBytes)} B/op` +
        (untimed.stealBytes < 1 && slow.bytesPerOp >= 1
          ? `, so the steal row\'s ${round(slow.bytesPerOp)} B/op in the table comes from the timer calls around each batch of 64.`
          : '.') +
        '\n\nWhere Go differs: Go\'s steal, across real Ps, also pays for the cache misses of reading another ' +
        'core\'s queue; here both locals live on one thread, so the stolen slot is in this core\'s cache, and the ' +
        'figure is the instruction cost of the slow path alone.',
      tables: [{
        title: 'Fast path against slow path (syncpool-bench; ns/op median (min–max) of the processes)',
        columns: ['path', 'ns/op', 'B/op', 'allocs/op'],
        rows: [['private hit (put+get pair)', showSpread(fast.ns), round(fast.bytesPerOp), round(fast.allocsPerOp)],
          ['steal (get)', showSpread(slow.ns), round(slow.bytesPerOp), round(slow.allocsPerOp)]],
      }],
      charts: [],
      artifacts: [artifact],
      ...(go === undefined ? {} : { go }),
    };
  },
};
