// Random-termination stress for SharedPool and MutexPool (issue 9): worker threads get and put
// blocks as fast as they can and are terminated at random moments, so most deaths land inside a
// get or a put (inside an Atomics call: worker.terminate() stops a thread there). After each
// worker's 'exit' event the main thread reclaims its local with what it holds itself: the
// reservation it made before starting the worker, or, in the rounds whose workers attach
// plainly (every other round by default), the worker's threadId (reclaimThread). Half of the
// workers are terminated early: in a reservation round while starting up, inside attach or
// before they post anything; in a plain round while they attach and detach in a loop, so that
// most of those deaths land inside a plain attach or detach (`insideAttach` counts the ones that
// died between entering attach() and its return). Rounds of `workers` threads each; at the end
// of a round, with every worker gone, every block is accounted for exactly.
//
//   npm run stress:faults                          10 000 terminations: 5 000 per pool (bench/fault-stress.ts)
//   node --import tsx bench/fault-stress.ts --terminations 400 --kind mutex --workers 3
//   test/shared-pool-fault-stress.test.ts          a short run in npm test
//
// An owner table in shared memory says who holds each block: a worker claims owner[id] with a
// CAS right after get() returned id (a CAS that finds another owner is a duplicate: two threads
// were handed one block), and clears it just before put(id), announcing the block in its
// transit word for the length of the put. So at the end of a round each block is pooled (census),
// never handed out, held by a dead worker (owner table), in a dead worker's interrupted put
// (transit), or lost inside a dead worker's interrupted get (then it is marked nowhere: at most
// one per death). The script checks exactly that, counts each kind, puts the blocks the dead held
// back (as an application that tracks its blocks would) and starts the next round.
//
// No operation may hang: each worker bumps its progress word after every operation, and a
// watchdog fails the run if a live worker makes no progress for WATCHDOG_MS. A get or put that
// waits longer than waitLimitMs for a dead thread throws PoolError, which the worker counts.
import { Worker } from 'node:worker_threads';
import type { BlockId, MutexPool, SharedPool } from '../../src/index.js';

const WATCHDOG_MS = 10_000;
const MAX_HELD = 6;

// Shared control words: counts that the workers add to.
const DUPLICATES = 0;
const GAVE_UP = 1;
const OPS = 2;
const CONTROL_WORDS = 3;

