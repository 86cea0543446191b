// The proof that SharedPool's fast path (a private hit on get or put) uses no Atomics, read from
// TurboFan's x64 code of the warmed-up methods (syncpool-bench's optimizedCode runs
// test/fixtures/shared-hot.ts under node --print-opt-code and parses the listing).
//
// Two checks, because either alone proves little:
// - No lock-prefixed instruction (nor an xchg with memory, which x86 locks implicitly).
// - No call to an Atomics builtin. V8 never inlines Atomics: Atomics.compareExchange,
//   Atomics.add and Atomics.store are calls to the builtins AtomicsCompareExchange, AtomicsAdd,
//   AtomicsStore, and their lock cmpxchg or xchg sits in the builtin's code, not in the caller's
//   listing; Atomics.load compiles to a call of a builtin containing a plain mov, with no lock
//   anywhere. A method full of Atomics therefore shows no lock prefix at all in its own listing.
//
// The checks cover the whole optimized code of get and put, not only the fast path, so they hold
// only while the slow paths stay out of line: the fixture makes getSlow and putSlow run too, so
// get and put contain real calls to them (not deoptimization exits), and the test checks that
// TurboFan did not inline them. The same checks on getSlow and putSlow must find their Atomics,
// which shows that the checks can fail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { optimizedCode, type CodeListing } from 'syncpool-bench';

const fixture = fileURLToPath(new URL('./fixtures/shared-hot.ts', import.meta.url));

/** The last listing of `name` that TurboFan made for SharedPool (by its source), the code that ran last. */
function sharedPoolListing(code: Record<string, CodeListing[]>, name: string, marker: RegExp): CodeListing {
  const listing = code[name]!.filter((l) => marker.test(l.source)).at(-1);
  assert.ok(listing !== undefined, `no optimized ${name} of SharedPool in the listing`);
  return listing;
}

const calls = (l: CodeListing, fn: string) => l.instructions.some((i) => i.comments.some((c) => c.includes(`<JSFunction ${fn} `)));

test('SharedPool fast path: get and put have no lock prefix and no Atomics builtin call; the slow paths do', { timeout: 120_000 }, async (t) => {
  // One child per name, so that V8's --print-opt-code-filter keeps each listing small: when the
  // listing goes to a pipe, output printed before the fixture makes stdout blocking can be lost.
  const names = ['get', 'put', 'getSlow', 'putSlow'];
  const code = Object.assign({}, ...(await Promise.all(names.map((name) => optimizedCode(fixture, [name]))))) as Record<string, CodeListing[]>;
  const get = sharedPoolListing(code, 'get', /privateHitsCounter/);
  const put = sharedPoolListing(code, 'put', /putsCounter/);
  for (const [fast, slow] of [[get, 'getSlow'], [put, 'putSlow']] as const) {
    assert.deepEqual(fast.locked.map((i) => i.mnemonic), [], `${fast.name}: lock-prefixed instructions`);
    assert.deepEqual(fast.flaggedCalls.map((i) => i.builtin), [], `${fast.name}: calls of Atomics builtins`);
    assert.ok(!fast.inlined.includes(slow), `${slow} was inlined into ${fast.name}: the check above would not be about the fast path alone`);
    assert.ok(calls(fast, slow), `${fast.name} does not call ${slow}: the slow path became a deoptimization exit`);
    t.diagnostic(`${fast.name}: ${fast.instructions.length} instructions, 0 locked, 0 Atomics calls, ${slow} called out of line`);
  }
  for (const name of ['getSlow', 'putSlow']) {
    const slow = code[name]!.at(-1)!;
    const atomics = slow.flaggedCalls.map((i) => i.builtin);
    assert.ok(atomics.length > 0, `${name} should call Atomics builtins (the ring's CAS and publish)`);
    t.diagnostic(`${name}: Atomics builtin calls ${[...new Set(atomics)].join(', ')}; lock-prefixed instructions: ${slow.locked.length}`);
  }
});
