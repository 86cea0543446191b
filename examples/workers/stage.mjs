// One worker of the pipeline (see pipeline.mjs): the 'hash' stage seals each job's block and
// hands it on; the 'verify' stage checks it, reports, and puts the block back into the pool
// through its own local. A job may carry a crash for the stage to stage: process.exit, an
// uncaught throw, or a hang that the parent ends with terminate().
import { parentPort, workerData } from 'node:worker_threads';
import { SharedPool } from 'syncpool';
import { isSealedJob, sealJob } from './job.mjs';

if (parentPort === null) throw new Error('stage.mjs runs as a worker of pipeline.mjs');
const port = parentPort;
/** @type {{ buffer: SharedArrayBuffer, seat: import('syncpool').Reservation, stage: 'hash' | 'verify' }} */
const { buffer, seat, stage } = workerData;
/** @typedef {{ type: 'job', id: import('syncpool').BlockId, job: number, crash?: string } | { type: 'stop' }} StageMessage */

// #region worker
const local = SharedPool.attach(buffer, seat); // one CAS: the parent's reservation becomes this thread's local

port.on('message', (/** @type {StageMessage} */ message) => {
  if (message.type === 'stop') {
    local.detach();                        // graceful: its private block moves to its ring, still stealable
    port.close();                          // nothing keeps the worker alive: it exits with code 0
    return;
  }
  const { id, job, crash } = message;
  const bytes = local.bytes(id);           // a view of the block, made once per attachment
  if (stage === 'hash') {
    sealJob(bytes);
    stageCrash(crash);
    port.postMessage({ type: 'hashed', id, job });
  } else {
    const ok = isSealedJob(bytes, job);
    stageCrash(crash);
    port.postMessage({ type: 'verified', id, job, ok }); // report first: the parent stops counting the block as ours
    local.put(id);                                       // then give it back (private slot, else own ring)
  }
});
// #endregion worker

/**
 * The crashes the parent asks for, each while this worker holds the job's block.
 * @param {string | undefined} crash
 */
function stageCrash(crash) {
  if (crash === 'exit') process.exit(1);
  if (crash === 'throw') throw new Error(`${stage} stage: a scripted uncaught error`);
  if (crash === 'hang') {
    port.postMessage({ type: 'hung' });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // never woken: only terminate() ends it
  }
}
