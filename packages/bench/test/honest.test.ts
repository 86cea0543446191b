// Honest samples (issue 20): with --count N every metric of a result line is measured in that
// round's processes, so compare's p-values mean what they say. Two runs of the same code show
// no significant change in any memory or GC metric (ns/op may move with the machine's load);
// a real 2× allocation change is significant; the Go text compares as the JSON data does.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { compareResults, parseGoBench, runBenchFiles, type BenchResult } from 'syncpool-bench';

const fixture = fileURLToPath(new URL('fixtures/honest.bench.mjs', import.meta.url));

async function run(allocs: number): Promise<{ results: BenchResult[]; text: string }> {
  process.env['HONEST_ALLOCS'] = String(allocs);
  try {
    // A fixed N, so that both runs count bytes over the same power of ten whatever the load
    // (GCs/op is whole GCs over that N; see memoryN in runner.ts).
    const r = await runBenchFiles([fixture], { benchtime: '300000x', count: 5, onOutput: () => {} });
    assert.deepEqual(r.failures, []);
    return r;
  } finally {
    delete process.env['HONEST_ALLOCS'];
  }
}

/** compare's rows for `unit` (as it shows it): [name, delta cell]. */
function rows(table: string, unit: string): Array<{ delta: string; p: number; n: string }> {
  const blocks = table.split('\n\n');
  const block = blocks.find((b) => b.split('\n')[1]?.trim().startsWith(unit));
  assert.ok(block !== undefined, `no ${unit} table in:\n${table}`);
  return block.split('\n').slice(2).flatMap((line) => {
    const m = /(\S+) \(p=(\d\.\d{3}) n=(\S+)\)$/.exec(line);
    return m === null ? [] : [{ delta: m[1] as string, p: Number(m[2]), n: m[3] as string }];
  });
}

const MEMORY_UNITS = ['B/op', 'allocs/op', 'offheap-B/op', 'minor-GCs/op', 'major-GCs/op'];

test('the same code twice: five samples of every metric, no significant memory or GC change; 2× the allocations is found', async () => {
  const [a, b, double] = [await run(1), await run(1), await run(2)];
  for (const r of [a, b, double]) {
    assert.equal(r.results.length, 5);
    // Every metric is on every line: five samples each, none printed once and repeated.
    for (const line of r.results) assert.deepEqual(line.values.map((v) => v.unit), ['ns/op', 'major-GCs/op', 'minor-GCs/op', 'offheap-B/op', 'B/op', 'allocs/op']);
  }
  for (const [label, before, after] of [['JSON data', a.results, b.results], ['Go text', parseGoBench(a.text), parseGoBench(b.text)]] as const) {
    const table = compareResults([...before], [...after]);
    for (const unit of MEMORY_UNITS) {
      for (const row of rows(table, unit)) {
        assert.equal(row.n, '5', `${label} ${unit}: ${row.n} samples`);
        assert.ok(row.p > 0.05, `${label}: the same code differs significantly in ${unit} (p=${row.p}):\n${table}`);
      }
    }
  }
  const changed = compareResults(a.results, double.results);
  const [allocs] = rows(changed, 'allocs/op');
  assert.ok(allocs !== undefined && allocs.p <= 0.05, `2× allocations not found:\n${changed}`);
  assert.equal(allocs.delta, '+100.00%');
  const [bytes] = rows(changed, 'B/op');
  assert.ok(bytes !== undefined && bytes.p <= 0.05, `2× bytes not found:\n${changed}`);
});
