/**
 * Worker-thread side of lib/workers.ts: prepare (attach, allocate: anything that must not be
 * timed), report ready, park at the start gate, run the task, post its result, and let the
 * thread end.
 */
import { parentPort, workerData } from 'node:worker_threads';

export type WorkerMessage<R> = { type: 'ready' } | { type: 'result'; result: R };

export async function serve<T, S, R>(prepare: (input: T) => S, run: (state: S, input: T) => R | Promise<R>): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('this module runs only as a worker thread started by the lab');
  const { task: input, gate } = workerData as { task: T; gate: SharedArrayBuffer };
  const state = prepare(input);
  port.postMessage({ type: 'ready' } satisfies WorkerMessage<R>);
  Atomics.wait(new Int32Array(gate), 0, 0);
  const result = await run(state, input);
  port.postMessage({ type: 'result', result } satisfies WorkerMessage<R>);
}
