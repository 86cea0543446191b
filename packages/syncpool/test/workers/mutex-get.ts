// Attaches to a MutexPool, gets one block (waiting for the lock if it is held) and posts its id.
import { parentPort, workerData } from 'node:worker_threads';
import { MutexPool } from '../../src/mutex-pool.js';

const pool = MutexPool.attach(workerData.data as SharedArrayBuffer);
parentPort!.postMessage(pool.get());
