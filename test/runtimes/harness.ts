// What the cross-runtime and packaging tests share: where each runtime is, running the scenario
// in it, bundling it for a browser, serving it from loopback and reading it back from Chromium.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import puppeteer from 'puppeteer-core';
import { chromiumLaunchOptions } from '../chromium.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const scenarioDir = join(repoRoot, 'test', 'runtimes');
const toolchains = join(repoRoot, 'test', 'toolchains', 'node_modules');

export interface Runtime {
  name: string;
  /** The command that runs a script: the script's path is appended. */
  command: string[];
  version: string;
}

const INSTALL_TOOLCHAINS = 'npm ci installs it (the root package\'s prepare script runs `npm install --prefix test/toolchains`)';

/**
 * The runtimes the project claims and tests, each checked to be installed and to run (the two
 * older Nodes also to be exactly the lowest versions `engines` claims). A missing one fails the
 * calling test, with what installs it.
 */
export const runtimes = {
  node: (): Runtime => ({ name: 'node', command: [process.execPath], version: process.version }),
  node20: (): Runtime => nodeFrom('node-20', 'v20.19.0'),
  node22: (): Runtime => nodeFrom('node-22', 'v22.12.0'),
  bun: (): Runtime => binary('bun', bunBinary(), ['run'], 'npm ci installs it from the root devDependency `bun`'),
  deno: (permissions: string[] = []): Runtime => binary('deno', join(repoRoot, 'node_modules', '.bin', 'deno'), ['run', ...permissions],
    'npm ci installs it from the root devDependency `deno`'),
};

function nodeFrom(alias: string, version: string): Runtime {
  const path = join(toolchains, alias, 'bin', 'node');
  assert.ok(existsSync(path), `Node ${version} is not installed at ${path}: ${INSTALL_TOOLCHAINS}. Its npm package exists for linux-x64 only.`);
  const node = binary('node', path, [], INSTALL_TOOLCHAINS);
  assert.equal(node.version, version, `test/toolchains must hold the oldest Node of the line that engines claims`);
  return node;
}

// The bun package's command works once its install script has put the binary in place (npm runs
// it: package.json's allowScripts lists bun); where install scripts were skipped, the binary is
// still in the platform package npm installed beside it.
function bunBinary(): string {
  const command = join(repoRoot, 'node_modules', '.bin', 'bun');
  if (versionOf(command).status === 0) return command;
  return join(repoRoot, 'node_modules', '@oven', `bun-${process.platform}-${process.arch}`, 'bin', 'bun');
}

const versions = new Map<string, SpawnSyncReturns<string>>();
/** `path --version`, run once per path in this process. */
function versionOf(path: string): SpawnSyncReturns<string> {
  let probe = versions.get(path);
  if (probe === undefined) versions.set(path, probe = spawnSync(path, ['--version'], { encoding: 'utf8' }));
  return probe;
}

function binary(name: string, path: string, args: string[], install: string): Runtime {
  const probe = versionOf(path);
  assert.equal(probe.status, 0, `${name} at ${path} does not run (${probe.error?.message ?? probe.stderr}): ${install}`);
  return { name, command: [path, ...args], version: probe.stdout.trim().split('\n')[0]! };
}

/** tsc of TypeScript 5.7 (the oldest the types claim) or 5.8 (the oldest for CommonJS consumers). */
export function tsc(version: '5.7' | '5.8'): string {
  const path = join(toolchains, `typescript-${version}`, 'bin', 'tsc');
  assert.ok(existsSync(path), `TypeScript ${version} is not installed at ${path}: ${INSTALL_TOOLCHAINS}`);
  return path;
}

export interface ScenarioResult {
  core: Record<string, unknown>;
  platform: Record<string, unknown>;
}

