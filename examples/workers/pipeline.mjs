// A pipeline of worker threads on one SharedPool that loses nothing when its workers crash.
//
//   parent: get a block, write a job into it -> hash worker: seal it -> verify worker: check it,
//   report, put the block back through its own local -> the parent gets it again (a steal).
//
// Three workers crash on the way (process.exit, an uncaught throw, and a hang that the parent
// ends with terminate()); each is recovered with only what the parent holds: the local it
// reserved for the worker before starting it (reclaim gives back the worker's private block and
// anything stranded in its ring) and its own ledger of the blocks it gave that worker and got no
// report for (the blocks the worker held in its hands, which no other thread can see). Then a
// new worker takes its place and the lost jobs run again. At the end every worker detaches and
// exits, and the census balances: every block is pooled or was never handed out.
//
// Run: npm run build && node examples/workers/pipeline.mjs [--json]
// One window stays: a verify worker that dies between its report and its put leaks that block
// (census() counts it in `outstanding`); the other order could put a block back twice. The
// scripted crashes here fall outside it.
import { Worker } from 'node:worker_threads';
import { SharedPool } from 'syncpool';
import { writeJob } from './job.mjs';

const JOBS = 200;
const IN_FLIGHT = 8;
const WORKERS_PER_STAGE = 2;
/** @typedef {'hash' | 'verify'} Stage */
/** @type {ReadonlyMap<number, { stage: Stage, crash: 'exit' | 'throw' | 'hang' }>} the first time job N reaches that stage */
const CRASHES = new Map([
  [20, { stage: 'hash', crash: 'exit' }],
  [60, { stage: 'verify', crash: 'throw' }],
  [100, { stage: 'hash', crash: 'hang' }],
]);

/**
 * @typedef {{ stage: Stage, worker: Worker, localId: number, held: Map<import('syncpool').BlockId, number>, crash?: string }} Member
 * @typedef {{ stage: Stage, how: string, code: number, localId: number, reclaimed: boolean, recovered: number, lost: number, fromLedger: number }} Death
 */

/** @type {Record<Stage, Member[]>} */
const stages = { hash: [], verify: [] };
/** @type {number[]} */
const pending = Array.from({ length: JOBS }, (_, job) => job);
/** @type {Map<number, boolean>} job -> whether its block arrived intact at the verify stage */
const verified = new Map();
/** @type {Death[]} */
const deaths = [];
/** @type {{ code: number, reclaimed: boolean }[]} */
const shutdowns = [];
const crashesUsed = new Set();
let inFlight = 0;
let redone = 0;
let reportedTwice = 0;
let shuttingDown = false;
let turn = 0;

// #region parent
const pool = SharedPool.create({ blockSize: 256, blocks: 16, maxLocals: 6 }); // this thread is attached

/** @param {Stage} stage */
function start(stage) {
  const seat = pool.reserve();             // the worker's local, taken before the worker starts
  const worker = new Worker(new URL('./stage.mjs', import.meta.url), { workerData: { buffer: pool.buffer, seat, stage } });
  /** @type {Member} */
  const member = { stage, worker, localId: seat.localId, held: new Map() }; // held: block id -> job, given and not reported
  worker.on('message', (message) => onReport(member, message));
  worker.on('error', () => {});            // an uncaught throw in the worker: its 'exit' follows
  worker.on('exit', (code) => {
    const { reclaimed, recovered, lost } = pool.reclaim(seat.localId, seat.generation); // a no-op after detach()
    for (const [id, job] of member.held) { // the blocks in the dead worker's hands
      pool.put(id);
      pending.unshift(job);
      inFlight--;
    }
    onExit(member, code, { reclaimed, recovered, lost, fromLedger: member.held.size });
  });
  stages[stage].push(member);
}
// #endregion parent

/**
 * @param {Member} member
 * @param {{ type: 'hashed' | 'verified' | 'hung', id: import('syncpool').BlockId, job: number, ok?: boolean }} message
 */
function onReport(member, message) {
  if (message.type === 'hung') {
    void member.worker.terminate();        // a watchdog's last resort: stops the thread wherever it is
    return;
  }
  member.held.delete(message.id);
  if (message.type === 'hashed') {
    dispatch('verify', message.id, message.job);
    return;
  }
  if (verified.has(message.job)) reportedTwice++;
  verified.set(message.job, message.ok === true);
  inFlight--;
  if (verified.size === JOBS) shutDown();
  else pump();
}

