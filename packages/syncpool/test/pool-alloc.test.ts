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
    const r = await measureMemory(body, { n: 200_000, allocsN: 2_000 });
    assert.equal(r.allocsPerOp, 0, `allocs/op ${r.allocsPerOp}`);
    assert.ok(r.bytesPerOp < 0.05, `B/op ${r.bytesPerOp}`);
  });
}

test('the measurement can fail: an allocating body reads 1 alloc/op', async () => {
  const r = await measureMemory((n) => {
    for (let i = 0; i < n; i++) sink({ payload: i });
  }, { n: 200_000, allocsN: 2_000 });
  assert.equal(r.allocsPerOp, 1);
  assert.ok(r.bytesPerOp > 10);
});