/** Runs `script` (main.mjs, or a copy of it) in `runtime` from `cwd` and parses the JSON it printed last. */
export function runScenario<T = ScenarioResult>(runtime: Runtime, script: string, cwd: string, env: Record<string, string> = {}): T {
  const [command, ...args] = runtime.command;
  const run = spawnSync(command!, [...args, script], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } });
  assert.equal(run.status, 0, `${runtime.name} ${runtime.version} failed on ${script}:\n${run.stdout}\n${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/**
 * Bundles page.mjs and scenario-worker.mjs (found in `from`) with esbuild's defaults for a
 * browser: `esbuild --bundle --platform=browser`, nothing marked external. Returns the inputs
 * esbuild read, so that a test can see which of syncpool's files went in.
 */
export async function esbuildForBrowser(from: string, outdir: string): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [join(from, 'page.mjs'), join(from, 'scenario-worker.mjs')],
    bundle: true,
    platform: 'browser',
    outdir,
    absWorkingDir: from,
    metafile: true,
    logLevel: 'silent',
  });
  assert.deepEqual(result.warnings.map((w) => w.text), [], 'esbuild warned');
  return Object.keys(result.metafile.inputs);
}

/**
 * Bundles scenario-worker.mjs (found in `from`) into one string of JavaScript and writes it, as
 * the default export of `from`/.generated/worker-source.mjs, for main-blob-worker.mjs: a runtime
 * that may read no file at run time starts the worker from a Blob of that string.
 */
export async function workerSourceModule(from: string): Promise<void> {
  const result = await esbuild.build({
    entryPoints: [join(from, 'scenario-worker.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    absWorkingDir: from,
    logLevel: 'silent',
  });
  assert.deepEqual(result.warnings.map((w) => w.text), [], 'esbuild warned');
  mkdirSync(join(from, '.generated'), { recursive: true });
  writeFileSync(join(from, '.generated', 'worker-source.mjs'), `export default ${JSON.stringify(result.outputFiles[0]!.text)};\n`);
}

const INDEX_HTML = '<!doctype html><meta charset="utf-8"><title>syncpool</title><link rel="icon" href="data:,"><script type="module" src="page.js"></script>';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html' };

/**
 * Serves each of `dirs` (name -> directory holding page.js and scenario-worker.js) on loopback
 * twice: /NAME/isolated/ with the COOP and COEP headers that make a page cross-origin isolated
 * (SharedArrayBuffer exists), /NAME/plain/ without them.
 */
export async function serveBundles(dirs: Record<string, string>): Promise<{ url: (name: string, isolated: boolean) => string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const [, name, mode, ...rest] = (request.url ?? '/').split('?')[0]!.split('/');
    const dir = dirs[name ?? ''];
    const file = rest.join('/') || 'index.html';
    const path = dir === undefined ? undefined : normalize(join(dir, file));
    if (path === undefined || !path.startsWith(dir! + '/') || (mode !== 'isolated' && mode !== 'plain') || (file !== 'index.html' && !existsSync(path))) {
      response.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
    if (mode === 'isolated') {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
    }
    response.writeHead(200, headers).end(file === 'index.html' ? INDEX_HTML : readFileSync(path));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  return {
    url: (name, isolated) => `http://127.0.0.1:${port}/${name}/${isolated ? 'isolated' : 'plain'}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * Opens each URL in one headless Chromium (the one test/chromium.ts finds), with gc exposed or
 * as a browser comes, and returns each page's window.scenarioResult. An uncaught error on a page fails the call.
 */
export async function scenarioInChromium(urls: string[], { exposeGC }: { exposeGC: boolean }): Promise<ScenarioResult[]> {
  const browser = await puppeteer.launch(chromiumLaunchOptions(exposeGC ? ['--js-flags=--expose-gc'] : []));
  try {
    const results: ScenarioResult[] = [];
    for (const url of urls) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(url, { waitUntil: 'load' });
      const result = await page.evaluate('window.scenarioResult') as ScenarioResult;
      assert.deepEqual(errors, [], `errors on ${url}`);
      results.push(result);
      await page.close();
    }
    return results;
  } finally {
    await browser.close();
  }
}
