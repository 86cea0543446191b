// Entry point of every test worker. Node 20 does not carry tsx's --import hooks into worker
// threads (privatenumber/tsx#354), so this plain module registers tsx in the worker itself and
// then loads the TypeScript worker named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
