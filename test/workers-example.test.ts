// The crash-recovery example (examples/workers): run it, and check its accounting: every job
// verified once, one death by each of process.exit, an uncaught throw and terminate(), each
// recovered by a reclaim of the parent's reservation, every graceful exit's reclaim a no-op, and
// a census that balances to zero outstanding. The README's SharedPool snippet is the example's
// code. The example runs the built package (npm test builds first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const examplePath = (file: string) => `${root}examples/workers/${file}`;

interface Death { stage: string; how: string; code: number; reclaimed: boolean; recovered: number; lost: number; fromLedger: number }
interface Accounting {
  jobs: number; verified: number; intact: number; reportedTwice: number; redone: number;
  deaths: Death[];
  shutdowns: { code: number; reclaimed: boolean }[];
  census: { blocks: number; pooled: number; neverHandedOut: number; outstanding: number; unreleased: number };
  stats: { gets: number; puts: number; exhausted: number };
}

const CRASHES = ['process.exit(1)', 'uncaught throw', 'terminate()'];
const WORKERS = 4;

/** What is wrong with an accounting, one line per broken rule; empty when it balances. */
function violations(a: Accounting): string[] {
  const found: string[] = [];
  if (a.verified !== a.jobs || a.intact !== a.jobs) found.push(`${a.intact} of ${a.jobs} jobs verified intact (${a.verified} reported)`);
  if (a.reportedTwice !== 0) found.push(`${a.reportedTwice} jobs reported twice`);
  const hows = a.deaths.map((d) => d.how).sort();
  if (JSON.stringify(hows) !== JSON.stringify([...CRASHES].sort())) found.push(`deaths ${hows.join(', ')}, expected one each of ${CRASHES.join(', ')}`);
  for (const d of a.deaths) {
    if (!d.reclaimed) found.push(`the ${d.how} death's local was not reclaimed`);
    if (d.code === 0) found.push(`the ${d.how} death exited with code 0`);
    if (d.lost !== 0) found.push(`the ${d.how} death's reclaim lost ${d.lost}`);
    if (d.fromLedger < 1) found.push(`the ${d.how} death held no block by the ledger: it died with nothing to recover`);
  }
  if (a.deaths.reduce((sum, d) => sum + d.fromLedger, 0) !== a.redone) found.push(`${a.redone} jobs redone, not the blocks recovered from the ledgers`);
  if (a.shutdowns.length !== WORKERS) found.push(`${a.shutdowns.length} graceful exits, expected ${WORKERS}`);
  for (const s of a.shutdowns) {
    if (s.code !== 0) found.push(`a graceful exit with code ${s.code}`);
    if (s.reclaimed) found.push('a reclaim after a graceful detach reclaimed something');
  }
  const c = a.census;
  if (c.outstanding !== 0) found.push(`census: ${c.outstanding} outstanding`);
  if (c.pooled + c.neverHandedOut !== c.blocks) found.push(`census: ${c.pooled} pooled + ${c.neverHandedOut} never handed out != ${c.blocks} blocks`);
  if (c.unreleased !== 0) found.push(`census: ${c.unreleased} ring slots unreleased`);
  if (a.stats.gets !== a.jobs + a.redone || a.stats.puts !== a.stats.gets || a.stats.exhausted !== 0) {
    found.push(`stats: ${a.stats.gets} gets, ${a.stats.puts} puts, ${a.stats.exhausted} exhausted for ${a.jobs} jobs and ${a.redone} redone`);
  }
  return found;
}

const run = spawnSync(process.execPath, [examplePath('pipeline.mjs'), '--json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const accounting = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? 'null') as Accounting;

test('the workers example balances its accounting after three crashes and a graceful shutdown', () => {
  assert.equal(run.status, 0, `pipeline.mjs failed:\n${run.stdout}\n${run.stderr}`);
  assert.deepEqual(violations(accounting), []);
  assert.match(run.stdout, /census: 16 blocks = \d+ pooled \+ \d+ never handed out \+ 0 outstanding: balanced/);
});

test('the accounting check catches every broken accounting in its gallery', () => {
  const broken: [string, (a: Accounting) => void, RegExp][] = [
    ['a block leaked', (a) => { a.census.outstanding = 1; a.census.pooled -= 1; }, /1 outstanding/],
    ['a block counted twice', (a) => { a.census.pooled += 1; }, /!= 16 blocks/],
    ['a job lost', (a) => { a.intact -= 1; }, /199 of 200/],
    ['a job reported twice', (a) => { a.reportedTwice = 1; }, /reported twice/],
    ['a crash missing', (a) => { a.deaths.pop(); }, /expected one each/],
    ['a death not reclaimed', (a) => { a.deaths[0]!.reclaimed = false; }, /not reclaimed/],
    ['a reclaim that lost a block', (a) => { a.deaths[1]!.lost = 1; }, /lost 1/],
    ['a death holding nothing', (a) => { a.deaths[2]!.fromLedger = 0; a.redone -= 1; }, /held no block/],
    ['redone jobs not matching', (a) => { a.redone += 1; }, /redone/],
    ['a worker that did not stop', (a) => { a.shutdowns.pop(); }, /graceful exits/],
    ['a graceful exit that failed', (a) => { a.shutdowns[0]!.code = 1; }, /graceful exit with code 1/],
    ['a reclaim after detach that did something', (a) => { a.shutdowns[0]!.reclaimed = true; }, /after a graceful detach/],
    ['a ring slot left claimed', (a) => { a.census.unreleased = 1; }, /unreleased/],
    ['a put missing', (a) => { a.stats.puts -= 1; }, /stats:/],
  ];
  for (const [what, breakIt, expected] of broken) {
    const copy = structuredClone(accounting);
    breakIt(copy);
    assert.match(violations(copy).join('\n'), expected, what);
  }
});

/** The lines between `// #region name` and `// #endregion name` in an example file. */
function region(file: string, name: string): string {
  const text = readFileSync(examplePath(file), 'utf8');
  const match = new RegExp(`// #region ${name}\\n([\\s\\S]*?)// #endregion ${name}\\n`).exec(text);
  assert.ok(match, `${file} has no region ${name}`);
  return match[1]!;
}

test("the README's SharedPool snippet is the workers example's code", () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  for (const [file, name] of [['pipeline.mjs', 'parent'], ['stage.mjs', 'worker']] as const) {
    const code = region(file, name);
    assert.ok(blocks.some((block) => block.includes(code)), `README.md has no js block with ${file}'s region ${name}:\n${code}`);
  }
});
