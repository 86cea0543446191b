// SharedPool and MutexPool under real worker threads: stamped blocks, exact end accounting, and a
// worker terminated while it holds blocks.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { MutexPool, SharedPool, type BlockId, type SharedPoolCensus } from '../src/index.js';
import { exited, firstMessage, startWorker } from './workers/spawn.js';
import type { StressData, StressResult } from './workers/pool-stress.js';

type Kind = StressData['kind'];
const classes = { shared: SharedPool, mutex: MutexPool };

/** Every block exactly once: pooled (no duplicates, all handed out once) or never handed out. */
function assertAccounted(census: SharedPoolCensus, blocks: number, outstanding: number): void {
  assert.equal(new Set(census.pooled).size, census.pooled.length, `a block is pooled twice: ${census.pooled.join(',')}`);
  assert.ok(census.pooled.every((id) => id >= 0 && id < blocks - census.neverHandedOut), 'a pooled id was never handed out');
  assert.equal(census.outstanding, outstanding, 'blocks outside the pool');
  assert.equal(census.unreleased, 0, 'a ring slot (or the lock) is still claimed');
}

async function stress(t: TestContext, kind: Kind, workers: number, gets: number): Promise<void> {
  const blocks = 24; // fewer than the 4 x 8 the workers may hold: gets also find the arena used up
  const pool = classes[kind].create({ blockSize: 64, blocks, maxLocals: workers + 1 });
  const threads = Array.from({ length: workers }, (_, worker) => startWorker('pool-stress', {
    buffer: pool.buffer, kind, worker, gets, maxHeld: 8, signalAfter: -1,
  } satisfies StressData));
  const exits = threads.map(exited);
  const results = await Promise.all(threads.map((w) => firstMessage<StressResult>(w)));
  assert.deepEqual(await Promise.all(exits), threads.map(() => 0));
  const s = pool.stats();
  assert.equal(s.gets - s.exhausted, workers * gets, 'successful gets');
  assert.equal(s.puts, workers * gets, 'every get was put back');
  assert.equal(s.exhausted, results.reduce((sum, r) => sum + r.exhausted, 0));
  // The workers exited without detaching: their private slots still hold blocks, and count.
  assertAccounted(pool.census(), blocks, 0);
  t.diagnostic(`${kind}: ${JSON.stringify(s)}`);
}

// Issue 5 asks for at least 4 workers x 1e6 get/put. SharedPool runs that in a few seconds on
// 2 cores. MutexPool does 1e5 each: every operation takes the lock, and on 2 cores a lock holder
// preempted by the OS stalls the other three workers, so 1e6 would take most of a minute.
test('SharedPool stress: 4 workers x 1e6 get+put, random holding times, stamped blocks, exact accounting', { timeout: 120_000 }, (t) =>
  stress(t, 'shared', 4, 1e6));

test('MutexPool stress: 4 workers x 1e5 get+put, same checks', { timeout: 120_000 }, (t) => stress(t, 'mutex', 4, 1e5));

async function fault(t: TestContext, kind: Kind, gets: number): Promise<void> {
  const blocks = 64;
  const maxHeld = 8;
  const pool = classes[kind].create({ blockSize: 64, blocks, maxLocals: 4 });
  const start = (worker: number, n: number, signalAfter: number) => startWorker('pool-stress', {
    buffer: pool.buffer, kind, worker, gets: n, maxHeld, signalAfter,
  } satisfies StressData);
  const doomed = start(0, Number.POSITIVE_INFINITY, 1000);
  const doomedExit = exited(doomed);
  const survivors = [1, 2].map((worker) => start(worker, gets, -1));
  const survivorResults = survivors.map((w) => firstMessage<StressResult>(w));
  const survivorExits = survivors.map(exited);
  const dead = await firstMessage<{ localId: number; generation: number }>(doomed);
  // The doomed worker is mid-loop (it never stops by itself), holding up to 8 blocks.
  await doomed.terminate();
  await doomedExit;
  // At once, while the survivors run: a MutexPool worker may have died holding the lock.
  pool.reclaim(dead.localId, dead.generation);
  const results = await Promise.all(survivorResults);
  assert.deepEqual(await Promise.all(survivorExits), [0, 0]);
  // The survivors exited without detaching: reclaiming them makes their private blocks visible
  // and puts back a block that the dead worker may have left stranded in their rings.
  for (const r of results) pool.reclaim(r.localId, r.generation);
  const census = pool.census();
  // Blocks outside the pool now are exactly those lost with the dead worker: stamped by it
  // (worker 0 -> stamp 1), or unstamped if it died between its get and its stamp.
  const words = new Int32Array(pool.buffer);
  const pooled = new Set(census.pooled);
  const lost: number[] = [];
  for (let id = 0; id < blocks - census.neverHandedOut; id++) if (!pooled.has(id)) lost.push(id);
  const stamps = lost.map((id) => words[pool.bytes(id as BlockId).byteOffset >>> 2]);
  assert.ok(stamps.every((s) => s === 1 || s === 0), `a lost block is stamped by a live worker: ${stamps.join(',')}`);
  assert.ok(lost.length <= maxHeld + 1, `${lost.length} blocks lost, more than the dead worker could hold`);
  assertAccounted(census, blocks, lost.length);
  t.diagnostic(`${kind}: the terminated worker took ${lost.length} block(s) with it: [${lost.join(', ')}]; ` +
    `the other ${blocks - lost.length} are accounted for (${census.pooled.length} pooled, ${census.neverHandedOut} never handed out)`);
  // The pool keeps working: every block left can be had.
  const got = new Set<number>();
  for (let id = pool.get(); id >= 0; id = pool.get()) got.add(id);
  assert.equal(got.size, blocks - lost.length);
}

test('SharedPool fault: a worker terminated while holding blocks; reclaim; the rest is accounted for and the loss reported', { timeout: 60_000 }, (t) =>
  fault(t, 'shared', 2e5));

test('MutexPool fault: the same, including a lock the dead worker may have held', { timeout: 60_000 }, (t) =>
  fault(t, 'mutex', 2e4));
