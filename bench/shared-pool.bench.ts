// SharedPool (issue 5): the cost of each path of get/put in one thread, throughput with 1, 2 and
// 4 worker threads against MutexPool, and the record padding (pad 128 against pad 0).
// Run: node packages/bench/dist/cli.js bench/shared-pool.bench.ts   (after npm run build)
//
// Paths, one thread (ns/op is per iteration of the loop shown):
//   PrivateHit      get+put on one local: the fast path. Against Pool's get+put (the in-isolate
//                   pool) and MutexPool's.
//   PrivateThenRing put x, put y, get, get: x through the private slot, y through the ring head,
//                   so a ring pair costs (this - PrivateHit).
//   Steal           A's private slot stays full, so A's put goes to A's ring; B (private and ring
//                   empty) steals it from A's ring tail: one ring push plus one steal per op.
//   Exhausted       a get with nothing pooled and every block handed out: the whole slow path
//                   (own ring, every other ring, the arena counter), returning -1.
// Parallel: b.N get+put pairs split over K workers, each on its own local (Go's BenchmarkPool
// under RunParallel); the time is the wall time of the slowest worker. MutexPool runs with its
// default lockSpin (4 re-reads before sleeping, Go's count), spin-only (lockSpin 2^31 - 1: never sleeps,
// still gives up after waitLimitMs) and park-only (lockSpin 0: sleeps at once).
import { Worker } from 'node:worker_threads';
import { bench, sink } from 'syncpool-bench';
import { MutexPool, Pool, SharedPool, setCleanupMode } from 'syncpool';

setCleanupMode('manual');

const geometry = { blockSize: 64, blocks: 64, maxLocals: 8 };

// One loop per pool rather than a helper taking the pool: a shared call site would see three
// classes and time a polymorphic inline cache instead of each pool's own code.
bench('SharedPoolPaths', (b) => {
  const pool = new Pool({ new: () => ({ payload: 0 }) });
  b.run('PrivateHit/Pool', (b) => {
    for (let i = 0; i < b.N; i++) {
      const x = pool.get();
      sink(x);
      pool.put(x);
    }
  });
  const shared = SharedPool.create(geometry);
  b.run('PrivateHit/SharedPool', (b) => {
    for (let i = 0; i < b.N; i++) {
      const id = shared.get();
      sink(id);
      shared.put(id);
    }
  });
  const mutex = MutexPool.create(geometry);
  b.run('PrivateHit/MutexPool', (b) => {
    for (let i = 0; i < b.N; i++) {
      const id = mutex.get();
      sink(id);
      mutex.put(id);
    }
  });
  const ringPool = SharedPool.create(geometry);
  const [x, y] = [ringPool.get(), ringPool.get()];
  b.run('PrivateThenRing/SharedPool', (b) => {
    for (let i = 0; i < b.N; i++) {
      ringPool.put(x);
      ringPool.put(y);
      sink(ringPool.get());
      sink(ringPool.get());
    }
  });
  const victim = SharedPool.create(geometry);
  const thief = SharedPool.attach(victim.buffer);
  victim.put(victim.get()); // stays in victim's private slot
  let moving = victim.get();
  b.run('Steal/SharedPool', (b) => {
    for (let i = 0; i < b.N; i++) {
      victim.put(moving); // private full: onto victim's ring
      moving = thief.get(); // thief's private and ring are empty: steal
    }
    sink(moving);
  });
  const empty = SharedPool.create({ ...geometry, blocks: 1 });
  for (let id = 0; id < geometry.maxLocals - 1; id++) SharedPool.attach(empty.buffer);
  sink(empty.get()); // the only block, never returned
  b.run('Exhausted/SharedPool', (b) => {
    for (let i = 0; i < b.N; i++) sink(empty.get());
  });
});

// Worker threads running get+put pairs on command. Control words: generation (bumped to start
// a round), workers ready, workers done, then per worker its local (written when ready) and its
// iterations for the round (0 sits the round out).
const GENERATION = 0;
const READY = 1;
const DONE = 2;
const PER_WORKER = 3;

const workerSource = `
const { workerData } = require('node:worker_threads');
import(workerData.lib).then((lib) => {
  const Pool = workerData.kind === 'MutexPool' ? lib.MutexPool : lib.SharedPool;
  const pool = Pool.attach(workerData.buffer);
  const control = new Int32Array(workerData.control);
  const mine = ${PER_WORKER} + 2 * workerData.index;
  const holder = { id: 0 };
  function pairs(n) {
    for (let i = 0; i < n; i++) {
      const id = pool.get();
      holder.id = id;
      pool.put(id);
    }
  }
  let generation = 0;
  Atomics.store(control, mine, pool.localId);
  Atomics.add(control, ${READY}, 1);
  Atomics.notify(control, ${READY});
  for (;;) {
    Atomics.wait(control, ${GENERATION}, generation);
    generation = Atomics.load(control, ${GENERATION});
    pairs(Atomics.load(control, mine + 1));
    Atomics.add(control, ${DONE}, 1);
    Atomics.notify(control, ${DONE});
  }
});
`;

