/**
 * Exercise 11: a put by a short-lived producer thread is taken by a long-lived consumer, even
 * after the producer has exited; every handoff drawn as a flow arrow in a Chrome trace.
 */
import { SharedPool } from 'syncpool';
import { byMode, type Exercise, type Judgement, type Result } from '../exercise.js';
import { chromeTrace, type Flow, type Slice } from '../lib/chrome-trace.js';
import { noGoRun } from '../lib/go.js';
import { round } from '../lib/stats.js';
import { runWorkers, workerScript } from '../lib/workers.js';
import { stampAgent, stampSeq, type TraceLog, type TraceTask } from '../workers/trace-log.js';

export interface Handoff {
  stamp: number;
  block: number;
  putter: number;
  getter: number;
  putMs: number;
  getMs: number;
}

/**
 * Matches every get that read a stamp with the put that wrote it. A stamp is written by exactly
 * one put, so each get has at most one candidate; a get whose stamp no put wrote, or whose block
 * differs from that put's, is a broken handoff.
 */
export function matchHandoffs(logs: readonly TraceLog[]): { handoffs: Handoff[]; broken: number } {
  const puts = new Map<number, { agent: number; block: number; ms: number }>();
  for (const log of logs) {
    for (const e of log.events) if (e.op === 'put') puts.set(e.stamp, { agent: log.agent, block: e.block, ms: e.startMs });
  }
  const handoffs: Handoff[] = [];
  let broken = 0;
  for (const log of logs) {
    for (const e of log.events) {
      if (e.op !== 'get' || e.stamp === 0) continue;
      const put = puts.get(e.stamp);
      if (put === undefined || put.block !== e.block || put.ms > e.startMs) {
        broken++;
        continue;
      }
      handoffs.push({ stamp: e.stamp, block: e.block, putter: put.agent, getter: log.agent, putMs: put.ms, getMs: e.startMs });
    }
  }
  return { handoffs, broken };
}

/** What the verdict reads of the matched trace. */
export interface TraceFigures {
  handoffs: number;
  broken: number;
  /** Handoffs to the consumer, and those whose get came after the producer's thread had exited. */
  toConsumer: number;
  afterExit: number;
  /** One handoff in words, for the learner to find in trace.json. */
  pair: string;
}

/**
 * The seed asks to pinpoint the put that supplied a get, including after the producer is gone:
 * every stamped get must match its put (0 broken), and some get must come after its producer's
 * thread exited.
 */
export function judgeTrace(f: TraceFigures): Judgement {
  const holds = f.broken === 0 && f.afterExit > 0;
  return {
    verdict: holds ? 'holds' : 'does not hold',
    reason: holds
      ? `Every get that read a stamp matches exactly one put (${f.handoffs} handoffs, 0 broken); ${f.afterExit} of the ` +
        `consumer's ${f.toConsumer} gets took a block after its producer had exited. In words: ${f.pair}.`
      : [f.broken > 0 ? `${f.broken} gets read a stamp that no put wrote on that block` : '',
          f.afterExit === 0 ? `none of the consumer's ${f.toConsumer} gets came after its producer had exited` : '']
        .filter((x) => x !== '').join('; ') + ` (${f.handoffs} handoffs matched); ${f.pair}.`,
  };
}

const CONSUMER_MS = 250;

const threadName = (agent: number, localId: number) => (agent === 0 ? `consumer (local ${localId})` : `producer ${agent} (local ${localId})`);

/** What exercise 11 records: every thread's log, when the gate opened and when each thread exited. */
export interface TraceMeasured {
  producers: number;
  puts: number;
  /** logs[agent]: the consumer (agent 0), then the producers. */
  logs: TraceLog[];
  gateEpochMs: number;
  /** exitedMs[agent]: ms after the gate at which the agent's thread exited. */
  exitedMs: number[];
  withGo: boolean;
}

