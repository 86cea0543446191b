// Starting TypeScript workers from tests, and waiting for them.
import { Worker } from 'node:worker_threads';

const boot = new URL('./boot.mjs', import.meta.url);

/** Runs test/workers/<name>.ts in a new worker; it reads `data` as workerData.data. */
export function startWorker(name: string, data: unknown): Worker {
  return new Worker(boot, { workerData: { entry: new URL(`./${name}.ts`, import.meta.url).href, data } });
}

/** The first message the worker posts; rejects if it fails first. */
export function firstMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Resolves with the exit code once the worker has exited; rejects if it threw. */
export function exited(worker: Worker): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
}
