/**
 * Running `go test` on the learner's Go package: the package is copied to a temporary folder
 * (its own tests left out), the check's test file is added in the package's own name, and the
 * `go` on PATH runs it; without `go` the check says what to install.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../load.js';

const run = promisify(execFile);
const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };

/** The `go` command's version line, or a UsageError saying what to install. */
async function goVersion(): Promise<string> {
  try {
    return (await run('go', ['version'], { env })).stdout.trim();
  } catch {
    throw new UsageError('check --go needs Go 1.19 or later on PATH (atomic.Uint64): install it from https://go.dev/dl/ ' +
      'or with your package manager (Debian: apt install golang-go), then run the check again.');
  }
}

export interface GoPackage {
  /** The temporary copy. */
  dir: string;
  version: string;
  /** `go <args>` in the copy: whether it exited 0, and its output. */
  go(args: string[]): Promise<{ ok: boolean; text: string }>;
}

/**
 * Copies the package at `path`, adds `testSource(packageName)` as `testFile`, and runs `body`
 * on the copy; a folder without Go sources, or one that does not build with the check's test,
 * is a UsageError with the contract.
 */
export async function withGoPackage<T>(path: string, contract: string, testFile: string, testSource: (pkg: string) => string,
  body: (p: GoPackage) => Promise<T>): Promise<T> {
  const dir = resolve(path);
  const sources = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')) : [];
  if (sources.length === 0) throw new UsageError(`${path} is not a folder with the Go package to check (init --go writes one).\nThe contract:\n${contract}`);
  const pkg = /^package (\w+)/m.exec(readFileSync(join(dir, sources[0]!), 'utf8'))?.[1] ?? 'main';
  const version = await goVersion();
  const work = mkdtempSync(join(tmpdir(), 'syncpool-check-go-'));
  try {
    cpSync(dir, work, { recursive: true, filter: (f) => !f.endsWith('_test.go') });
    if (!existsSync(join(work, 'go.mod'))) writeFileSync(join(work, 'go.mod'), `module ${pkg}\n\ngo 1.19\n`);
    writeFileSync(join(work, testFile), testSource(pkg));
    const go = async (args: string[]) => {
      const out = await run('go', args, { cwd: work, env, maxBuffer: 64 << 20 })
        .then((r) => ({ ok: true, text: `${r.stdout}${r.stderr}` }), (e: { stdout?: string; stderr?: string }) => ({ ok: false, text: `${e.stdout ?? ''}${e.stderr ?? ''}` }));
      if (/\[build failed\]|\[setup failed\]|^# /m.test(out.text)) {
        throw new UsageError(`${path} does not build with the check's ${testFile}:\n${out.text.trim()}\nThe contract:\n${contract}`);
      }
      return out;
    };
    return await body({ dir: work, version, go });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
