/**
 * The Go side of --with-go: runs the Go versions of the exercises (packages/lab/go, standard
 * library only) with the `go` on PATH. Benchmarks go through `go test -bench -benchmem`, whose
 * text the exercise parses with syncpool-bench's parseGoBench; programs under go/cmd print JSON.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseGoBench } from 'syncpool-bench';
import type { Artifact, Mode, Result } from '../exercise.js';
import { BENCH_SETTINGS, foldRuns, type Figures } from './bench.js';
import { parseObjdump, type GoFunction } from './go-listing.js';

const run = promisify(execFile);

/** packages/lab/go, from src/lib or dist/lib alike. */
export const GO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'go');

/** GOTOOLCHAIN=local: never download a toolchain; use the Go that is installed. */
const goEnv = (extra: Record<string, string> = {}) => ({ ...process.env, GOTOOLCHAIN: 'local', ...extra });

/** The `go version` line, or undefined when Go is not on PATH. */
async function goVersion(): Promise<string | undefined> {
  try {
    return (await run('go', ['version'], { env: goEnv() })).stdout.trim();
  } catch {
    return undefined;
  }
}

export type GoSection = NonNullable<Result['go']>;

/**
 * Runs an exercise's Go side when Go is installed; without Go the section says so and the
 * exercise carries on with its TypeScript numbers.
 */
export async function goSection(build: () => Promise<GoSection>): Promise<GoSection> {
  const version = await goVersion();
  if (version === undefined) {
    return { tables: [], artifacts: [], note: 'Go is not on PATH, so only the TypeScript numbers are shown (install golang-go and rerun with --with-go).' };
  }
  const section = await build();
  return { ...section, note: `Measured with ${version}${section.note === undefined ? '.' : `. ${section.note}`}` };
}

/** `go test -run ^$ -bench REGEX -benchmem` in packages/lab/go; returns Go's benchmark text. */
async function goBench(regex: string, opts: { benchtime: string; cpu?: string; count?: number }): Promise<string> {
  const args = ['test', '-run', '^$', '-bench', regex, '-benchmem', '-benchtime', opts.benchtime, '-count', String(opts.count ?? 1)];
  if (opts.cpu !== undefined) args.push('-cpu', opts.cpu);
  const { stdout } = await run('go', args, { cwd: GO_DIR, env: goEnv(), maxBuffer: 1 << 24, timeout: 600_000 });
  return stdout;
}

/** `go test -v -run REGEX PKG` on a standard-library package: each test's name, result and seconds. */
export async function goStdTests(pkg: string, regex: string): Promise<{ rows: (string | number)[][]; text: string }> {
  let text: string;
  try {
    text = (await run('go', ['test', '-count=1', '-v', '-run', regex, pkg], { env: goEnv(), maxBuffer: 1 << 24, timeout: 300_000 })).stdout;
  } catch (error) {
    // A failing test exits non-zero; its output is the finding.
    text = (error as { stdout?: string }).stdout ?? String(error);
  }
  const rows = [...text.matchAll(/^--- (PASS|FAIL|SKIP): (\S+) \(([\d.]+)s\)/gm)].map((m) => [m[2]!, m[1]!, Number(m[3])]);
  return { rows, text };
}

/** The Go section of an exercise that has no Go run, saying why. */
export const noGoRun = (why: string): GoSection => ({ tables: [], artifacts: [], note: why });

/** go test -count per mode: as many runs as the TypeScript side's processes, so that Go's figures show their spread too. */
export const GO_COUNT = Object.fromEntries(Object.entries(BENCH_SETTINGS).map(([mode, { count }]) => [mode, count])) as Record<Mode, number>;

/**
 * How many times each configuration of a program under go/cmd runs per mode: Go's scheduler
 * decides which P a goroutine runs on, so one run is one draw, and the report gives counts over
 * these runs or their median (min–max).
 */
export const GO_RUNS: Record<Mode, number> = { tiny: 5, quick: 20, full: 20 };

/**
 * `go test -bench -count N` of the benchmarks matching `regex`, parsed with syncpool-bench's
 * parseGoBench; keyed by name without the Benchmark prefix and with -P as printed when -cpu
 * lists several. ns/op is the median over the N runs, with their range.
 */
export async function goBenchFigures(regex: string, artifactName: string, opts: { benchtime: string; cpu?: string; count?: number }):
  Promise<{ figures: Map<string, Figures>; artifact: Artifact }> {
  const text = await goBench(regex, opts);
  const figures = foldRuns(parseGoBench(text), (r) => r.name.replace(/^Benchmark/, '') + (opts.cpu === undefined ? '' : `-${r.procs}`));
  return { figures, artifact: { name: `go/${artifactName}.txt`, content: text, show: 'link' } };
}

/** Builds go/cmd/NAME into a temporary directory, hands the binary to `use`, and removes it. */
async function withGoBinary<T>(name: string, use: (binary: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'syncpool-lab-go-'));
  try {
    const binary = join(dir, name);
    await run('go', ['build', '-o', binary, `./cmd/${name}`], { cwd: GO_DIR, env: goEnv() });
    return await use(binary);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `go tool objdump -s SYMBOLS` of go/cmd/NAME: Go's own listing, per function. */
export async function goObjdump(name: string, symbols: string): Promise<{ text: string; functions: Map<string, GoFunction> }> {
  const text = await withGoBinary(name, async (binary) =>
    (await run('go', ['tool', 'objdump', '-s', symbols, binary], { env: goEnv(), maxBuffer: 1 << 26 })).stdout);
  return { text, functions: parseObjdump(text) };
}

/**
 * Builds go/cmd/NAME once and runs it once per argument list, with extra environment (e.g.
 * GOMAXPROCS); each run prints one JSON object.
 */
export function goProgram<T>(name: string, runs: { args: string[]; env?: Record<string, string> }[]): Promise<T[]> {
  return withGoBinary(name, async (binary) => {
    const results: T[] = [];
    for (const r of runs) {
      const { stdout } = await run(binary, r.args, { env: goEnv(r.env), timeout: 120_000 });
      results.push(JSON.parse(stdout) as T);
    }
    return results;
  });
}
