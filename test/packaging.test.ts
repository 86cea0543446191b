// The three packages as npm would publish them: `npm pack` each, check what the tarballs hold,
// lint them with publint and @arethetypeswrong/cli, install only the tarballs into an empty
// project, and use them there as a user would: import from ESM and require from CommonJS on every
// Node line claimed, type-check a consumer with the oldest TypeScript claimed, run the scenario
// in Node, Deno (no permission flags) and Bun, bundle it for a browser with esbuild's defaults and
// run it in Chromium, and run `npx syncpool-lab`.
// Needs `npm run build` first (npm test does it), the npm registry or npm's cache for the
// dependencies of syncpool-bench and syncpool-lab, the runtimes npm ci installs, and a Chromium
// (test/chromium.ts: the system's, or the one npm ci installs).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import {
  esbuildForBrowser, repoRoot, runScenario, runtimes, scenarioDir, scenarioInChromium, serveBundles, tsc, workerSourceModule, type Runtime, type ScenarioResult,
} from './runtimes/harness.js';

const run = promisify(execFile);
const ENGINES = '^20.19.0 || >=22.12.0';
const REPOSITORY = 'https://github.com/syncpool/syncpool';
const packages = [
  { dir: 'syncpool', name: 'syncpool' },
  { dir: 'bench', name: 'syncpool-bench' },
  { dir: 'lab', name: 'syncpool-lab' },
] as const;

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

