/**
 * Exercise 2: the pool drains over two garbage collections, not one (the victim cache).
 */
import { Pool, gcCycle, setCleanupMode } from 'syncpool';
import { byMode, type Exercise, type Judgement, type Result, type Table } from '../exercise.js';
import { GO_RUNS, goMeasure, goPresent, goProgram, type GoRun, type GoSection } from '../lib/go.js';
import { count } from '../lib/words.js';

export interface Scenario {
  gcs: number;
  victim: boolean;
  before: number;
  after: number;
  victimHits: number;
  cleanups: number;
}

/** The seed's program: 100 × put(get()), `gcs` forced collections, 100 × put(get()) again. */
export async function drain(gcs: number, victim: boolean): Promise<Scenario> {
  let newCount = 0;
  const pool = new Pool<{ value: number }>({ new: () => ({ value: ++newCount }), victim });
  for (let i = 0; i < 100; i++) pool.put(pool.get());
  const before = newCount;
  for (let i = 0; i < gcs; i++) await gcCycle();
  for (let i = 0; i < 100; i++) pool.put(pool.get());
  const stats = pool.stats();
  return { gcs, victim, before, after: newCount, victimHits: stats.victimHits, cleanups: stats.cleanups };
}

/**
 * Calls of New in the second loop for: victim on after 0, 1, 2 collections, victim off after 1.
 * The victim cache's two-step drain is exactly 0, 0, 1 and 1: the counts the seed asks the
 * learner to explain.
 */
export function judgeDrain(scenarios: readonly Scenario[]): Judgement & { counts: number[] } {
  const again = (victim: boolean, gcs: number) => {
    const s = scenarios.find((x) => x.victim === victim && x.gcs === gcs);
    if (s === undefined) throw new RangeError(`judgeDrain: no scenario with victim ${victim} and ${gcs} GCs`);
    return s.after - s.before;
  };
  const counts = [again(true, 0), again(true, 1), again(true, 2), again(false, 1)];
  const [c0, c1, c2, off1] = counts as [number, number, number, number];
  const holds = counts.join() === '0,0,1,1';
  const measured = `New ran again ${c0}, ${c1} and ${c2} times after 0, 1 and 2 collections with the victim cache, ` +
    `and ${count(off1, 'time')} after 1 collection without it`;
  return {
    counts,
    verdict: holds ? 'holds' : 'does not hold',
    reason: holds
      ? `${measured}: one collection only demotes the item to the victim cache, where the next get finds it; the second releases it.`
      : `${measured}, which is not the two-step drain (0, 0, 1 and 1) the victim cache implies, so the counts do not explain it.`,
  };
}

export interface GoDrainRun { gomaxprocs: number; gcs: number; before: number; after: number; putP: number; getP: number }

/** Runs of one configuration: how many, in how many New ran again, in how many the P changed, and both. */
export interface GoDrainCell { gomaxprocs: number; gcs: number; runs: number; newAgain: number; moved: number; movedAndNew: number }

export function goDrainCells(results: readonly GoDrainRun[]): GoDrainCell[] {
  const cells: GoDrainCell[] = [];
  for (const r of results) {
    let cell = cells.find((c) => c.gomaxprocs === r.gomaxprocs && c.gcs === r.gcs);
    if (cell === undefined) cells.push(cell = { gomaxprocs: r.gomaxprocs, gcs: r.gcs, runs: 0, newAgain: 0, moved: 0, movedAndNew: 0 });
    const again = r.after > r.before;
    const moved = r.putP !== r.getP;
    cell.runs++;
    if (again) cell.newAgain++;
    if (moved) cell.moved++;
    if (again && moved) cell.movedAndNew++;
  }
  return cells;
}

/**
 * What Go's runs show after one GC, as counts over the runs. The P the goroutine ran on is
 * measured (runtime.procPin, what sync.Pool calls), so the account of why is checked against it:
 * one GC loses the item exactly when the goroutine's P after the GC is not the one that put it.
 */
export function goOneGcNote(cells: readonly GoDrainCell[]): string {
  return cells.filter((c) => c.gcs === 1).map((c) => {
    const again = `With GOMAXPROCS=${c.gomaxprocs}, New ran again after one GC in ${c.newAgain} of ${c.runs} runs`;
    if (c.gomaxprocs === 1) return `${again}.`;
    const exact = c.movedAndNew === c.newAgain && c.movedAndNew === c.moved;
    return `${again}; the main goroutine's P after runtime.GC() differed from the P of its last Put in ${c.moved} of ` +
      `them, and New ran again in ${c.movedAndNew} of those ${c.moved}. ` + (exact
      ? 'So New ran again exactly when the goroutine resumed on another P: the item sat in the private slot of the ' +
        'P that put it, and getSlow reads only its current P\'s victim private slot (src/sync/pool.go:175–180 in ' +
        'Go 1.19), never another P\'s; the victim shared queues it scans (pool.go:181–186) were empty.'
      : 'A change of P does not account for every run here, so something besides the victim private slot was at work.');
  }).join(' ');
}

