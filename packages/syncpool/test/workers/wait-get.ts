// Attaches to a SharedPool or MutexPool with the reservation it is given, waits for a block with
// getWait (or getAsync), posts the id it got, puts the block back and detaches. A parent that
// terminates it while it waits tests that a waiter killed in Atomics.wait breaks nothing.
import { parentPort, workerData } from 'node:worker_threads';
import { MutexPool } from '../../src/mutex-pool.js';
import { SharedPool } from '../../src/shared-pool.js';
import type { Reservation } from '../../src/shared-local.js';

const { kind, buffer, seat, timeoutMs, async } = workerData.data as {
  kind: 'SharedPool' | 'MutexPool'; buffer: SharedArrayBuffer; seat: Reservation; timeoutMs: number; async: boolean;
};
const local = (kind === 'SharedPool' ? SharedPool : MutexPool).attach(buffer, seat);
const id = async ? await local.getAsync(timeoutMs) : local.getWait(timeoutMs);
parentPort!.postMessage(id);
if (id >= 0) local.put(id);
local.detach();