const work = mkdtempSync(join(tmpdir(), 'syncpool-packaging-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
let packed: Record<string, Packed & { tarball: string }>;

before(async () => {
  mkdirSync(tarballs);
  mkdirSync(app);
  // The packages are built by npm test's first step; --ignore-scripts keeps the lab's prepare
  // script from building again.
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, ...packages.flatMap((p) => ['-w', `packages/${p.dir}`])], { cwd: repoRoot });
  packed = Object.fromEntries((JSON.parse(stdout) as Packed[]).map((p) => [p.name, { ...p, tarball: join(tarballs, p.filename) }]));
  // The user's project: nothing but the three tarballs (their dependencies come from the registry,
  // or npm's cache when it holds them).
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages.map((p) => packed[p.name]!.tarball)], { cwd: app });
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('the tarballs', () => {
  for (const { dir, name } of packages) {
    test(`${name}: README, LICENSE, built code and nothing from the repository's working files`, () => {
      const files = packed[name]!.files.map((f) => f.path).sort();
      for (const required of ['LICENSE', 'README.md', 'package.json', dir === 'lab' ? 'dist/cli.js' : 'dist/index.js']) {
        assert.ok(files.includes(required), `${name} lacks ${required}`);
      }
      const allowed = dir === 'lab' ? /^(dist\/.+\.js(\.map)?|go\/.+\.(go|mod)|starters\/[^/]+\.ts)$/ : /^dist\/.+\.(js|js\.map|d\.ts)$/;
      const stray = files.filter((f) => !['LICENSE', 'README.md', 'package.json'].includes(f) && !allowed.test(f));
      assert.deepEqual(stray, [], `${name} ships files it should not`);
      assert.equal(readFileSync(join(app, 'node_modules', name, 'LICENSE'), 'utf8'), readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
    });

    test(`${name}: package.json says where it comes from, what it runs on, and is publishable`, () => {
      const pkg = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(pkg.private, undefined);
      assert.equal(pkg.license, 'MIT');
      assert.deepEqual(pkg.engines, { node: ENGINES });
      assert.deepEqual(pkg.repository, { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${dir}` });
      assert.equal(pkg.homepage, `${REPOSITORY}/tree/main/packages/${dir}#readme`);
      assert.deepEqual(pkg.bugs, { url: `${REPOSITORY}/issues` });
    });

    test(`${name}: every source map carries its sources`, () => {
      const maps = packed[name]!.files.map((f) => f.path).filter((f) => f.endsWith('.map'));
      assert.ok(maps.length > 0);
      for (const map of maps) {
        const { sources, sourcesContent } = JSON.parse(readFileSync(join(app, 'node_modules', name, map), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
        assert.equal(sourcesContent?.length, sources.length, `${map} lacks sourcesContent`);
      }
    });

    test(`${name}: publint, strict, finds nothing`, async () => {
      const tarball = readFileSync(packed[name]!.tarball);
      const { messages, pkg } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, strict: true });
      assert.deepEqual(messages.map((m) => formatMessage(m, pkg)), []);
    });
  }

  test('lab: the Go files --with-go runs are in the tarball', () => {
    const files = packed['syncpool-lab']!.files.map((f) => f.path);
    const goFiles = readdirSync(join(repoRoot, 'packages', 'lab', 'go'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.go') || f.endsWith('.mod')).map((f) => `go/${f}`);
    assert.ok(goFiles.length > 0);
    assert.deepEqual(goFiles.filter((f) => !files.includes(f)), []);
  });

  // The two libraries' types, in every resolution mode. The one rule set aside: attw flags any
  // ESM-only package as failing `require` in Node, which stopped being true in Node 20.19 and
  // 22.12, the oldest the packages claim (engines); the CommonJS tests below require them.
  test('@arethetypeswrong/cli finds no problem in syncpool or syncpool-bench', async () => {
    const attw = join(repoRoot, 'node_modules', '.bin', 'attw');
    await Promise.all(['syncpool', 'syncpool-bench'].map(async (name) => {
      const result = await run(attw, [packed[name]!.tarball, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'], { cwd: work }).catch((e: { stdout: string; stderr: string }) => e);
      assert.ok(!('code' in result), `attw on ${name}:\n${result.stdout}\n${result.stderr}`);
    }));
  });
});

describe('installed from the tarballs alone', () => {
  const esm = `import * as root from 'syncpool';
import { PoolDequeue } from 'syncpool/internals';
import { bench } from 'syncpool-bench';
const { Pool, gcCycle } = root;
const pool = new Pool({ new: () => ({ n: 0 }) });
pool.put(pool.get());
await gcCycle(); // a real GC moves the item to the victim cache, where the next get finds it
pool.get();
console.log(JSON.stringify({ bench: typeof bench, victimHits: pool.stats().victimHits, internals: typeof PoolDequeue, rootHasInternals: 'PoolDequeue' in root || 'LAYOUT_VERSION' in root }));
`;
  const cjs = `const { Pool } = require('syncpool');
const { PoolDequeue } = require('syncpool/internals');
const { bench } = require('syncpool-bench');
const pool = new Pool({ new: () => 1 });
console.log(JSON.stringify({ bench: typeof bench, got: pool.get(), internals: typeof PoolDequeue }));
`;
  before(() => {
    writeFileSync(join(app, 'esm.mjs'), esm);
    writeFileSync(join(app, 'cjs.cjs'), cjs);
  });

  for (const [what, runtime] of [
    ['the oldest Node 20 claimed', () => runtimes.node20()],
    ['the oldest Node 22 claimed', () => runtimes.node22()],
    ['the Node running this test', () => runtimes.node()],
  ] as [string, () => Runtime][]) {
    test(`${what}: import from ESM and require from CommonJS`, (t) => {
      const node = runtime();
      t.diagnostic(node.version);
      assert.deepEqual(runScenario(node, 'esm.mjs', app), { bench: 'function', victimHits: 1, internals: 'function', rootHasInternals: false });
      assert.deepEqual(runScenario({ ...node, command: [...node.command, '--no-warnings'] }, 'cjs.cjs', app), { bench: 'function', got: 1, internals: 'function' });
    });
  }

  test('TypeScript: an ESM consumer checks with 5.7 (nodenext and bundler), a CommonJS one with 5.8', async () => {
    writeFileSync(join(app, 'consumer.ts'), `import { BytesPool, Pool, PoolError, SharedPool, gcCycle, type PoolStats } from 'syncpool';
import { PoolDequeue } from 'syncpool/internals';
import { bench, sink } from 'syncpool-bench';
const pool = new Pool({ new: () => ({ n: 0 }) });
const item: { n: number } = pool.get();
pool.put(item);
const maybe: string | undefined = new Pool<string>().get();
const bytes: Uint8Array<ArrayBuffer> = new BytesPool().get(100);
const stats: PoolStats = pool.stats();
const ids: number = SharedPool.create({ blockSize: 64, blocks: 4, maxLocals: 2 }).get();
const ring = new PoolDequeue(new SharedArrayBuffer(PoolDequeue.byteLength(2)));
const pushed: boolean = ring.pushHead(1);
bench('get', (b) => { for (let i = 0; i < b.N; i++) sink(pool.get()); });
export const used = [maybe, bytes, stats, ids, pushed, gcCycle, PoolError];
`);
    writeFileSync(join(app, 'consumer-cjs.cts'), `import { Pool } from 'syncpool';
export const n: number = new Pool({ new: () => 1 }).get();
`);
    // lib es2022 alone: the DOM's declarations cost about 8 times the check time (measured, TS 5.7) and test nothing here.
    const options = { target: 'es2022', lib: ['es2022'], strict: true, noEmit: true, skipLibCheck: false, types: [] };
    const config = (file: string, module: string, moduleResolution: string, files: string[]) =>
      writeFileSync(join(app, file), JSON.stringify({ compilerOptions: { ...options, module, moduleResolution }, files }));
    config('tsconfig.nodenext.json', 'nodenext', 'nodenext', ['consumer.ts']);
    config('tsconfig.bundler.json', 'esnext', 'bundler', ['consumer.ts']);
    config('tsconfig.cjs.json', 'nodenext', 'nodenext', ['consumer-cjs.cts']);
    await Promise.all([
      [tsc('5.7'), '-b', 'tsconfig.nodenext.json', 'tsconfig.bundler.json'],
      [tsc('5.8'), '-p', 'tsconfig.cjs.json'],
    ].map(async (args) => {
      const result = await run(process.execPath, args, { cwd: app }).catch((e: { stdout: string }) => e);
      assert.ok(!('code' in result), `tsc ${args.slice(1).join(' ')}:\n${result.stdout}`);
    }));
  });

  test('npx syncpool-lab --list, then one exercise in --tiny mode', async () => {
    const { stdout: list } = await run('npx', ['--no', '--', 'syncpool-lab', '--list'], { cwd: app });
    assert.equal(list.match(/^ ?\d+ {2}\S/gm)?.length, 12, list);
    const out = join(app, 'lab-report');
    const { stdout } = await run('npx', ['--no', '--', 'syncpool-lab', '2', '--tiny', '--out', out], { cwd: app });
    assert.match(stdout, /Report: .*index\.html/);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /## 02\. /);
  });

  describe('the scenario, as the cross-runtime test runs it, from this project', () => {
    let reference: ScenarioResult;
    before(() => {
      for (const file of ['main.mjs', 'main-blob-worker.mjs', 'scenario.mjs', 'scenario-worker.mjs', 'page.mjs']) copyFileSync(join(scenarioDir, file), join(app, file));
      reference = runScenario(runtimes.node(), 'main.mjs', app);
    });

    test('deno run with no permission flag: the same results as Node, the workers started from a Blob of their bundle', async (t) => {
      const deno = runtimes.deno();
      t.diagnostic(deno.version);
      await workerSourceModule(app);
      assert.deepEqual(runScenario(deno, 'main-blob-worker.mjs', app).core, reference.core);
    });

    test('deno run --allow-read (for the workers) and bun: the same results as Node', () => {
      for (const runtime of [runtimes.deno([`--allow-read=${app}`]), runtimes.bun()]) {
        assert.deepEqual(runScenario(runtime, 'main.mjs', app).core, reference.core, runtime.name);
      }
    });

    test('esbuild --bundle --platform=browser, default options: runs in headless Chromium with the same results', async () => {
      const bundle = join(work, 'bundle');
      const inputs = await esbuildForBrowser(app, bundle);
      assert.ok(inputs.some((input) => input.startsWith('node_modules/syncpool/dist/')), inputs.join('\n'));
      assert.ok(existsSync(join(bundle, 'page.js')));
      const server = await serveBundles({ app: bundle });
      try {
        const [page] = await scenarioInChromium([server.url('app', true)], { exposeGC: true });
        assert.deepEqual(page!.core, reference.core);
      } finally {
        await server.close();
      }
    });
  });
});
