/**
 * The predict-then-observe experiments of tasks 2, 3 and 11: the reference run's own experiments
 * (drain from exercise 2, trial from exercise 3, traceRun from exercise 11) and judges, read as
 * answers to the questions.
 */
import { setCleanupMode } from 'syncpool';
import { drain, judgeDrain, type Scenario } from '../../exercises/02-gc-drain.js';
import { judgeSteal, STEAL_SHAPE, trial } from '../../exercises/03-cross-p-steal.js';
import { present, traceRun } from '../../exercises/11-trace.js';
import { stampAgent, stampSeq } from '../../workers/trace-log.js';
import type { PredictTask } from './predict.js';

export const DRAIN: PredictTask = {
  task: 2,
  next: 'follow the item through the pool\'s caches',
  questions: [
    { key: 'newAfter0', asks: 'New calls in the second loop with no collection in between' },
    { key: 'newAfter1', asks: 'New calls in the second loop after one forced collection' },
    { key: 'newAfter2', asks: 'New calls in the second loop after two forced collections' },
    { key: 'newAfter1NoVictim', asks: 'New calls after one collection with the victim cache off (new Pool({ victim: false }), Go before 1.13)' },
  ],
  async observe() {
    setCleanupMode('manual');
    const scenarios: Scenario[] = [];
    for (const [gcs, victim] of [[0, true], [1, true], [2, true], [1, false]] as const) scenarios.push(await drain(gcs, victim));
    const reference = judgeDrain(scenarios);
    const [c0, c1, c2, off1] = reference.counts as [number, number, number, number];
    const [s0, s1, s2, sOff] = scenarios as [Scenario, Scenario, Scenario, Scenario];
    return {
      observed: { newAfter0: c0, newAfter1: c1, newAfter2: c2, newAfter1NoVictim: off1 },
      why: {
        newAfter0: c0 === 0 ? 'Nothing cleaned the pool: every get found the item the put before it left in the private slot.'
          : `New ran although no collection happened (${s0.cleanups} cleanups seen).`,
        newAfter1: c1 === 0 ? `The collection moved the item to the victim cache, and the first get found it there (victim hits: ${s1.victimHits}).`
          : `New ran ${c1} times: the item was gone after one collection (victim hits: ${s1.victimHits}).`,
        newAfter2: c2 > 0 ? `The second collection released the victim cache the first one filled: the item was gone, so New ran ${c2} time(s).`
          : `New did not run: the item survived two collections (victim hits: ${s2.victimHits}).`,
        newAfter1NoVictim: off1 > 0 ? `Without a victim cache one collection drops everything, so New ran ${off1} time(s): the cliff Go 1.13 removed.`
          : `New did not run: the item survived one collection without a victim cache (cleanups: ${sOff.cleanups}).`,
      },
      reference,
      tables: [{
        title: 'newCount before and after the collections',
        columns: ['victim cache', 'forced GCs', 'cleanups seen', 'newCount before', 'newCount after', 'victim hits'],
        rows: scenarios.map((s) => [s.victim ? 'on' : 'off', s.gcs, s.cleanups, s.before, s.after, s.victimHits]),
      }],
      explanation: 'The check ran the seed\'s program on syncpool\'s Pool: 100 × put(get()), forced collections (gcCycle, ' +
        'automatic cleanups off), then 100 × put(get()) again, counting New in the second loop.',
    };
  },
};

export const STEAL: PredictTask = {
  task: 3,
  next: 'follow the item through the pool\'s caches',
  questions: [
    { key: 'hitsFourLocals', asks: `hits of the ${STEAL_SHAPE.consumers} consumers' ${STEAL_SHAPE.consumers * STEAL_SHAPE.consume} gets with a local per thread, the producer's ${STEAL_SHAPE.produce} puts done first` },
    { key: 'stealsFourLocals', asks: 'how many of those hits were steals from another thread\'s local' },
    { key: 'stealsOneLocal', asks: 'steals when all threads share one local (a single P), the producer first' },
  ],
  async observe() {
    const four = await trial(4, 'after');
    const one = await trial(1, 'after');
    const reference = judgeSteal([four, one]);
    return {
      observed: { hitsFourLocals: four.hits, stealsFourLocals: four.stats.steals, stealsOneLocal: one.stats.steals },
      why: {
        hitsFourLocals: four.hits === STEAL_SHAPE.consumers * STEAL_SHAPE.consume
          ? 'The producer had put more than the consumers take, and a get that misses its own local looks in the others\' before New.'
          : `${four.misses + four.exhausted} gets missed although the producer had put enough.`,
        stealsFourLocals: four.stats.steals === four.hits
          ? 'Consumers never put, so their own private slot and queue stay empty: every hit must come from the producer\'s queue (popTail).'
          : `${four.hits - four.stats.steals} hits came from the consumers' own locals.`,
        stealsOneLocal: one.stats.steals === 0 ? 'With one local there is nobody to steal from: every hit is a pop from the shared local itself.'
          : `${one.stats.steals} steals with a single local.`,
      },
      reference,
      tables: [{
        title: 'The two runs',
        columns: ['locals', 'hits', 'misses', 'steals'],
        rows: [four, one].map((t) => [t.locals, t.hits, t.misses + t.exhausted, t.stats.steals]),
      }],
      explanation: `The check ran the reference experiment on SharedPool workers: a producer puts ${STEAL_SHAPE.produce} items, then ` +
        `${STEAL_SHAPE.consumers} consumers get ${STEAL_SHAPE.consume} each, with a local per thread and with one shared local.`,
    };
  },
};