const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.lib).then((lib) => {
  const Pool = workerData.kind === 'mutex' ? lib.MutexPool : lib.SharedPool;
  if (workerData.churn) {
    // Attach and detach plainly until terminated; attaching[slot] is 1 while inside attach().
    const attaching = new Int32Array(workerData.attaching);
    parentPort.postMessage('churning');
    for (;;) {
      Atomics.store(attaching, workerData.slot, 1);
      const local = Pool.attach(workerData.buffer);
      Atomics.store(attaching, workerData.slot, 0);
      local.detach();
    }
  }
  const pool = workerData.seat === undefined ? Pool.attach(workerData.buffer) : Pool.attach(workerData.buffer, workerData.seat);
  const owner = new Int32Array(workerData.owner);
  const control = new Int32Array(workerData.control);
  const transit = new Int32Array(workerData.transit);
  const progress = new Int32Array(workerData.progress);
  const me = workerData.token;
  const slot = workerData.slot;
  let seed = (me * 2654435761) >>> 0 || 1;
  const random = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 4294967296; };
  const held = [];
  parentPort.postMessage({ localId: pool.localId, generation: pool.generation });
  for (;;) {
    if (held.length === 0 || (held.length < ${MAX_HELD} && random() < 0.5)) {
      const id = pool.get();
      if (id >= 0) {
        if (Atomics.compareExchange(owner, id, 0, me) !== 0) Atomics.add(control, ${DUPLICATES}, 1);
        held.push(id);
      }
    } else {
      const index = Math.floor(random() * held.length);
      const id = held[index];
      Atomics.store(transit, slot, id + 1);
      if (Atomics.compareExchange(owner, id, me, 0) !== me) Atomics.add(control, ${DUPLICATES}, 1);
      try {
        pool.put(id);
        held[index] = held[held.length - 1];
        held.pop();
      } catch (error) {
        if (!(error instanceof lib.PoolError)) throw error;
        Atomics.add(control, ${GAVE_UP}, 1); // waited waitLimitMs for a dead thread: keep the block
        Atomics.store(owner, id, me);
      }
      Atomics.store(transit, slot, 0);
    }
    Atomics.add(progress, slot, 1);
    Atomics.add(control, ${OPS}, 1);
  }
});
`;

export interface FaultStressOptions {
  kind: 'shared' | 'mutex';
  terminations: number;
  /** Workers per round, all terminated. Default 4. */
  workers?: number;
  blocks?: number;
  waitLimitMs?: number;
  /** A worker is terminated after a random delay up to this, once attached. Default 4 ms. */
  maxKillDelayMs?: number;
  /**
   * How workers attach, and so how the parent recovers them: `reserved` (attach(buffer, seat),
   * reclaim(seat)), `plain` (attach(buffer), reclaimThread(worker.threadId)), or `both`, every
   * other round (the default).
   */
  attach?: 'reserved' | 'plain' | 'both';
  /** The URL of the built syncpool (packages/syncpool/dist/index.js): workers import it. */
  lib: string;
  onRound?: (figures: FaultStressFigures) => void;
}

export interface FaultStressFigures {
  kind: string;
  terminations: number;
  rounds: number;
  /** gets and puts done by all workers. */
  operations: number;
  /** Blocks handed to two threads at once (must be 0). */
  duplicates: number;
  /** puts and gets that waited waitLimitMs for a thread that had died and gave up with PoolError. */
  gaveUp: number;
  /** Blocks lost because a dead worker held them (marked in the owner table). */
  lostHeld: number;
  /** Blocks lost in a put that its worker did not finish. */
  lostInPut: number;
  /** Blocks lost in a get that its worker did not finish: marked nowhere, at most one per death. */
  lostInGet: number;
  maxLostPerRound: number;
  /** Puts cut short whose block the pool nevertheless holds (completed, or rescued by reclaim). */
  inPutButPooled: number;
  /** Workers terminated at a random moment of starting, attaching or before posting (the odd slots of reservation rounds). */
  startupKills: number;
  /** Workers terminated while attaching and detaching plainly in a loop (the odd slots of plain rounds). */
  churnKills: number;
  /** Of those, the ones that died inside attach(): between entering it and its return. */
  insideAttach: number;
  /** Workers that attached plainly, recovered by reclaimThread(threadId). */
  plainAttaches: number;
  /** Reclaims that found the local still reserved or attached, or named by a worker that died claiming it. */
  reclaimed: number;
  /** Plainly attaching workers whose reclaimThread found nothing: killed before they named a local, or between a detach and the next attach. */
  unclaimed: number;
  /** Locals neither free nor the main thread's at the end (must be 0): attach() is tried once per worker slot. */
  localsLeaked: number;
  /** The most blocks found in stranded slots of a live ring at the end of a round (not lost: its producer takes them back). */
  stranded: number;
  seconds: number;
}

type AnyPool = SharedPool | MutexPool;

/**
 * Runs `terminations` random terminations on a pool of `kind`; resolves with the figures, or
 * rejects on a duplicate, an unaccounted block or a hang.
 */
export async function faultStress(options: FaultStressOptions): Promise<FaultStressFigures> {
  const { kind, terminations, workers = 4, blocks = 48, waitLimitMs = 200, maxKillDelayMs = 4, attach = 'both', lib, onRound } = options;
  const { SharedPool, MutexPool } = (await import(lib)) as typeof import('../../src/index.js');
  const Pool = kind === 'mutex' ? MutexPool : SharedPool;
  const main = Pool.create({ blockSize: 64, blocks, maxLocals: workers + 1, waitLimitMs });
  const owner = new Int32Array(new SharedArrayBuffer(4 * blocks));
  const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  const transit = new Int32Array(new SharedArrayBuffer(4 * workers));
  const attaching = new Int32Array(new SharedArrayBuffer(4 * workers));
  const progress = new Int32Array(new SharedArrayBuffer(4 * workers));
  const figures: FaultStressFigures = {
    kind, terminations: 0, rounds: 0, operations: 0, duplicates: 0, gaveUp: 0,
    lostHeld: 0, lostInPut: 0, lostInGet: 0, maxLostPerRound: 0, inPutButPooled: 0, startupKills: 0, churnKills: 0, insideAttach: 0, plainAttaches: 0, reclaimed: 0, unclaimed: 0, localsLeaked: 0,
    stranded: 0, seconds: 0,
  };
  const started = Date.now();
  let token = 0;
  while (figures.terminations < terminations) {
    const round = Math.min(workers, terminations - figures.terminations);
    const tokens: number[] = [];
    const exits: Promise<number>[] = [];
    const plain = attach === 'plain' || (attach === 'both' && figures.rounds % 2 === 1);
    for (let slot = 0; slot < round; slot++) {
      const me = ++token;
      tokens.push(me);
      const seat = plain ? undefined : main.reserve();
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { lib, kind, buffer: main.buffer, seat, owner: owner.buffer, control: control.buffer, transit: transit.buffer, progress: progress.buffer, token: me, slot,
          churn: plain && slot % 2 === 1, attaching: attaching.buffer },
      });
      const { threadId } = worker; // Node sets worker.threadId to -1 once the worker has exited
      if (plain) figures.plainAttaches++;
      exits.push(new Promise<number>((resolve, reject) => {
        worker.once('error', reject);
        // The parent recovers with what it holds, the reservation or the threadId, never with
        // what the worker posts: so in reservation rounds the odd slots are terminated from the
        // start, at a random moment of starting up, attaching (inside attach) or before they post
        // anything; in plain rounds they are terminated while they attach and detach in a loop;
        // the even ones once attached.
        worker.once('exit', () => {
          // Right away, while the others run.
          const result = seat === undefined ? main.reclaimThread(threadId) : main.reclaim(seat.localId, seat.generation);
          if (result.reclaimed) figures.reclaimed++;
          else if (seat === undefined) figures.unclaimed++;
          if (Atomics.exchange(attaching, slot, 0) === 1) figures.insideAttach++;
          resolve(slot);
        });
        const kill = () => setTimeout(() => void worker.terminate(), Math.random() * maxKillDelayMs);
        if (slot % 2 === 1 && !plain) {
          figures.startupKills++;
          kill();
        } else {
          if (slot % 2 === 1) figures.churnKills++;
          worker.once('message', kill);
        }
      }));
    }
    const watchdog = watch(progress, round);
    try {
      await Promise.race([Promise.all(exits), watchdog.failed]);
    } finally {
      watchdog.stop();
    }
    figures.terminations += round;
    figures.rounds++;
    const lost = account(main, owner, transit, tokens, round, blocks, figures);
    figures.maxLostPerRound = Math.max(figures.maxLostPerRound, lost);
    onRound?.(figures);
  }
  figures.operations = Atomics.load(control, OPS);
  figures.duplicates = Atomics.load(control, DUPLICATES);
  figures.gaveUp = Atomics.load(control, GAVE_UP);
  figures.seconds = (Date.now() - started) / 1000;
  const attached: AnyPool[] = [];
  for (let i = 0; i < workers; i++) {
    try {
      attached.push(Pool.attach(main.buffer));
    } catch {
      figures.localsLeaked++;
    }
  }
  for (const a of attached) a.detach();
  if (figures.localsLeaked > 0) throw new Error(`${kind}: ${figures.localsLeaked} locals leaked: ${JSON.stringify(figures)}`);
  if (figures.duplicates > 0) throw new Error(`${kind}: ${figures.duplicates} duplicate hand-outs: ${JSON.stringify(figures)}`);
  return figures;
}

/** Fails if a live worker makes no progress for WATCHDOG_MS (an operation that hangs). */
function watch(progress: Int32Array, round: number): { failed: Promise<never>; stop(): void } {
  let timer: ReturnType<typeof setInterval> | undefined;
  const failed = new Promise<never>((_, reject) => {
    const seen = Array.from({ length: round }, (_, s) => ({ value: Atomics.load(progress, s), at: Date.now() }));
    timer = setInterval(() => {
      for (let s = 0; s < round; s++) {
        const value = Atomics.load(progress, s);
        if (value !== seen[s]!.value) seen[s] = { value, at: Date.now() };
        else if (Date.now() - seen[s]!.at > WATCHDOG_MS) reject(new Error(`hang: worker ${s} made no progress for ${WATCHDOG_MS} ms`));
      }
    }, 100);
  });
  return { failed, stop: () => clearInterval(timer) };
}

/**
 * With every worker of the round dead and reclaimed: each block is pooled once, never handed
 * out, held by a dead worker, in a dead worker's put, or lost in a dead worker's get (at most one
 * per death). Puts the blocks that are not pooled back and clears the tables. Returns the losses.
 */
function account(main: AnyPool, owner: Int32Array, transit: Int32Array, tokens: number[], round: number, blocks: number,
  figures: FaultStressFigures): number {
  const census = main.census();
  const pooled = new Set(census.pooled);
  if (pooled.size !== census.pooled.length) throw new Error(`${figures.kind}: a block is pooled twice: ${census.pooled}`);
  // A stealer that died on a live thread's ring (here: the main thread's) leaves its block in a
  // stranded slot, which that ring's producer puts back when its pushes reach the slot: not lost.
  if (census.stranded.length > round) throw new Error(`${figures.kind}: ${census.stranded.length} stranded slots after ${round} deaths`);
  const stranded = new Set(census.stranded);
  figures.stranded = Math.max(figures.stranded, stranded.size);
  const handedOut = blocks - census.neverHandedOut;
  const inPut = new Set<number>();
  for (let s = 0; s < round; s++) if (transit[s] !== 0) inPut.add(transit[s]! - 1);
  let held = 0;
  let put = 0;
  let unmarked = 0;
  const back: number[] = [];
  for (let id = 0; id < handedOut; id++) {
    const holder = owner[id]!;
    if (stranded.has(id)) {
      if (holder !== 0 || pooled.has(id)) throw new Error(`${figures.kind}: block ${id} is stranded and also pooled or held`);
      continue;
    }
    if (pooled.has(id)) {
      if (holder !== 0) throw new Error(`${figures.kind}: block ${id} is pooled but marked held by worker ${holder}: two threads had it`);
      if (inPut.has(id)) figures.inPutButPooled++;
      continue;
    }
    if (holder !== 0) {
      if (!tokens.includes(holder)) throw new Error(`${figures.kind}: block ${id} is held by worker ${holder}, not of this round`);
      held++;
    } else if (inPut.has(id)) {
      put++;
    } else {
      unmarked++;
    }
    back.push(id);
  }
  if (unmarked > round) throw new Error(`${figures.kind}: ${unmarked} blocks are lost without a trace, more than the ${round} deaths can explain`);
  figures.lostHeld += held;
  figures.lostInPut += put;
  figures.lostInGet += unmarked;
  owner.fill(0);
  transit.fill(0);
  for (const id of back) main.put(id as BlockId);
  return back.length;
}

