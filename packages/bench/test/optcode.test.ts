import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { optimizedCode, parseOptCode } from '../src/index.js';
import { parseInstruction } from '../src/optlisting.js';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

test('flags the Atomics builtin calls of one function and not of another', async () => {
  const code = await optimizedCode(fixture('optcode-target.js'), ['hotAtomic', 'hotPlain'], { nodeArgs: ['--no-turbo-inlining'] });
  const atomic = code['hotAtomic']?.at(-1);
  const plain = code['hotPlain']?.at(-1);
  assert.ok(atomic !== undefined && plain !== undefined);
  assert.equal(atomic.kind, 'TURBOFAN');
  assert.deepEqual(atomic.flaggedCalls.map((i) => i.builtin), ['AtomicsAdd', 'AtomicsCompareExchange']);
  assert.equal(atomic.flaggedCalls[0]?.mnemonic, 'call');
  assert.deepEqual(plain.flaggedCalls, []);
  assert.deepEqual(plain.locked, []);
  assert.ok(plain.instructions.length > 10);
  // Source positions: the call to AtomicsAdd comes from the `Atomics.add(...)` expression.
  assert.match(atomic.flaggedCalls[0]?.source?.text ?? '', /^(Atomics\.)?add\(cells/);
  assert.equal(atomic.flaggedCalls[0]?.source?.function, 'hotAtomic');
});

test('loads TypeScript through tsx and lists a class method under its bare name', async () => {
  const code = await optimizedCode(fixture('optcode-target.ts'), ['bumpCounter'], { nodeArgs: ['--no-turbo-inlining'] });
  const listing = code['bumpCounter']?.at(-1);
  assert.ok(listing !== undefined && listing.instructions.length > 0);
  assert.match(listing.source, /this\.count/);
});

test('rejects a function that was never optimized, a missing script and a failing one', async () => {
  await assert.rejects(optimizedCode(fixture('optcode-target.js'), ['coldNever']), /never optimized coldNever/);
  await assert.rejects(optimizedCode(fixture('no-such-script.js'), ['f']), TypeError);
  await assert.rejects(optimizedCode(fixture('optcode-target.js'), []), TypeError);
  await assert.rejects(optimizedCode(fixture('optcode-target.js'), ['hotPlain'], { args: [], nodeArgs: ['--no-such-v8-flag-xyz', '--unknown-node-option'] }), /exited with/);
});

test('parses lock prefixes and implicitly locked xchg', () => {
  const lock = parseInstruction('0x1948d81   9c1  f04e0fb10409         lock REX.W cmpxchgq [rcx+r9*1],r8');
  assert.deepEqual(lock?.prefixes, ['lock', 'REX.W']);
  assert.equal(lock?.mnemonic, 'cmpxchgq');
  assert.equal(lock?.operands, '[rcx+r9*1],r8');
  assert.equal(lock?.locked, true);
  assert.equal(parseInstruction('0x7f0   10  4887 REX.W xchgq rax,[rbx+0x10]')?.locked, true);
  assert.equal(parseInstruction('0x7f0   10  4887 REX.W xchgq rax,rbx')?.locked, false);
  const call = parseInstruction('0x7fb558005c02    82  e8f9f3eb1f           call 0x7fb577ec5000  (AtomicsAdd)    ;; near builtin entry');
  assert.equal(call?.builtin, 'AtomicsAdd');
  assert.deepEqual(call?.comments, ['near builtin entry']);
  assert.equal(parseInstruction('--- End code ---'), undefined);
  assert.deepEqual(parseOptCode('no listings here\n'), []);
});
