// The library's core behaviours in every runtime it claims: test/runtimes/scenario.mjs runs in
// the Node that runs this test (the reference), the oldest Node 20 and Node 22 it claims, Bun,
// Deno, and headless Chromium on pages with and without cross-origin isolation, bundled by
// esbuild, Rollup and webpack at their default browser settings. Each must print the same
// `core` results as the reference; `platform` holds what may differ, checked per runtime.
// Needs `npm run build` first (npm test does it), the runtimes npm ci installs and a Chromium (test/chromium.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import webpack from 'webpack';
import {
  esbuildForBrowser, repoRoot, runScenario, runtimes, scenarioDir, scenarioInChromium, serveBundles, workerSourceModule,
  type Runtime, type ScenarioResult,
} from './runtimes/harness.js';

const main = join(scenarioDir, 'main.mjs');
const syncpoolDist = join(repoRoot, 'packages', 'syncpool', 'dist');
const onNodes = { getBuffer: { value: 'Buffer' }, sharedArrayBufferView: 'notOwner' };
let reference: ScenarioResult;

before(() => {
  reference = runScenario(runtimes.node(), main, repoRoot);
});

test('the reference run in this Node exercised every behaviour', () => {
  assert.deepEqual(Object.keys(reference.core), ['getOrder', 'victimAcrossGCs', 'automaticCleanup', 'bytesPool', 'sharedPool']);
  assert.deepEqual(reference.platform, onNodes);
  // Spot checks that the reference itself is right (the unit tests check it all in detail).
  const core = reference.core as {
    getOrder: { order: string[] };
    victimAcrossGCs: { afterOne: number; afterTwo: number };
    automaticCleanup: { atLeastTwoCleanups: boolean; dropped: number };
    sharedPool: { second: { got: { id: number }[] } };
  };
  assert.deepEqual(core.getOrder.order, ['p1', 'p3', 'p2', 'v1', 'v2', 'v3', 'v4', 'new1', 'new2']);
  assert.deepEqual([core.victimAcrossGCs.afterOne, core.victimAcrossGCs.afterTwo], [1, 2], 'kept by one GC, released by the second');
  assert.deepEqual([core.automaticCleanup.atLeastTwoCleanups, core.automaticCleanup.dropped], [true, 1]);
  assert.deepEqual(core.sharedPool.second.got.map((g) => g.id), [3, 2, -1], 'worker 2 steals local 0 first, then local 1, then finds nothing');
});

for (const [what, runtime] of [
  ['the oldest Node 20 claimed', () => runtimes.node20()],
  ['the oldest Node 22 claimed', () => runtimes.node22()],
  ['Bun', () => runtimes.bun()],
  ['Deno, with read permission for the worker\'s modules', () => runtimes.deno([`--allow-read=${scenarioDir},${syncpoolDist}`])],
] as [string, () => Runtime][]) {
  test(`${what}: the same results as Node`, (t) => {
    const r = runtime();
    t.diagnostic(`${r.name} ${r.version}`);
    const result = runScenario(r, main, repoRoot);
    assert.deepEqual(result.core, reference.core);
    assert.deepEqual(result.platform, onNodes);
  });
}

test('Deno with no permission at all: the same results as Node, the workers started from a Blob of their bundle', async (t) => {
  const deno = runtimes.deno();
  t.diagnostic(deno.version);
  await workerSourceModule(scenarioDir);
  const result = runScenario(deno, join(scenarioDir, 'main-blob-worker.mjs'), repoRoot);
  assert.deepEqual(result.core, reference.core);
  assert.deepEqual(result.platform, onNodes);
});

test('SYNCPOOL_DEBUG=1 is read where the runtime lets the library read it, and never asked for', () => {
  const script = join(scenarioDir, 'debug-default.mjs');
  const on = { SYNCPOOL_DEBUG: '1' };
  const debugIn = (runtime: Runtime, env: Record<string, string>) => runScenario<{ debug: boolean }>(runtime, script, repoRoot, env).debug;
  assert.equal(debugIn(runtimes.node(), {}), false);
  assert.equal(debugIn(runtimes.node(), on), true);
  assert.equal(debugIn(runtimes.bun(), on), true);
  assert.equal(debugIn(runtimes.deno(['--allow-env=SYNCPOOL_DEBUG']), on), true);
  assert.equal(debugIn(runtimes.deno(), on), false, 'Deno without env permission: as if unset, and no error');
});

