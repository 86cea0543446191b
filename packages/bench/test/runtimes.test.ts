// syncpool-bench under Deno 2 and Bun 1 (the versions npm ci installs): the CLI run by each
// runtime on the calibration fixture. ns/op everywhere; B/op where the runtime lets it be
// counted (Deno: heap bytes, exact on the calibration objects), and no column at all, with a
// header line saying "not measured here", where it does not: never a made-up zero.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseGoBench, valueOf, type BenchResult } from 'syncpool-bench';
import { runtimes, type Runtime } from '../../../test/runtimes/harness.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const fixture = fileURLToPath(new URL('fixtures/calibration.bench.mjs', import.meta.url));

/** The CLI under `runtime` on the calibration fixture: its stdout, and the results parsed back. */
function run(runtime: Runtime): { text: string; results: BenchResult[] } {
  // 100 000 ops: the memory stage counts over the largest power of ten within N, and at this N
  // Deno's JIT has optimized the loops before the last of its unforced runs.
  const r = spawnSync(runtime.command[0]!, [...runtime.command.slice(1), cli, fixture, '--benchtime', '100000x'],
    { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${runtime.name} ${runtime.version} exited with ${r.status}:\n${r.stderr}`);
  return { text: r.stdout, results: parseGoBench(r.stdout) };
}

const NAMES = ['BenchmarkEmpty', 'BenchmarkZeroAlloc', 'BenchmarkObject', 'BenchmarkDeadObject', 'BenchmarkUint8Array1024',
  'BenchmarkSizes/size_16', 'BenchmarkSizes/size_256', 'BenchmarkTimer'];

function at(results: BenchResult[], name: string, unit: string): number | undefined {
  const r = results.find((x) => x.name === name);
  assert.ok(r !== undefined, `no result for ${name}`);
  return valueOf(r, unit);
}

function nsEverywhere(results: BenchResult[]): void {
  assert.deepEqual(results.map((r) => r.name), NAMES);
  for (const name of NAMES) assert.ok((at(results, name, 'ns/op') ?? 0) > 0, `${name}: no ns/op`);
}

test('Deno: ns/op, and B/op of heap bytes exact on the calibration objects; no allocs/op, said so', (t) => {
  const deno = runtimes.deno(['--allow-read', '--allow-run', '--allow-env', '--allow-sys']);
  t.diagnostic(deno.version);
  const { text, results } = run(deno);
  assert.match(text, /^deno: 2\./m);
  assert.match(text, /^memory: B\/op counts heap bytes only; off-heap bytes and allocs\/op not measured here/m);
  nsEverywhere(results);
  assert.equal(at(results, 'BenchmarkZeroAlloc', 'B/op'), 0);
  assert.equal(at(results, 'BenchmarkObject', 'B/op'), 40);
  // The JSArrayBuffer and the JSTypedArray on the heap; the 1024-byte backing store is not counted here.
  assert.ok((at(results, 'BenchmarkUint8Array1024', 'B/op') ?? 0) >= 150);
  for (const r of results) {
    const units = r.values.map((v) => v.unit);
    assert.ok(!units.includes('allocs/op') && !units.includes('offheap-B/op'), `${r.name}: ${units.join(' ')}`);
  }
});

test('Bun: ns/op only; no memory column, and a header that says none is measured', (t) => {
  const bun = runtimes.bun();
  t.diagnostic(bun.version);
  const { text, results } = run(bun);
  assert.match(text, /^bun: 1\./m);
  assert.match(text, /^memory: B\/op, allocs\/op and GCs\/op not measured here/m);
  nsEverywhere(results);
  for (const r of results) {
    assert.deepEqual(r.values.map((v) => v.unit).filter((u) => u !== 'MB/s' && u !== 'elems'), ['ns/op'], r.name);
  }
});
