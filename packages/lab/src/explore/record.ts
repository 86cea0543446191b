/**
 * Records the explorer's five scenarios from real runs of the library in this process (Pool,
 * with real forced GCs) and in worker threads (SharedPool, one thread per local).
 */
import { SharedPool, gcCycle, setCleanupMode, cleanupMode } from 'syncpool';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWorkers } from '../lib/workers.js';
import { observeNumbered, type Numbered } from './numbered.js';
import { gcDrain, victimCliff, warmup, type ForceGC } from './programs.js';
import { ReplayError, apply, initialState, type ReplayState } from './replay.js';
import type { MarkerEvent, Scenario, SharedScenario } from './scenario.js';
import type { ExploreTask } from './worker.js';
import type { BlockId, SharedPoolEvent } from 'syncpool';

const worker = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A real full collection, and the pool cleanup it caused (gcCycle). */
const realGC: ForceGC = async (recorder) => {
  recorder.gc('a forced full collection: gcCycle()');
  await gcCycle();
};

/** SharedPool's ring size for `blocks` (shared-layout.ts: the arena rounded up to a power of two, at least 16). */
const ringCapacity = (blocks: number) => Math.max(16, 2 ** Math.ceil(Math.log2(blocks)));

type Shell = Omit<SharedScenario, 'events' | 'final'>;

/**
 * The threads' events in one order the replay accepts: by their numbers, except that an event a
 * thread numbered late (its observer ran after another thread's later operation, e.g. a put
 * numbered after the steal that took its block) waits until what it depends on has been applied.
 * Each thread's own events keep their order. Throws when no order works.
 */
export function mergeThreads(shell: Shell, streams: readonly Numbered[][], markers: readonly { before: number; event: MarkerEvent }[] = []): (SharedPoolEvent | MarkerEvent)[] {
  const sorted: { seq: number; event: SharedPoolEvent | MarkerEvent; thread: number }[] = [];
  streams.forEach((stream, thread) => { for (const n of stream) sorted.push({ ...n, thread }); });
  for (const m of markers) sorted.push({ seq: m.before - 0.5, event: m.event, thread: -1 });
  sorted.sort((a, b) => a.seq - b.seq);
  const out: (SharedPoolEvent | MarkerEvent)[] = [];
  let state: ReplayState = initialState({ ...shell, events: [], final: undefined as never });
  const pending: typeof sorted = [];
  const tryApply = (entry: (typeof sorted)[number]) => {
    try {
      state = apply(state, entry.event, out.length);
      out.push(entry.event);
      return true;
    } catch (error) {
      if (error instanceof ReplayError) return false;
      throw error;
    }
  };
  const drain = () => {
    for (let i = 0; i < pending.length;) {
      const entry = pending[i]!;
      const blocked = pending.slice(0, i).some((p) => p.thread === entry.thread);
      if (!blocked && tryApply(entry)) { pending.splice(i, 1); i = 0; } else i++;
    }
  };
  for (const entry of sorted) {
    if (pending.some((p) => p.thread === entry.thread) || !tryApply(entry)) pending.push(entry);
    else drain();
  }
  drain();
  if (pending.length > 0) throw new ReplayError(`${shell.name}: ${pending.length} events fit no order, the first: ${JSON.stringify(pending[0]!.event)}`);
  return out;
}

function finalOf(buffer: SharedArrayBuffer): SharedScenario['final'] {
  const reader = SharedPool.attach(buffer);
  try {
    return { stats: reader.stats(), census: reader.census() };
  } finally {
    reader.detach();
  }
}

/** Seed task 3: a producer and three consumers on four locals, racing, then producer first. */
export async function crossSteal(produce = 12, consume = 4): Promise<SharedScenario> {
  const blocks = 32;
  const creator = SharedPool.create({ blockSize: 64, blocks, maxLocals: 4 });
  const { buffer } = creator;
  creator.detach();
  const shell: Shell = {
    name: 'task3-steal', title: 'Task 3: consumers steal from the producer\'s ring', exercise: 3, pool: 'SharedPool',
    locals: 4, blocks, ringCapacity: ringCapacity(blocks),
    description: `A producer puts ${produce} blocks; three consumers on other locals take ${consume} each. Racing, a consumer that finds nothing takes a never-used block; producer first, every consumer steals from the producer's tail.`,
  };
  const streams: Numbered[][] = [];
  const markers: { before: number; event: MarkerEvent }[] = [];
  const words = new Int32Array(new SharedArrayBuffer(12));
  for (const order of ['race', 'after'] as const) {
    markers.push({ before: Atomics.load(words, 0), event: { kind: 'phase', text: order === 'race' ? 'Racing: all four threads start together' : 'Producer first: the consumers wait until it has put everything' } });
    Atomics.store(words, 1, 0);
    Atomics.store(words, 2, 0);
    const tasks: ExploreTask[] = [
      { role: 'producer', order, buffer, shared: words.buffer as SharedArrayBuffer, count: produce, consumers: 3 },
      ...[1, 2, 3].map((): ExploreTask => ({ role: 'consumer', order, buffer, shared: words.buffer as SharedArrayBuffer, count: consume, consumers: 3 })),
    ];
    const run = await runWorkers<Numbered[]>(worker, tasks);
    streams.push(...run.results);
  }
  return { ...shell, events: mergeThreads(shell, streams, markers), final: finalOf(buffer) };
}

/** Seed task 11: short-lived producer threads hand blocks to a long-lived consumer. */
export async function ownership(producers = 4): Promise<SharedScenario> {
  const blocks = 16;
  const consumer = SharedPool.create({ blockSize: 64, blocks, maxLocals: 2 });
  const words = new Int32Array(new SharedArrayBuffer(12));
  const mine: Numbered[] = [];
  observeNumbered(consumer, words, mine);
  const streams: Numbered[][] = [mine];
  const held: BlockId[] = [];
  for (let p = 0; p < producers; p++) {
    const run = await runWorkers<Numbered[]>(worker, [{ role: 'short', order: 'race', buffer: consumer.buffer, shared: words.buffer as SharedArrayBuffer, count: 1, consumers: 0 } satisfies ExploreTask]);
    streams.push(...run.results);
    held.push(consumer.get());
  }
  for (const id of held) consumer.put(id);
  consumer.observe(undefined);
  const final = { stats: consumer.stats(), census: consumer.census() };
  consumer.detach();
  const shell: Shell = {
    name: 'task11-ownership', title: 'Task 11: a block outlives the thread that put it', exercise: 11, pool: 'SharedPool',
    locals: 2, blocks, ringCapacity: ringCapacity(blocks),
    description: `${producers} short-lived producer threads, one after another, each put one block and exit; the long-lived consumer on P0 then takes it. Each get highlights the put that supplied it.`,
  };
  return { ...shell, events: mergeThreads(shell, streams), final };
}

/** All five, in exercise order. Cleanups run only when forced while recording. */
export async function recordScenarios(): Promise<Scenario[]> {
  const mode = cleanupMode();
  setCleanupMode('manual');
  try {
    const drain = await gcDrain(realGC);
    const steal = await crossSteal();
    const cliff = await victimCliff(realGC);
    const own = await ownership();
    const warm = await warmup(realGC);
    return [drain, steal, cliff, own, warm];
  } finally {
    setCleanupMode(mode);
  }
}
