import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchHandoffs } from '../src/exercises/11-trace.js';
import { chromeTrace } from '../src/lib/chrome-trace.js';
import { stamp, stampAgent, stampSeq, type TraceLog } from '../src/workers/trace-log.js';

const log = (agent: number, events: TraceLog['events']): TraceLog => ({ agent, localId: agent, events, detachMs: 100 });

test('stamps pack producer and sequence and are never 0', () => {
  const s = stamp(4095, 0xfffff);
  assert.equal(stampAgent(s), 4095);
  assert.equal(stampSeq(s), 0xfffff);
  assert.notEqual(stamp(1, 1), 0);
  assert.ok(s > 0);
});

test('matchHandoffs links each get to the put whose stamp it read, and flags impossible links', () => {
  const producer = log(1, [
    { op: 'put', block: 5, stamp: stamp(1, 1), startMs: 10, endMs: 10.1 },
    { op: 'put', block: 6, stamp: stamp(1, 2), startMs: 11, endMs: 11.1 },
  ]);
  const consumer = log(0, [
    { op: 'get', block: 9, stamp: 0, startMs: 5, endMs: 5.1 }, // fresh block: no handoff
    { op: 'get', block: 5, stamp: stamp(1, 1), startMs: 20, endMs: 20.1 },
    { op: 'get', block: 7, stamp: stamp(1, 2), startMs: 21, endMs: 21.1 }, // wrong block for that stamp
    { op: 'get', block: 8, stamp: stamp(2, 1), startMs: 22, endMs: 22.1 }, // no such put
  ]);
  const { handoffs, broken } = matchHandoffs([consumer, producer]);
  assert.deepEqual(handoffs, [{ stamp: stamp(1, 1), block: 5, putter: 1, getter: 0, putMs: 10, getMs: 20 }]);
  assert.equal(broken, 2);
  // A get that starts before the put that wrote its stamp is impossible too.
  const early = log(0, [{ op: 'get', block: 5, stamp: stamp(1, 1), startMs: 1, endMs: 1.1 }]);
  assert.equal(matchHandoffs([early, producer]).broken, 1);
});

test('chromeTrace writes named threads, slices and paired flow events', () => {
  const trace = chromeTrace('p', new Map([[1, 'consumer'], [2, 'producer 1']]),
    [{ tid: 2, name: 'put', startUs: 10, durUs: 0, args: { block: 5 } }, { tid: 1, name: 'get', startUs: 20, durUs: 1 }],
    [{ tid: 2, name: 'thread exit', startUs: 15, durUs: 0 }],
    [{ id: 7, from: { tid: 2, atUs: 10 }, to: { tid: 1, atUs: 20 } }]) as { traceEvents: Record<string, unknown>[] };
  const events = trace.traceEvents;
  assert.ok(events.some((e) => e['ph'] === 'M' && e['name'] === 'thread_name' && (e['args'] as { name: string }).name === 'producer 1'));
  const put = events.find((e) => e['ph'] === 'X' && e['name'] === 'put')!;
  assert.ok((put['dur'] as number) > 0, 'a zero-length slice is widened so that a flow can bind to it');
  const start = events.find((e) => e['ph'] === 's')!;
  const end = events.find((e) => e['ph'] === 'f')!;
  assert.equal(start['id'], end['id']);
  assert.equal(end['bp'], 'e');
  assert.deepEqual([start['tid'], start['ts'], end['tid'], end['ts']], [2, 10, 1, 20]);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(trace)));
});
