// get and put allocate nothing in steady state, measured (syncpool-bench's measureMemory: heap
// bytes by GCProfiler accounting, allocations by the sampling heap profiler at interval 1).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { measureMemory, prepareMemoryMeasurement, sink } from 'syncpool-bench';
import { BytesPool, Pool, setCleanupMode } from '../src/index.js';

before(() => {
  prepareMemoryMeasurement(); // before the pools' code is first optimized
  setCleanupMode('manual');
});

const cases: [string, (n: number) => void][] = [];

{
  const pool = new Pool({ new: () => ({ payload: 0 }) });
  cases.push(['Pool get+put (private hit)', (n) => {
    for (let i = 0; i < n; i++) {
      const x = pool.get();
      sink(x);
      pool.put(x);
    }
  }]);
}
{
  const pool = new Pool({ new: () => ({ payload: 0 }) });
  cases.push(['Pool 3 gets + 3 puts (stack hits)', (n) => {
    for (let i = 0; i < n; i++) {
      const a = pool.get();
      const b = pool.get();
      const c = pool.get();
      sink(b);
      pool.put(a);
      pool.put(b);
      pool.put(c);
    }
  }]);
}
{
  const pool = new BytesPool();
  cases.push(['BytesPool get(1000)+put', (n) => {
    for (let i = 0; i < n; i++) {
      const buf = pool.get(1000);
      sink(buf);
      pool.put(buf);
    }
  }]);
  cases.push(['BytesPool getBuffer(1000)+put', (n) => {
    for (let i = 0; i < n; i++) {
      const buf = pool.getBuffer(1000);
      sink(buf);
      pool.put(buf);
    }
  }]);
}

for (const [name, body] of cases) {
  test(`${name} allocates nothing`, async () => {
    // Up to three measurements, the first clean one counts: code that the JIT compiled in the
    // background can be installed inside one measured run (a one-off cost that only adds, seen
    // about once in ten runs of the suite); a body that allocates reads > 0 in all three.
    const readings: string[] = [];
    let r = await measureMemory(body, { n: 200_000, allocsN: 2_000 });
    for (let tries = 1; tries < 3 && (r.allocsPerOp !== 0 || r.bytesPerOp >= 0.05); tries++) {
      readings.push(`${r.allocsPerOp} allocs/op, ${r.bytesPerOp} B/op`);
      r = await measureMemory(body, { n: 200_000, allocsN: 2_000 });
    }
    readings.push(`${r.allocsPerOp} allocs/op, ${r.bytesPerOp} B/op`);
    assert.equal(r.allocsPerOp, 0, readings.join('; '));
    assert.ok(r.bytesPerOp < 0.05, readings.join('; '));
  });
}

test('the measurement can fail: an allocating body reads 1 alloc/op', async () => {
  const r = await measureMemory((n) => {
    for (let i = 0; i < n; i++) sink({ payload: i });
  }, { n: 200_000, allocsN: 2_000 });
  assert.equal(r.allocsPerOp, 1);
  assert.ok(r.bytesPerOp > 10);
});