/** The report section from the logs: the matched handoffs, the trace and the explanation. */
export function present(m: TraceMeasured): Result {
  const { logs, producers, puts } = m;
  const { handoffs, broken } = matchHandoffs(logs);
  const exitedEpoch = (agent: number) => m.gateEpochMs + m.exitedMs[agent]!;
  const toConsumer = handoffs.filter((h) => h.getter === 0);
  const afterExit = toConsumer.filter((h) => h.getMs > exitedEpoch(h.putter));
  const us = (epochMs: number) => (epochMs - m.gateEpochMs) * 1000;

  const threads = new Map(logs.map((log) => [log.agent + 1, threadName(log.agent, log.localId)]));
  const slices: Slice[] = logs.flatMap((log) => log.events.map((e) => ({
    tid: log.agent + 1, name: e.op, startUs: us(e.startMs), durUs: (e.endMs - e.startMs) * 1000,
    args: { block: e.block, stamp: e.stamp === 0 ? 'none (fresh block)' : `producer ${stampAgent(e.stamp)} put #${stampSeq(e.stamp)}` },
  })));
  const lifetimes: Slice[] = logs.filter((l) => l.agent > 0).map((log) => ({
    tid: log.agent + 1, name: 'producer thread alive', startUs: 0, durUs: m.exitedMs[log.agent]! * 1000,
  }));
  const instants: Slice[] = logs.filter((l) => l.agent > 0).flatMap((log) => [
    { tid: log.agent + 1, name: 'detach', startUs: us(log.detachMs), durUs: 0 },
    { tid: log.agent + 1, name: 'thread exit', startUs: m.exitedMs[log.agent]! * 1000, durUs: 0 },
  ]);
  const flows: Flow[] = handoffs.map((h) => ({ id: h.stamp, from: { tid: h.putter + 1, atUs: us(h.putMs) }, to: { tid: h.getter + 1, atUs: us(h.getMs) } }));
  const trace = chromeTrace('syncpool lab: exercise 11', threads, [...lifetimes, ...slices], instants, flows);

  const named = afterExit[0] ?? toConsumer[0];
  const ms = (epoch: number) => `${round(epoch - m.gateEpochMs, 3)} ms`;
  const consumerLocal = logs[0]!.localId;
  const pair = named === undefined ? 'no get of the consumer read a stamp' :
    `block ${named.block} was put by producer ${named.putter} (local ${logs[named.putter]!.localId}) at ` +
    `${ms(named.putMs)}, its put #${stampSeq(named.stamp)}; producer ${named.putter} detached at ` +
    `${ms(logs[named.putter]!.detachMs)} and its thread exited at ${ms(exitedEpoch(named.putter))}; the consumer ` +
    `(local ${consumerLocal}) got block ${named.block} at ${ms(named.getMs)} and read producer ${named.putter}'s ` +
    `stamp 0x${named.stamp.toString(16).padStart(8, '0')} from the block`;
  const totalPuts = producers * puts;
  const consumerGets = logs[0]!.events.filter((e) => e.op === 'get');
  const freshGets = consumerGets.filter((e) => e.stamp === 0).length;
  const { verdict, reason } = judgeTrace({ handoffs: handoffs.length, broken, toConsumer: toConsumer.length, afterExit: afterExit.length, pair });
  return {
    verdict,
    reason,
    explanation:
      'A producer\'s put lands in its local\'s private slot and ring. The consumer, on its own local, finds ' +
      'its own slot and ring empty and steals the tail of a producer\'s ring (Go\'s getSlow). When a producer ' +
      'detaches, its private block moves to its ring, and the local keeps the ring: the blocks stay stealable ' +
      'after the thread is gone, which is the property the seed wants to see. ' +
      `${freshGets} of the consumer's gets took a fresh, ` +
      `unstamped block because no pooled block was there to steal at that moment. Of ${totalPuts} puts, ${toConsumer.length} reached the consumer.\n\n` +
      'Where Go differs: go tool trace shows goroutine and processor events, not values; the seed asks the ' +
      'reader to infer the Put-side event. Here each block carries its put\'s stamp, so the trace\'s arrows are ' +
      'exact. GOMAXPROCS(1) has no analogue: each worker thread is its own local.',
    tables: [{
      title: 'Handoffs by producer',
      columns: ['producer', 'local', 'puts', 'taken by the consumer', '… after the producer exited', 'thread exit (ms)'],
      rows: [...logs.filter((l) => l.agent > 0).map((log) => {
        const mine = handoffs.filter((h) => h.putter === log.agent);
        return [log.agent, log.localId, log.events.filter((e) => e.op === 'put').length,
          mine.filter((h) => h.getter === 0).length, afterExit.filter((h) => h.putter === log.agent).length,
          round(m.exitedMs[log.agent]!, 3)];
      }), ['all', '-', totalPuts, toConsumer.length, afterExit.length, '-']],
    }, {
      title: 'The consumer\'s gets',
      columns: ['gets', 'stamped (a handoff)', 'fresh, unstamped', 'handoffs matched (all threads)', 'broken (stamp no put wrote)'],
      rows: [[consumerGets.length, toConsumer.length, freshGets, handoffs.length, broken]],
    }, ...(named === undefined ? [] : [{
      title: 'The handoff the verdict names (ms after the start gate)',
      columns: ['block', 'producer (local)', 'its put', 'put at', 'producer detached at', 'producer thread exited at', 'consumer (local)', 'got at', 'stamp read'],
      rows: [[named.block, `${named.putter} (${logs[named.putter]!.localId})`, `#${stampSeq(named.stamp)}`, ms(named.putMs),
        ms(logs[named.putter]!.detachMs), ms(exitedEpoch(named.putter)), `0 (${consumerLocal})`, ms(named.getMs),
        `0x${named.stamp.toString(16).padStart(8, '0')}`]],
    }])],
    charts: [],
    artifacts: [{ name: 'trace.json', content: JSON.stringify(trace), show: 'link' }],
    ...(m.withGo ? {
      go: noGoRun('No Go run: go tool trace records goroutine and P events, not which Put supplied a Get, so ' +
        'there is no number to compare; the seed leaves that inference to the reader.'),
    } : {}),
  };
}