interface Team {
  /** b.N pairs split over the workers on `locals` (default: every worker); the others sit it out. */
  run(pairs: number, locals?: readonly number[]): void;
}

/** Blocks until control[word] reaches `target` (the main thread of Node may Atomics.wait). */
function waitFor(control: Int32Array, word: number, target: number): void {
  for (let seen = Atomics.load(control, word); seen < target; seen = Atomics.load(control, word)) {
    Atomics.wait(control, word, seen);
  }
}

const teams = new Map<string, Team>();
function team(kind: 'SharedPool' | 'MutexPool', workers: number, pad: number, lockSpin?: number): Team {
  const key = `${kind}/${workers}/${pad}/${lockSpin}`;
  const existing = teams.get(key);
  if (existing !== undefined) return existing;
  const pool = (kind === 'SharedPool' ? SharedPool : MutexPool).create({ ...geometry, pad, lockSpin });
  // The workers take locals 0..K-1, adjacent records.
  pool.detach();
  const control = new Int32Array(new SharedArrayBuffer(4 * (PER_WORKER + 2 * workers)));
  const lib = import.meta.resolve('syncpool');
  for (let index = 0; index < workers; index++) {
    new Worker(workerSource, { eval: true, workerData: { lib, kind, index, buffer: pool.buffer, control: control.buffer } }).unref();
  }
  waitFor(control, READY, workers);
  const localOf = Array.from({ length: workers }, (_, index) => control[PER_WORKER + 2 * index]!);
  const made: Team = {
    run(pairs, locals = localOf) {
      const each = Math.ceil(pairs / locals.length);
      for (let index = 0; index < workers; index++) {
        Atomics.store(control, PER_WORKER + 2 * index + 1, locals.includes(localOf[index]!) ? each : 0);
      }
      Atomics.store(control, DONE, 0);
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);
      waitFor(control, DONE, workers);
    },
  };
  teams.set(key, made);
  return made;
}

const SPIN_ONLY = 2 ** 31 - 1;
bench('SharedPoolParallel', (b) => {
  for (const workers of [1, 2, 4]) {
    for (const kind of ['SharedPool', 'MutexPool'] as const) {
      b.run(`workers=${workers}/${kind}`, (b) => team(kind, workers, 128).run(b.N));
    }
    if (workers === 1) continue; // one worker never finds the lock held
    b.run(`workers=${workers}/MutexPool/spin-only`, (b) => team('MutexPool', workers, 128, SPIN_ONLY).run(b.N));
    b.run(`workers=${workers}/MutexPool/park-only`, (b) => team('MutexPool', workers, 128, 0).run(b.N));
  }
});

// Two workers on private hits: each writes its private slot and two counters on every pair,
// bytes 4..23 of its 44-byte record. With pad 128 no 64-byte line holds words of two records,
// wherever the buffer starts. With pad 0 two neighbours write one line or not depending on the
// buffer's address, which JavaScript cannot choose and V8 aligns only to 16 bytes: locals 0 and 1
// share a line when the buffer starts 0 or 48 bytes into one, locals 1 and 2 when it starts 0,
// 16 or 32 bytes in (bench/pad-placement.mjs shows both, with the addresses). So each layout
// has three workers on locals 0, 1 and 2 of one pool, and runs two of them at a time: the rows
// give each placement, and Paired compares the two layouts on their slower placements.
//
// On a shared 2-core machine another process often takes one core, and then the two workers
// take turns instead of running at once: no false sharing, and both configurations read alike.
// Paired alternates all four runs in chunks of 2^20 pairs within one run, so that they see the
// same load, and reports time(pad 0) / time(pad 128), each layout's slower placement, as the
// metric pad0/pad128 (its ns/op covers the pairs of all four runs).
const CHUNK = 1 << 20;
const PLACEMENTS = [[0, 1], [1, 2]] as const;
bench('SharedPoolPad', (b) => {
  for (const pad of [128, 0]) {
    for (const locals of PLACEMENTS) {
      b.run(`pad=${pad}/locals=${locals.join('+')}`, (b) => team('SharedPool', 3, pad).run(b.N, locals));
    }
  }
  b.run('Paired/workers=2', (b) => {
    const layouts = [128, 0].map((pad) => team('SharedPool', 3, pad));
    const ns = layouts.map(() => PLACEMENTS.map(() => 0));
    for (let done = 0; done < b.N; done += CHUNK) {
      const n = Math.min(CHUNK, b.N - done);
      for (const [i, layout] of layouts.entries()) {
        for (const [j, locals] of PLACEMENTS.entries()) {
          const start = process.hrtime.bigint();
          layout.run(n, locals);
          ns[i]![j]! += Number(process.hrtime.bigint() - start);
        }
      }
    }
    b.reportMetric(Math.max(...ns[1]!) / Math.max(...ns[0]!), 'pad0/pad128');
  });
});
