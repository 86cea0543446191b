import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { goFixed, prettyPrint, resultLine } from '../src/format.js';

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

test('numbers print exactly as Go 1.19 prints them (fixture generated with go)', () => {
  const lines = fixture('go-prettyprint.txt').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  assert.ok(lines.length > 30);
  for (const line of lines) {
    const [x, pretty, fixed2, int] = line.split('|') as [string, string, string, string];
    const value = Number(x);
    assert.equal(prettyPrint(value, 'ns/op'), pretty, `prettyPrint(${x})`);
    assert.equal(goFixed(value, 2).padStart(7), fixed2, `%7.2f of ${x}`);
    if (Math.abs(value) < 2 ** 53) assert.equal(String(Math.trunc(value)).padStart(8), int, `%8d of ${x}`);
  }
});

test('a result line has Go\'s fields, order and padding', () => {
  // From go-test-bench.txt: BenchmarkCopy-2 with SetBytes, and a sub-benchmark with ReportMetric.
  assert.equal(resultLine('BenchmarkCopy-2', 18, {
    n: 2000, nsPerOp: 51.14, mbPerSec: 80100.13, extra: [], memory: { bytesPerOp: 0, allocsPerOp: 0 },
  }), 'BenchmarkCopy-2   \t    2000\t        51.14 ns/op\t80100.13 MB/s\t       0 B/op\t       0 allocs/op');
  assert.equal(resultLine('BenchmarkSizes/size=4-2', 32, {
    n: 2000, nsPerOp: 153.9, mbPerSec: 0, extra: [['size', 64], ['p95-ms', 0.000125]], memory: { bytesPerOp: 88.9, allocsPerOp: 2.7 },
  }), 'BenchmarkSizes/size=4-2         \t    2000\t       153.9 ns/op\t         0.0001250 p95-ms\t        64.00 size\t      88 B/op\t       2 allocs/op');
  // Where the runtime cannot measure memory (Bun), the line ends as Go's without -benchmem.
  assert.equal(resultLine('BenchmarkCopy-2', 18, { n: 2000, nsPerOp: 51.14, mbPerSec: 0, extra: [] }),
    'BenchmarkCopy-2   \t    2000\t        51.14 ns/op');
  const line = fixture('go-test-bench.txt').split('\n').find((l) => l.startsWith('BenchmarkSizes/size=4-2'));
  assert.equal(line, 'BenchmarkSizes/size=4-2         \t    2000\t       153.9 ns/op\t         0.0001250 p95-ms\t        64.00 size\t      88 B/op\t       2 allocs/op');
});