/**
 * Runs the workload: `producers` short-lived producers put `puts` stamped blocks each, one
 * long-lived consumer gets them. consumerWaits: its first get waits until every producer has
 * detached, so that the order of its gets follows from the pool's rules alone (check 11).
 */
export async function traceRun(producers: number, puts: number, withGo: boolean, consumerWaits = false): Promise<TraceMeasured> {
  const creator = SharedPool.create({ blockSize: 64, blocks: 4 * producers * puts + 2048, maxLocals: producers + 1 });
  const buffer = creator.buffer;
  creator.detach();
  const status = new SharedArrayBuffer(4);
  const base = { buffer, status, producers, puts, consumerWaits };
  // The consumer is the slow side: it spends CONSUMER_MS in all on the items it takes, longer
  // than a worker thread takes to exit (tens of ms), so that part of its gets come after the
  // producers are gone.
  const tasks: TraceTask[] = [
    { role: 'consumer', agent: 0, startDelayMs: 0, workUs: (1000 * CONSUMER_MS) / (producers * puts), ...base },
    ...Array.from({ length: producers }, (_, i) => ({ role: 'producer' as const, agent: i + 1, startDelayMs: 2 * i, workUs: 30, ...base })),
  ];
  const run = await runWorkers<TraceLog>(workerScript('trace'), tasks);
  return { producers, puts, logs: run.results, gateEpochMs: run.gateEpochMs, exitedMs: run.exitedMs, withGo };
}

export const exercise: Exercise = {
  id: 11,
  slug: 'trace',
  title: 'Trace pool ownership across threads',
  goal: 'Trace a workload in which short-lived producers put items and a long-lived consumer gets them, and ' +
    'find in the trace the put that supplied each get.',
  criterion: 'Point, in the trace, at the put on the producer side that supplied the value a get on the ' +
    'consumer side read, including after the producer has exited.',
  analogue: 'Short-lived producer workers, each attached to its own local of a SharedPool, put stamped blocks ' +
    'and exit; a long-lived consumer worker gets them. Each put writes a stamp unique to that put (producer, ' +
    'sequence) into the block, and each get reads it back, so the link from put to get is read from the data ' +
    'itself. Go\'s runtime/trace has no JavaScript equivalent; the lab writes trace.json in Chrome\'s ' +
    'trace-event format (open it in https://ui.perfetto.dev or chrome://tracing), with a slice for every get ' +
    'and put, each producer\'s lifetime, and a flow arrow from every put to the get that received its block.',
  flags: [],
  async run(ctx): Promise<Result> {
    const producers = byMode(ctx.mode, { tiny: 2, quick: 4, full: 8 });
    const puts = byMode(ctx.mode, { tiny: 10, quick: 40, full: 200 });
    ctx.progress(0.2, `${producers} producers × ${puts} puts`);
    return present(await traceRun(producers, puts, ctx.withGo));
  },
};
