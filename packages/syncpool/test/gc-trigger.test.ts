// Cleanups driven by real garbage collections: the FinalizationRegistry sentinel, gcCycle(),
// manual mode, and what a real GC then frees.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Pool, gcCycle, setCleanupMode } from '../src/index.js';

afterEach(() => setCleanupMode('gc'));

test("seed Task 2: one cleanup keeps items in the victim, the second releases them", async () => {
  setCleanupMode('manual'); // only gcCycle's own collections run cleanups here
  let newCount = 0;
  const pool = new Pool({ new: () => { newCount++; return { n: newCount }; } });
  for (let i = 0; i < 100; i++) pool.put(pool.get());
  assert.equal(newCount, 1);
  await gcCycle();
  for (let i = 0; i < 100; i++) pool.put(pool.get());
  assert.equal(newCount, 1, 'after one GC the item came back from the victim');
  await gcCycle();
  await gcCycle();
  for (let i = 0; i < 100; i++) pool.put(pool.get());
  assert.equal(newCount, 2, 'after two GCs with no get in between the item was released');
});

test('a major GC runs a cleanup automatically, with no gcCycle call', async () => {
  const pool = new Pool<object>();
  pool.put({});
  const cleanupsBefore = pool.stats().cleanups;
  const collect = exposedGC();
  for (let turn = 0; turn < 50 && pool.stats().cleanups - cleanupsBefore < 2; turn++) {
    collect(); // a plain full GC, as the runtime would do on its own
    await new Promise((resolve) => setTimeout(resolve, 0)); // the cleanup runs as a task
  }
  const s = pool.stats();
  assert.ok(s.cleanups - cleanupsBefore >= 2, `cleanups seen: ${s.cleanups - cleanupsBefore}`);
  assert.deepEqual([s.primarySize, s.victimSize, s.dropped], [0, 0, 1]);
});

test('manual mode: garbage collections run no cleanup', async () => {
  setCleanupMode('manual');
  const pool = new Pool<object>();
  pool.put({});
  const collect = exposedGC();
  for (let turn = 0; turn < 5; turn++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.deepEqual([pool.stats().cleanups, pool.stats().primarySize], [0, 1]);
});

// Go's TestPoolRelease and TestPoolGC: popped or released slots keep nothing alive.
for (const drain of [true, false]) {
  test(`TestPool${drain ? 'GC (drained by gets)' : 'Release (released by cleanups)'}: >= 99 of 100 objects are collected`, async () => {
    setCleanupMode('manual');
    let collected = 0;
    const observer = new FinalizationRegistry(() => collected++);
    const pool = new Pool<object>();
    fill(pool, observer, 100);
    if (drain) while (pool.get() !== undefined);
    for (let cycle = 0; cycle < 6 && collected < 100; cycle++) await gcCycle();
    assert.ok(collected >= 99, `collected ${collected} of 100`);
  });
}

function fill(pool: Pool<object, object | undefined>, observer: FinalizationRegistry<unknown>, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = { i };
    observer.register(x, i);
    pool.put(x);
  }
}

// Collection is observed with a FinalizationRegistry: a WeakRef deref() would keep the pool alive
// until the end of the current job, which is exactly when gcCycle collects.
test('an unreachable pool is collected once its items are released', async () => {
  let collected = false;
  const observer = new FinalizationRegistry(() => { collected = true; });
  observer.register(unreachablePool(10), 'pool');
  await gcCycle(); // items move to the victim
  await gcCycle(); // the victim is released; the library forgets the pool
  for (let cycle = 0; cycle < 4 && !collected; cycle++) await gcCycle();
  assert.ok(collected);
});

test('an unreachable pool that holds nothing is collected: the library keeps no reference to it', async () => {
  let collected = false;
  const observer = new FinalizationRegistry(() => { collected = true; });
  observer.register(unreachablePool(1, true), 'pool');
  // The observer's callback is a task of its own, which V8 may queue after the one that ends
  // gcCycle(): give it a turn of the event loop after each cycle. A pool the library still
  // referenced would never be collected, however many cycles ran.
  for (let cycle = 0; cycle < 5 && !collected; cycle++) {
    await gcCycle();
    await new Promise((turn) => setImmediate(turn));
  }
  assert.ok(collected);
});

// Made in a function of its own: a local of the async test would stay alive across its awaits.
function unreachablePool(items: number, drain = false): object {
  const pool = new Pool<object>();
  for (let i = 0; i < items; i++) pool.put({ i });
  if (drain) while (pool.get() !== undefined); // used, so registered until the next cleanup, but empty
  return pool;
}

test('gcCycle works in manual mode and concurrent calls share one cleanup', async () => {
  setCleanupMode('manual');
  const pool = new Pool<object>();
  pool.put({});
  const before = pool.stats().cleanups;
  await Promise.all([gcCycle(), gcCycle()]);
  assert.equal(pool.stats().cleanups - before, 1);
  assert.deepEqual([pool.stats().primarySize, pool.stats().victimSize], [0, 1]);
});

// A process whose pools hold items must still exit promptly, with and without V8 coverage on
// (nodejs/node#49344: FinalizationRegistry and NODE_V8_COVERAGE have hung processes at exit).
for (const coverage of [false, true]) {
  test(`a script using pools exits promptly${coverage ? ' with NODE_V8_COVERAGE' : ''}`, () => {
    const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `
      const { Pool } = await import(${JSON.stringify(index)});
      const pools = Array.from({ length: 10 }, () => new Pool({ new: () => new Uint8Array(1024) }));
      let garbage = [];
      for (let i = 0; i < 300000; i++) {
        const p = pools[i % 10]; p.put(p.get());
        garbage.push({ i, s: 'x'.repeat(i % 40) });
        if (garbage.length > 40000) garbage = [];
      }
      await new Promise((r) => setTimeout(r, 0));
      console.log('done');
    `;
    const covDir = mkdtempSync(join(tmpdir(), 'syncpool-cov-'));
    try {
      for (let run = 0; run < 3; run++) {
        const env = { ...process.env, ...(coverage ? { NODE_V8_COVERAGE: covDir } : {}) };
        const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          env,
          encoding: 'utf8',
          timeout: 30_000, // a hang, not a slow exit, is what this catches
        });
        assert.equal(child.error, undefined, `run ${run} did not exit: ${String(child.error)}`);
        assert.equal(child.status, 0, child.stderr);
        assert.equal(child.stdout.trim(), 'done');
      }
      if (coverage) assert.ok(readdirSync(covDir).length > 0, 'coverage was written');
    } finally {
      rmSync(covDir, { recursive: true, force: true });
    }
  });
}

function exposedGC(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
