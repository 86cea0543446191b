/**
 * What exercise 11's threads log and how they stamp blocks; shared by the worker
 * (workers/trace.ts) and the exercise that reads the logs.
 */
export interface TraceTask {
  role: 'producer' | 'consumer';
  /** 1-based producer number; 0 for the consumer. */
  agent: number;
  buffer: SharedArrayBuffer;
  /** Word 0: producers finished. */
  status: SharedArrayBuffer;
  producers: number;
  puts: number;
  startDelayMs: number;
  /** Busy time between operations, so that the timeline shows distinct events. */
  workUs: number;
  /** The consumer's first get waits until every producer has detached (check 11: an order one can predict). */
  consumerWaits?: boolean;
}

export interface TraceEvent {
  op: 'get' | 'put';
  block: number;
  /** For a put, the stamp written; for a get, the stamp read (0: a fresh block, never put). */
  stamp: number;
  startMs: number;
  endMs: number;
}

export interface TraceLog {
  agent: number;
  localId: number;
  events: TraceEvent[];
  detachMs: number;
}

/** (agent, sequence) packed in 32 bits: 12 bits of agent, 20 of sequence; never 0. */
export const stamp = (agent: number, seq: number) => ((agent << 20) | seq) >>> 0;
export const stampAgent = (s: number) => s >>> 20;
export const stampSeq = (s: number) => s & 0xfffff;

