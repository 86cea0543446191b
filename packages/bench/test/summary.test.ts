import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoBench, summarize } from '../src/index.js';

const results = parseGoBench(`BenchmarkPeers/SinkStore/Pool-2   100  3.0 ns/op  0 B/op
BenchmarkPeers/SinkStore/Pool-2   100  5.0 ns/op  0 B/op
BenchmarkPeers/SinkStore/Pool-2   100  4.0 ns/op  0 B/op
BenchmarkPeers/SinkStore/reusify-2   100  6.0 ns/op  0 B/op
BenchmarkPeers/TwoHeld/Pool-2   100  7.0 ns/op  0 B/op
BenchmarkPeers/TwoHeld/ArrayStack-2   100  6.5 ns/op  16 B/op
BenchmarkAlone-2   100  1234.5 ns/op
`);

test('summary: a column per group, a row per contender, medians with ranges, each group ranked fastest first, bar charts', () => {
  assert.equal(summarize(results), [
    '| ns/op: median (min–max) | Peers/SinkStore | Peers/TwoHeld | (top level) |',
    '|---|---|---|---|',
    '| Pool | 4.000 (3.000–5.000) | 7.000 (7.000–7.000, 1 run) |  |',
    '| reusify | 6.000 (6.000–6.000, 1 run) |  |  |',
    '| ArrayStack |  | 6.500 (6.500–6.500, 1 run) |  |',
    '| Alone |  |  | 1235 (1235–1235, 1 run) |',
    '',
    '- Peers/SinkStore: Pool 4.000 < reusify 6.000',
    '- Peers/TwoHeld: ArrayStack 6.500 < Pool 7.000',
    '- (top level): Alone 1235',
    '',
    'Peers/SinkStore (ns/op, median)',
    '  Pool     ██████████████████████████▋               4.000', // 4/6 of 40 columns: 26 and 5 eighths
    '  reusify  ████████████████████████████████████████  6.000',
    '',
    'Peers/TwoHeld (ns/op, median)',
    '  ArrayStack  █████████████████████████████████████▏    6.500',
    '  Pool        ████████████████████████████████████████  7.000',
    '',
    '(top level) (ns/op, median)',
    '  Alone  ████████████████████████████████████████  1235',
    '',
  ].join('\n'));
});

test('summary: another unit tabulates only the results that report it, and none says so', () => {
  const bytes = summarize(results, { unit: 'B/op' });
  assert.match(bytes, /^\| B\/op: median \(min–max\) \| Peers\/SinkStore \| Peers\/TwoHeld \|\n/);
  assert.match(bytes, /- Peers\/TwoHeld: Pool 0\.000 < ArrayStack 16\.00\n/);
  assert.doesNotMatch(bytes, /Alone/);
  assert.equal(summarize(results, { unit: 'allocs/op' }), 'no results with allocs/op\n');
});
