// Accuracy of measureMemory on calibration workloads (issue 3, "Accuracy"), in a process
// started without special flags.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureMemory, sink } from '../src/index.js';

function within(actual: number, expected: number, fraction: number): boolean {
  return Math.abs(actual - expected) <= expected * fraction;
}

test('a zero-allocation loop reads 0 B/op and 0 allocs/op', async () => {
  const loop = (n: number) => {
    let x = 0;
    for (let i = 0; i < n; i++) x = (x + i) | 0;
    sink(x);
  };
  // The fewest bytes of three measurements: the JIT can install code it compiled in the
  // background inside one measured run (28 KB over the 10^6 ops, once in about ten runs of this
  // file), a one-off cost that only ever adds bytes; an allocating loop reads > 0 in all three.
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await measureMemory(loop, { n: 1_000_000 }));
  const r = runs.reduce((a, b) => (b.bytesPerOp < a.bytesPerOp ? b : a));
  assert.ok(r.bytesPerOp < 0.01, `bytesPerOp ${runs.map((x) => x.bytesPerOp).join(', ')}`);
  assert.equal(r.offHeapBytesPerOp, 0);
  assert.equal(r.allocsPerOp, 0);
});

test('{a:1,b:2} reads 1 alloc/op and 40 B/op within 2%', async () => {
  const r = await measureMemory((n) => {
    for (let i = 0; i < n; i++) sink({ a: 1, b: 2 });
  }, { n: 1_000_000 });
  assert.ok(within(r.bytesPerOp, 40, 0.02), `bytesPerOp ${r.bytesPerOp}`);
  assert.equal(r.allocsPerOp, 1);
  assert.ok(r.minorGCsPerOp > 0, 'allocating 40 MB runs scavenges');
});

test('new Uint8Array(1024) counts its off-heap backing store: >= 1024 B/op, 2 heap allocs/op', async () => {
  const r = await measureMemory((n) => {
    for (let i = 0; i < n; i++) sink(new Uint8Array(1024));
  }, { n: 50_000 });
  assert.ok(within(r.offHeapBytesPerOp, 1024, 0.01), `offHeapBytesPerOp ${r.offHeapBytesPerOp}`);
  assert.ok(r.bytesPerOp >= 1024 + 100, `bytesPerOp ${r.bytesPerOp} includes the heap objects too`);
  // The JSArrayBuffer and the JSTypedArray; the backing store is not a heap object.
  assert.equal(r.allocsPerOp, 2);
});

test('off-heap bytes stay exact across mark-compacts (mid-lived buffers)', async () => {
  const ring: Uint8Array[] = new Array<Uint8Array>(20_000).fill(new Uint8Array(0));
  let k = 0;
  const r = await measureMemory((n) => {
    for (let i = 0; i < n; i++) {
      ring[k] = new Uint8Array(1024);
      k = k + 1 === ring.length ? 0 : k + 1;
    }
  }, { n: 200_000, warmup: 1, allocsN: 100 });
  assert.ok(r.majorGCsPerOp > 0, 'the workload must run mark-compacts for this test to mean anything');
  assert.ok(within(r.offHeapBytesPerOp, 1024, 0.01), `offHeapBytesPerOp ${r.offHeapBytesPerOp}`);
});

test('the optimizer removes an unused allocation; sink() keeps it', async () => {
  const dead = await measureMemory((n) => {
    for (let i = 0; i < n; i++) {
      const o = { a: i };
      void o;
    }
  }, { n: 200_000 });
  assert.ok(dead.bytesPerOp < 0.01 && dead.allocsPerOp === 0, `dead body reads ${dead.bytesPerOp} B/op`);
  const kept = await measureMemory((n) => {
    for (let i = 0; i < n; i++) sink({ a: i });
  }, { n: 200_000 });
  assert.equal(kept.allocsPerOp, 1);
  assert.ok(kept.bytesPerOp >= 24, `sunk body reads ${kept.bytesPerOp} B/op`);
});

test('bad input is rejected with a typed error', async () => {
  await assert.rejects(measureMemory(42 as unknown as (n: number) => void), TypeError);
  await assert.rejects(measureMemory(() => {}, { n: 0 }), RangeError);
  await assert.rejects(measureMemory(() => {}, { n: 1.5 }), RangeError);
  await assert.rejects(measureMemory(() => {}, { warmup: -1 }), RangeError);
});