/** Check 11's workload: small, so that the order of every get can be followed by hand. */
export const HANDOFF_SHAPE = { producers: 3, puts: 4 } as const;

export const HANDOFF: PredictTask = {
  task: 11,
  next: 'follow each block from its put through the producer\'s private slot and ring to the consumer\'s steal',
  questions: [
    { key: 'firstPut', asks: `which of a producer's ${HANDOFF_SHAPE.puts} puts (1 to ${HANDOFF_SHAPE.puts}) supplies the consumer's first get from that producer` },
    { key: 'lastPut', asks: 'which of that producer\'s puts supplies the consumer\'s last get from it' },
    { key: 'inARow', asks: 'how many gets in a row the consumer takes from the first producer it takes from, before another producer supplies one' },
    { key: 'handoffs', asks: `how many of the ${HANDOFF_SHAPE.producers * HANDOFF_SHAPE.puts} puts reach the consumer, whose gets all start after every producer has detached` },
  ],
  async observe() {
    const m = await traceRun(HANDOFF_SHAPE.producers, HANDOFF_SHAPE.puts, false, true);
    const reference = present(m);
    const gets = m.logs[0]!.events.filter((e) => e.op === 'get' && e.stamp !== 0);
    const first = gets[0];
    const from = first === undefined ? -1 : stampAgent(first.stamp);
    const fromFirst = gets.filter((e) => stampAgent(e.stamp) === from).map((e) => stampSeq(e.stamp));
    const inARow = gets.findIndex((e) => stampAgent(e.stamp) !== from);
    const observed = {
      firstPut: fromFirst[0] ?? 0,
      lastPut: fromFirst.at(-1) ?? 0,
      inARow: inARow === -1 ? gets.length : inARow,
      handoffs: gets.length,
    };
    const localOf = (agent: number) => m.logs[agent]?.localId ?? -1;
    const consumerLocal = localOf(0);
    const order = gets.map((e) => `${stampAgent(e.stamp)}#${stampSeq(e.stamp)}`).join(', ');
    return {
      observed,
      why: {
        firstPut: observed.firstPut === 2
          ? 'A put fills the private slot first (put #1) and pushes the rest onto the ring\'s head; a steal pops the ring\'s tail, so the oldest ring entry, put #2, comes first.'
          : `The first steal from producer ${from} took its put #${observed.firstPut} (the consumer's gets in order: ${order}).`,
        lastPut: observed.lastPut === 1
          ? 'Put #1 sat in the producer\'s private slot; detach pushed it onto the ring\'s head, so the tail reaches it last.'
          : `The last get from producer ${from} took its put #${observed.lastPut} (the consumer's gets in order: ${order}).`,
        inARow: observed.inARow === HANDOFF_SHAPE.puts
          ? `Every get that misses its own local (${consumerLocal}) tries the others in order from the next id, wrapping (${(consumerLocal + 1) % m.logs.length} first), so the consumer empties producer ${from}'s local (${localOf(from)}) before it takes from any other.`
          : `${observed.inARow} gets in a row came from producer ${from} (the consumer's gets in order: ${order}).`,
        handoffs: observed.handoffs === HANDOFF_SHAPE.producers * HANDOFF_SHAPE.puts
          ? 'Every put reached the consumer: a detached local keeps its ring, and the blocks stay stealable after the thread that put them has gone.'
          : `Only ${observed.handoffs} of ${HANDOFF_SHAPE.producers * HANDOFF_SHAPE.puts} puts reached the consumer.`,
      },
      reference,
      tables: reference.tables,
      artifacts: reference.artifacts,
      explanation: `The check ran exercise 11's workload on SharedPool workers: ${HANDOFF_SHAPE.producers} producers put ` +
        `${HANDOFF_SHAPE.puts} stamped blocks each, detach and exit; the consumer's gets, which start once every producer has ` +
        `detached, read each block's stamp (producer, put number). The consumer's gets in order, as producer#put: ${order}. trace.json draws every handoff as an arrow from the put to the get.`,
    };
  },
};
