// A short run of issue 9's random-termination stress (the full one: npm run stress:faults): real
// workers terminated at random moments, mostly inside a get or put, reclaimed after their 'exit'
// event (by the reservation made for them, or, every other round, by their threadId after a
// plain attach), with an owner table that proves no block was handed to two threads and accounts for
// every lost block. It uses the built library (npm test builds first), as its workers import it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultStress } from './support/fault-stress.js';

const lib = new URL('../dist/index.js', import.meta.url).href;

for (const kind of ['shared', 'mutex'] as const) {
  test(`${kind === 'shared' ? 'SharedPool' : 'MutexPool'}: 24 random terminations (12 early: starting up, or attaching and detaching plainly), no hang, no duplicate, no local leaked, every lost block accounted for`, { timeout: 120_000 }, async (t) => {
    const figures = await faultStress({ kind, terminations: 24, lib });
    t.diagnostic(JSON.stringify(figures));
    assert.equal(figures.duplicates, 0);
    assert.equal(figures.terminations, 24);
    assert.ok(figures.lostInGet <= figures.terminations, 'at most one untraceable block per death');
    assert.ok(figures.operations > 1000, 'the workers ran');
    assert.equal(figures.startupKills, 6, 'half of the reservation rounds\' workers were killed while starting, attaching or before posting');
    assert.equal(figures.churnKills, 6, 'half of the plain rounds\' workers were killed while attaching and detaching');
    assert.equal(figures.plainAttaches, 12, 'every other round attached plainly, recovered by threadId');
    assert.equal(figures.reclaimed + figures.unclaimed, 24, 'every termination was reclaimed from what the parent holds');
    assert.ok(figures.unclaimed <= figures.churnKills, 'a plain worker killed after it attached is always found by its threadId');
    assert.equal(figures.localsLeaked, 0);
  });
}