/**
 * @param {Member} member
 * @param {number} code
 * @param {{ reclaimed: boolean, recovered: number, lost: number, fromLedger: number }} recovery
 */
function onExit(member, code, recovery) {
  const members = stages[member.stage];
  members.splice(members.indexOf(member), 1);
  if (shuttingDown && member.crash === undefined) {
    shutdowns.push({ code, reclaimed: recovery.reclaimed });
    if (stages.hash.length + stages.verify.length === 0) finish();
    return;
  }
  const how = member.crash === 'hang' ? 'terminate()' : member.crash === 'throw' ? 'uncaught throw' : member.crash === 'exit' ? 'process.exit(1)' : `exit code ${code}`;
  deaths.push({ stage: member.stage, how, code, localId: member.localId, ...recovery });
  redone += recovery.fromLedger;
  console.log(`${member.stage} worker on local ${member.localId} died (${how}): reclaim recovered ${recovery.recovered} ` +
    `block(s) from its local, lost ${recovery.lost}; ${recovery.fromLedger} block(s) it had been given went back to the pool ` +
    'and their jobs to the queue; a new worker takes its place');
  start(member.stage);
  pump();
}

/**
 * Gives the block of `job` to the next worker of `stage`, with the crash scripted for it, if any.
 * @param {Stage} stage
 * @param {import('syncpool').BlockId} id
 * @param {number} job
 */
function dispatch(stage, id, job) {
  const members = stages[stage];
  const member = /** @type {Member} */ (members[turn++ % members.length]); // a dead worker is replaced in its 'exit' handler
  const scripted = CRASHES.get(job);
  let crash;
  if (scripted !== undefined && scripted.stage === stage && !crashesUsed.has(job)) {
    crashesUsed.add(job);
    crash = scripted.crash;
    member.crash = crash;
  }
  member.held.set(id, job);
  member.worker.postMessage({ type: 'job', id, job, crash });
}

/** Starts jobs until IN_FLIGHT are on their way. */
function pump() {
  while (!shuttingDown && inFlight < IN_FLIGHT && pending.length > 0) {
    const id = pool.get();
    if (id < 0) throw new Error(`every block is out with ${inFlight} jobs in flight: blocks leaked (census: ${JSON.stringify(pool.census())})`);
    const job = /** @type {number} */ (pending.shift());
    writeJob(pool.bytes(id), job);
    inFlight++;
    dispatch('hash', id, job);
  }
}

function shutDown() {
  shuttingDown = true;
  for (const member of [...stages.hash, ...stages.verify]) member.worker.postMessage({ type: 'stop' });
}

function finish() {
  const census = pool.census();
  const stats = pool.stats();
  pool.detach();
  const intact = [...verified.values()].filter(Boolean).length;
  const accounting = {
    jobs: JOBS, verified: verified.size, intact, reportedTwice, redone, deaths, shutdowns,
    census: { blocks: pool.blocks, pooled: census.pooled.length, neverHandedOut: census.neverHandedOut, outstanding: census.outstanding, unreleased: census.unreleased },
    stats,
  };
  console.log(`shutdown: ${shutdowns.length} workers detached and exited with code ${[...new Set(shutdowns.map((s) => s.code))].join(', ')}; ` +
    `reclaim on their exits reclaimed ${shutdowns.filter((s) => s.reclaimed).length} (a no-op after detach)`);
  console.log(`jobs: ${intact} of ${JOBS} verified intact, ${reportedTwice} reported twice, ${redone} redone after a death`);
  console.log(`census: ${pool.blocks} blocks = ${census.pooled.length} pooled + ${census.neverHandedOut} never handed out + ` +
    `${census.outstanding} outstanding${census.outstanding === 0 ? ': balanced' : ': NOT balanced, blocks leaked'}`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(accounting));
  if (census.outstanding !== 0 || intact !== JOBS || reportedTwice !== 0) process.exitCode = 1;
}

for (let i = 0; i < WORKERS_PER_STAGE; i++) {
  start('hash');
  start('verify');
}
pump();
