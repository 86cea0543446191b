/**
 * Main-thread side of the exercises that run worker threads (the "Ps" of SharedPool): start one
 * worker per task, wait until every one is parked at the start gate, open the gate for all at
 * once (so that thread start-up, which takes tens of milliseconds, never overlaps the measured
 * work), and collect each worker's result.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerMessage } from '../workers/serve.js';

/** A worker script next to the exercises: .js when running from dist, .ts under tsx. */
export function workerScript(name: string): URL {
  const ext = extname(fileURLToPath(import.meta.url));
  return new URL(`../workers/${name}${ext}`, import.meta.url);
}

export interface WorkerRun<R> {
  results: R[];
  /** Per worker: when it finished its task and when its thread exited, in ms since the gate opened. */
  finishedMs: number[];
  exitedMs: number[];
  /** performance.timeOrigin + performance.now() when the gate opened. */
  gateEpochMs: number;
}

export async function runWorkers<R>(script: URL, tasks: readonly unknown[]): Promise<WorkerRun<R>> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const workers = tasks.map((task) => new Worker(script, { workerData: { task, gate: gate.buffer } }));
  const results: R[] = [];
  const finishedMs: number[] = [];
  const exitedMs: number[] = [];
  let gateAt = 0;
  const since = () => performance.now() - gateAt;
  let failure: Error | undefined;
  const ready: Promise<void>[] = [];
  const exited: Promise<void>[] = [];
  for (const [i, worker] of workers.entries()) {
    ready.push(new Promise((resolve, reject) => {
      worker.on('message', (message: WorkerMessage<R>) => {
        if (message.type === 'ready') {
          resolve();
        } else {
          results[i] = message.result;
          finishedMs[i] = since();
        }
      });
      // A worker that dies before it is ready would leave the others parked at the gate forever.
      worker.once('exit', () => reject(failure ?? new Error(`worker ${i} exited before it was ready`)));
    }));
    exited.push(new Promise((resolve) => {
      worker.once('error', (error) => { failure ??= error; });
      worker.once('exit', (code) => {
        exitedMs[i] = since();
        if (code !== 0 && results[i] === undefined) failure ??= new Error(`worker ${i} exited with code ${code}`);
        resolve();
      });
    }));
  }
  try {
    await Promise.all(ready);
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
  gateAt = performance.now();
  const gateEpochMs = performance.timeOrigin + gateAt;
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  await Promise.all(exited);
  if (failure !== undefined) throw failure;
  return { results, finishedMs, exitedMs, gateEpochMs };
}