describe('headless Chromium', () => {
  const out = mkdtempSync(join(tmpdir(), 'syncpool-browser-'));
  const bundles: Record<string, string> = { esbuild: join(out, 'esbuild'), rollup: join(out, 'rollup'), webpack: join(out, 'webpack') };
  const inBrowser = { getBuffer: { threw: 'PoolError', message: 'BytesPool: getBuffer() needs Node.js Buffer; use get() for a Uint8Array' } };
  let inputs: string[];
  let pages: Record<string, ScenarioResult>;
  after(() => rmSync(out, { recursive: true, force: true }));

  before(async () => {
    inputs = await esbuildForBrowser(scenarioDir, bundles.esbuild!);
    await rollupForBrowser(bundles.rollup!);
    await webpackForBrowser(bundles.webpack!);
    const server = await serveBundles(bundles);
    try {
      const withGC = ['esbuild', 'rollup', 'webpack'].map((bundler) => server.url(bundler, true)).concat(server.url('esbuild', false));
      const [esbuild, rollup, webpack, plain] = await scenarioInChromium(withGC, { exposeGC: true });
      const [asItComes] = await scenarioInChromium([server.url('esbuild', false)], { exposeGC: false });
      pages = { esbuild: esbuild!, rollup: rollup!, webpack: webpack!, plain: plain!, asItComes: asItComes! };
    } finally {
      await server.close();
    }
  });

  test('no bundle contains a Node built-in: esbuild took syncpool\'s dist and nothing named node:', () => {
    assert.ok(inputs.some((input) => input.endsWith('packages/syncpool/dist/pool.js')), inputs.join('\n'));
    assert.deepEqual(inputs.filter((input) => input.startsWith('node:')), []);
    for (const dir of Object.values(bundles)) {
      for (const file of readdirSync(dir)) assert.doesNotMatch(readFileSync(join(dir, file), 'utf8'), /\brequire\(["']node:|\bfrom\s*["']node:|\bimport\(["']node:/, `${dir}/${file}`);
    }
  });

  for (const bundler of ['esbuild', 'rollup', 'webpack']) {
    test(`${bundler}'s bundle, cross-origin isolated page: the same results as Node, SharedPool across two Web Workers`, () => {
      const page = pages[bundler]!;
      assert.deepEqual(page.core, reference.core);
      assert.deepEqual(page.platform, { ...inBrowser, sharedArrayBufferView: 'notOwner', crossOriginIsolated: true });
    });
  }

  test('a page without cross-origin isolation: Pool and BytesPool the same as Node, SharedPool.create throws', () => {
    const { sharedPoolCreate, ...platform } = pages.plain!.platform;
    const { sharedPool: _, ...core } = reference.core;
    assert.deepEqual(pages.plain!.core, core);
    assert.deepEqual(platform, { ...inBrowser, sharedArrayBufferView: 'no SharedArrayBuffer', crossOriginIsolated: false });
    const { threw, message } = sharedPoolCreate as { threw: string; message: string };
    assert.equal(threw, 'PoolError', 'SharedPool.create must throw PoolError without cross-origin isolation');
    assert.match(message, /cross-origin isolated/i);
  });

  test('a browser as it comes (gc not exposed): cleanups follow its own GCs, gcCycle says what it needs', () => {
    const { sharedPoolCreate: _, gcCycle, ...platform } = pages.asItComes!.platform;
    const { sharedPool: _s, victimAcrossGCs: _v, ...core } = reference.core;
    assert.deepEqual(pages.asItComes!.core, core);
    assert.deepEqual(platform, { ...inBrowser, sharedArrayBufferView: 'no SharedArrayBuffer', crossOriginIsolated: false });
    assert.equal((gcCycle as { threw: string }).threw, 'PoolError');
    assert.match((gcCycle as { message: string }).message, /chromium --js-flags=--expose-gc/);
  });
});

// Rollup with its node-resolve plugin set for browsers (what Vite's production build does).
async function rollupForBrowser(outdir: string): Promise<void> {
  const bundle = await rollup({
    input: { page: join(scenarioDir, 'page.mjs'), 'scenario-worker': join(scenarioDir, 'scenario-worker.mjs') },
    plugins: [nodeResolve({ browser: true })],
    onwarn: (warning) => assert.fail(`rollup warned: ${warning.message}`),
  });
  await bundle.write({ dir: outdir, format: 'es', entryFileNames: '[name].js' });
  await bundle.close();
}

// webpack with its defaults (production mode, target web), one bundle per entry.
async function webpackForBrowser(outdir: string): Promise<void> {
  const stats = await new Promise<webpack.Stats | undefined>((done, fail) => webpack({
    mode: 'production',
    context: scenarioDir,
    entry: { page: './page.mjs', 'scenario-worker': './scenario-worker.mjs' },
    output: { path: outdir, filename: '[name].js' },
    infrastructureLogging: { level: 'error' },
  }, (error, result) => (error ? fail(error) : done(result))));
  const info = stats!.toJson({ all: false, errors: true, warnings: true });
  assert.deepEqual([...(info.errors ?? []), ...(info.warnings ?? [])].map((e) => e.message), [], 'webpack reported problems');
}