/** The seed program in Go (go/cmd/drain) with GOMAXPROCS 1 and 2, after 0, 1 and 2 GCs, `runs` times each. */
function goDrain(runs: number): Promise<GoRun<GoDrainRun[]>> {
  const plan = [1, 2].flatMap((procs) => [0, 1, 2].map((gcs) => ({ args: ['-gcs', String(gcs)], env: { GOMAXPROCS: String(procs) } })));
  return goMeasure(() => goProgram<GoDrainRun>('drain', Array.from({ length: runs }, () => plan).flat()));
}

function goDrainSection(runs: readonly GoDrainRun[]): GoSection {
  const cells = goDrainCells(runs);
  return {
    tables: [{
      title: 'Go: runs in which New ran again after runtime.GC()',
      columns: ['GOMAXPROCS', 'runtime.GC() calls', 'runs', 'New ran again', 'P changed across the GCs', 'both'],
      rows: cells.map((c) => [c.gomaxprocs, c.gcs, c.runs, c.newAgain, c.moved, c.movedAndNew]),
    }],
    artifacts: [],
    note: goOneGcNote(cells),
  };
}

/** What exercise 2 measures: the six TypeScript scenarios, and Go's runs with --with-go. */
export interface DrainMeasured {
  scenarios: Scenario[];
  go?: GoRun<GoDrainRun[]>;
}

/** The report section from the measurements. */
export function present(m: DrainMeasured): Result {
  const { scenarios } = m;
  const table: Table = {
    title: 'newCount before and after the collections',
    columns: ['victim cache', 'forced GCs', 'cleanups seen', 'newCount before', 'newCount after', 'victim hits'],
    rows: scenarios.map((s) => [s.victim ? 'on (Go 1.13+)' : 'off (Go < 1.13)', s.gcs, s.cleanups, s.before, s.after, s.victimHits]),
  };
  const { verdict, reason, counts } = judgeDrain(scenarios);
  const [, , c2, off1] = counts as [number, number, number, number];
  const on = (gcs: number) => scenarios.find((x) => x.victim && x.gcs === gcs)!;
  return {
    verdict,
    reason,
    explanation:
      `The first loop called New ${count(on(1).before, 'time')} and then recycled the item through the private slot. A ` +
      'cleanup moves the primary cache (private slot and stack) to the victim cache without freeing anything, so ' +
      'after one collection the next get misses the primary cache and takes the item from the victim\'s private ' +
      `slot (victim hits: ${on(1).victimHits}), and the put makes it primary again. After two collections the ` +
      `first one's victim has been released by the second, so New runs again (${c2} here). Without the victim ` +
      `cache a single collection empties the pool (New ran ${count(off1, 'time')} after one), the pre-Go-1.13 behaviour ` +
      'that caused allocation spikes after every GC (golang/go issue 22950).\n\n' +
      'Where Go differs: with GOMAXPROCS > 1 Go can call New again after a single GC. The item sits in the ' +
      'private slot of the P that put it; if the goroutine resumes on another P after runtime.GC(), getSlow ' +
      'reads only its current P\'s victim private slot (src/sync/pool.go:175–180 in Go 1.19), never the ' +
      'original P\'s, and scans the victim shared queues (pool.go:181–186), where the item is not. One JavaScript ' +
      `isolate has exactly one P, so here one collection never loses the item${m.go?.version !== undefined
        ? '; the Go section below counts, over repeated runs, how often Go does with GOMAXPROCS=1 and 2.'
        : '; run with --with-go (and Go on PATH) to count how often Go does, with GOMAXPROCS=1 and 2.'}`,
    tables: [table],
    charts: [],
    artifacts: [],
    ...(m.go === undefined ? {} : { go: goPresent(m.go, goDrainSection) }),
  };
}

export const exercise: Exercise = {
  id: 2,
  slug: 'gc-drain',
  title: 'Observe the GC drain',
  goal: 'Put and get one item 100 times, force garbage collections, and repeat: count how often New runs, ' +
    'after zero, one and two collections.',
  criterion: 'Explain from the counts why two collections, not one, are needed to empty the pool: the first ' +
    'moves the primary cache to the victim cache, the second releases the victim.',
  analogue: 'The seed program with `Pool` and `gcCycle()`, which forces a real full V8 collection and waits for ' +
    'the pool cleanup it causes. Automatic cleanups are switched off (`setCleanupMode(\'manual\')`) so that ' +
    'only the forced collections count; a stray major GC would otherwise add a cleanup. The same run with ' +
    '`victim: false` shows Go before 1.13.',
  flags: [],
  async run(ctx): Promise<Result> {
    setCleanupMode('manual');
    const scenarios: Scenario[] = [];
    for (const victim of [true, false]) {
      for (const gcs of [0, 1, 2]) scenarios.push(await drain(gcs, victim));
    }
    return present({ scenarios, ...(ctx.withGo ? { go: await goDrain(byMode(ctx.mode, GO_RUNS)) } : {}) });
  },
};
