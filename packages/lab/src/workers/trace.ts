/**
 * Exercise 11's threads. Every get and put is logged with the block id and the stamp the block
 * carries, timed on the clock all threads share (performance.timeOrigin + performance.now()).
 *
 * A producer (short-lived) takes `puts` fresh blocks before the start gate (the items it makes;
 * getting them during the run would only recycle its own private slot), then writes a stamp
 * unique to each put into the block's first 4 bytes, puts it, and exits. The consumer (long-lived) gets blocks until
 * every producer is done and a get finds nothing stamped; it keeps what it gets, so that nothing
 * it took can come back to it. The stamp read by a get names the put that supplied the block:
 * the link is read from the data, not inferred from timing.
 */
import { SharedPool, type BlockId } from 'syncpool';
import { serve } from './serve.js';
import { stamp, type TraceEvent, type TraceLog, type TraceTask } from './trace-log.js';

const now = () => performance.timeOrigin + performance.now();

function busy(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}

function readStamp(bytes: Uint8Array): number {
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
}

function writeStamp(bytes: Uint8Array, value: number): void {
  bytes[0] = value & 0xff;
  bytes[1] = (value >>> 8) & 0xff;
  bytes[2] = (value >>> 16) & 0xff;
  bytes[3] = value >>> 24;
}

function get(pool: SharedPool, events: TraceEvent[]): number {
  const startMs = now();
  const block = pool.get();
  const endMs = now();
  if (block >= 0) events.push({ op: 'get', block, stamp: readStamp(pool.bytes(block)), startMs, endMs });
  return block;
}

function produce(pool: SharedPool, blocks: readonly number[], task: TraceTask, events: TraceEvent[]): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, task.startDelayMs);
  for (const [i, block] of blocks.entries()) {
    const seq = i + 1;
    busy(task.workUs);
    const value = stamp(task.agent, seq);
    writeStamp(pool.bytes(block as BlockId), value);
    const startMs = now();
    pool.put(block as BlockId);
    events.push({ op: 'put', block, stamp: value, startMs, endMs: now() });
  }
}

function consume(pool: SharedPool, task: TraceTask, events: TraceEvent[]): void {
  const status = new Int32Array(task.status);
  // Bounded, so that a producer that died cannot leave the consumer parked here forever.
  if (task.consumerWaits === true) {
    for (let done = Atomics.load(status, 0); done < task.producers; done = Atomics.load(status, 0)) {
      if (Atomics.wait(status, 0, done, 10_000) === 'timed-out') break;
    }
  }
  for (;;) {
    const finished = Atomics.load(status, 0) === task.producers;
    const block = get(pool, events);
    const stamped = block >= 0 && events.at(-1)!.stamp !== 0;
    if (!stamped && finished) return;
    if (stamped) busy(task.workUs);
    else Atomics.wait(status, 0, Atomics.load(status, 0), 0.2);
  }
}

void serve(
  (task: TraceTask) => {
    const pool = SharedPool.attach(task.buffer);
    const blocks: number[] = [];
    if (task.role === 'producer') {
      for (let i = 0; i < task.puts; i++) blocks.push(pool.get());
      if (blocks.some((b) => b < 0)) throw new Error('exercise 11: the arena ran out; it is sized for every put');
    }
    return { pool, blocks };
  },
  ({ pool, blocks }, task): TraceLog => {
    const events: TraceEvent[] = [];
    if (task.role === 'producer') produce(pool, blocks, task, events);
    else consume(pool, task, events);
    const localId = pool.localId;
    // detach moves the private block to the ring: what this producer put stays stealable.
    pool.detach();
    const detachMs = now();
    if (task.role === 'producer') {
      const status = new Int32Array(task.status);
      Atomics.add(status, 0, 1);
      Atomics.notify(status, 0);
    }
    return { agent: task.agent, localId, events, detachMs };
  },
);
