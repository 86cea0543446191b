// A short run of issue 9's random-termination stress (the full one: npm run stress:faults): real
// workers terminated at random moments, mostly inside a get or put, reclaimed after their 'exit'
// event, with an owner table that proves no block was handed to two threads and accounts for
// every lost block. It uses the built library (npm test builds first), as its workers import it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultStress } from './support/fault-stress.js';

const lib = new URL('../dist/index.js', import.meta.url).href;

for (const kind of ['shared', 'mutex'] as const) {
  test(`${kind === 'shared' ? 'SharedPool' : 'MutexPool'}: 24 random terminations (12 while starting up), no hang, no duplicate, no local leaked, every lost block accounted for`, { timeout: 120_000 }, async (t) => {
    const figures = await faultStress({ kind, terminations: 24, lib });
    t.diagnostic(JSON.stringify(figures));
    assert.equal(figures.duplicates, 0);
    assert.equal(figures.terminations, 24);
    assert.ok(figures.lostInGet <= figures.terminations, 'at most one untraceable block per death');
    assert.ok(figures.operations > 1000, 'the workers ran');
    assert.equal(figures.startupKills, 12, 'half were killed while starting, attaching or before posting');
    assert.equal(figures.reclaimed, 24, 'every termination was reclaimed from the parent\'s reservation');
    assert.equal(figures.localsLeaked, 0);
  });
}
