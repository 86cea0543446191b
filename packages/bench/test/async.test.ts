// Async benchmarks, in plain JavaScript files (.mjs and .js) that must load without tsx: the
// built package (npm test builds first) installed into a scratch project that has no tsx.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { valueOf, type BenchResult } from 'syncpool-bench';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

function value(results: BenchResult[], name: string, unit: string): number {
  const r = results.find((x) => x.name === name);
  assert.ok(r, `no result for ${name}`);
  return valueOf(r, unit) ?? NaN;
}

/**
 * syncpool-bench installed as a project would have it, with its dependencies but without tsx:
 * the package itself copied into a scratch node_modules, its dependencies linked.
 */
function installWithoutTsx(): string {
  const root = mkdtempSync(join(tmpdir(), 'syncpool-bench-no-tsx-'));
  const installed = join(root, 'node_modules', 'syncpool-bench');
  mkdirSync(installed, { recursive: true });
  cpSync(join(packageDir, 'package.json'), join(installed, 'package.json'));
  cpSync(join(packageDir, 'dist'), join(installed, 'dist'), { recursive: true });
  const require = createRequire(join(packageDir, 'package.json'));
  for (const dep of ['commander', 'cli-progress']) {
    const entry = require.resolve(dep);
    const dir = entry.slice(0, entry.lastIndexOf(`node_modules/${dep}/`) + `node_modules/${dep}`.length);
    symlinkSync(dir, join(root, 'node_modules', dep));
  }
  assert.throws(() => createRequire(join(installed, 'dist', 'cli.js')).resolve('tsx'), 'tsx must not be reachable from the scratch install');
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  for (const name of ['async.bench.mjs', 'plain.bench.js']) cpSync(fixture(name), join(root, name));
  cpSync(fixture('typescript-only.bench.ts'), join(root, 'typescript-only.bench.ts'));
  return root;
}

test('async benchmarks in a .mjs file and a .js file, run with no tsx installed, are measured like synchronous ones', () => {
  const root = installWithoutTsx();
  const cli = join(root, 'node_modules', 'syncpool-bench', 'dist', 'cli.js');
  const json = join(root, 'results.json');
  const js = spawnSync(process.execPath, [cli, 'async.bench.mjs', 'plain.bench.js', '--benchtime', '20ms',
    '--bench', '^Benchmark(Await|AwaitObject|Rejects|Plain)$|^BenchmarkParent$/^async$',
    '--json', json], { cwd: root, encoding: 'utf8' });
  // A rejecting async benchmark fails the run as a throwing one does, and the others still run.
  assert.equal(js.status, 1, js.stderr);
  assert.match(js.stdout, /^--- FAIL: BenchmarkRejects-\d+\n {4}RangeError: deliberate async failure/m);
  const { results } = JSON.parse(readFileSync(json, 'utf8')) as { results: BenchResult[] };
  assert.deepEqual(results.map((r) => r.name), ['BenchmarkAwait', 'BenchmarkAwaitObject', 'BenchmarkParent/async', 'BenchmarkPlain']);
  for (const r of results) {
    // b.N grew from 1 until the benchtime had passed, and every unit was measured.
    assert.ok(r.iterations > 100, `${r.name}: N = ${r.iterations}`);
    assert.ok((valueOf(r, 'ns/op') ?? 0) > 0);
  }
  // The object is the one allocation AwaitObject makes beyond Await's own (its promise work),
  // although it is made after the first await, outside the call the harness made.
  assert.equal(value(results, 'BenchmarkAwaitObject', 'allocs/op') - value(results, 'BenchmarkAwait', 'allocs/op'), 1);
  const objectBytes = value(results, 'BenchmarkAwaitObject', 'B/op') - value(results, 'BenchmarkAwait', 'B/op');
  assert.ok(Math.abs(objectBytes - 32) < 1, `{ i } is 32 B, read ${objectBytes}`);
  assert.ok(value(results, 'BenchmarkAwait', 'allocs/op') >= 1, 'an await allocates');
  // Without tsx, a TypeScript file is bad input, refused before anything runs.
  const ts = spawnSync(process.execPath, [cli, 'typescript-only.bench.ts'], { cwd: root, encoding: 'utf8' });
  assert.equal(ts.status, 2, ts.stderr);
  assert.match(ts.stderr, /typescript-only\.bench\.ts: TypeScript benchmark files are loaded through tsx, which cannot be found.*npm install --save-dev tsx/);
  assert.equal(ts.stdout, '');
});
