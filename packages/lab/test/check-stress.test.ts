// The stress half of check 7 on its own: a ring that hangs only after many steals (so no small
// exhaustive case reaches the hang) is reported as a hang by the watchdog, with where each thread
// was and the ring's words, and its workers are stopped; a correct ring moves every value once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stress } from '../dist/check/dequeue/stress.js';

const rings = join(import.meta.dirname, 'rings');
const options = { words: 65, capacity: 64, count: 200_000, stealers: 2, popHeadEvery: 10, stallMs: 1_500, limitMs: 60_000 };

test('stress: the owner spinning in pushHead on a slot nobody frees is reported as a hang, with each thread and the ring\'s words', async () => {
  const run = await stress({ file: join(rings, 'broken-waits-for-unfreed-slot.ts'), ...options });
  assert.equal(run.ok, false, run.summary);
  assert.match(run.summary, /^hang: no thread moved a value for 1500 ms \(owner inside pushHead after moving \d+ values; stealer 1 .*; stealer 2 .*\); the ring's words: \[-?\d+(, -?\d+){39}\]$/);
  assert.ok(run.threads[0]!.ops < options.count, 'the owner stopped before pushing every value');
});

test('stress: the correct minimal ring moves every value exactly once', async () => {
  const run = await stress({ file: join(rings, 'correct-minimal.ts'), ...options });
  assert.equal(run.ok, true, run.summary);
  assert.equal(run.lost, 0);
  assert.equal(run.duplicated, 0);
});
