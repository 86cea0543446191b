// Pool get+put of two builds of syncpool in one process, alternated over 21 rounds: did a change
// make the plain path slower? Each build gets its own copy of the loops (new Function), so that
// neither shares type feedback with the other; run it with a build against a copy of itself to
// see the noise.
//   node bench/compare-pool-builds.mjs <before>/packages/syncpool/dist/index.js packages/syncpool/dist/index.js
import { pathToFileURL } from 'node:url';

const [beforePath, afterPath] = process.argv.slice(2);
if (beforePath === undefined || afterPath === undefined) {
  console.error('usage: node bench/compare-pool-builds.mjs <before dist/index.js> <after dist/index.js>');
  process.exit(2);
}
const before = await import(pathToFileURL(beforePath).href);
const after = await import(pathToFileURL(afterPath).href);
before.setCleanupMode('manual');
after.setCleanupMode('manual');
const item = { v: 1 };

function getPut(Pool, n, state) {
  const p = new Pool();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { p.put(item); state.sink ^= p.get() === item ? 1 : 0; }
  return Number(process.hrtime.bigint() - t) / n;
}
function overflow(Pool, n, state) {
  const p = new Pool();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 100; j++) p.put(item);
    for (let j = 0; j < 100; j++) state.sink ^= p.get() === item ? 1 : 0;
  }
  return Number(process.hrtime.bigint() - t) / n;
}
const copy = (f) => new Function('item', `return ${f.toString()}`)(item);
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const state = { sink: 0 };
for (const [name, f, n] of [['Pool get+put', getPut, 5e6], ['PoolOverflow (100 puts, 100 gets)', overflow, 5e4]]) {
  const runBefore = copy(f);
  const runAfter = copy(f);
  for (let w = 0; w < 3; w++) { runBefore(before.Pool, n, state); runAfter(after.Pool, n, state); }
  const a = [];
  const b = [];
  for (let i = 0; i < 21; i++) {
    // Alternate which build goes first in a round.
    if (i % 2 === 0) { a.push(runBefore(before.Pool, n, state)); b.push(runAfter(after.Pool, n, state)); }
    else { b.push(runAfter(after.Pool, n, state)); a.push(runBefore(before.Pool, n, state)); }
  }
  const ratios = a.map((x, i) => b[i] / x);
  console.log(`${name}: before ${median(a).toFixed(3)} ns/op, after ${median(b).toFixed(3)} ns/op (medians of 21 rounds); ` +
    `after/before: ratio of medians ${(median(b) / median(a)).toFixed(3)}, median of per-round ratios ${median(ratios).toFixed(3)}`);
}
if (state.sink === -1) console.log('');
