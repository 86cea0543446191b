import { fork } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchtime } from './benchtime.js';
import type { BenchResult, BenchValue } from './benchfmt.js';
import type { ChildMessage } from './child.js';
import { BenchError } from './errors.js';
import { resultLine, withProcs, type LineValues } from './format.js';
import { loaderArgs } from './loader.js';
import { Matcher } from './names.js';
import { FLOOR_FACTOR, type PassConfig, type PassKind, type PassOutput, type PassRecord } from './passes.js';
import { ALLOCATION_FOLDING, CONCURRENT_AB_SWEEPING, flagArg } from './v8flags.js';

export interface RunOptions {
  /** Regular expression selecting benchmarks, split at '/' per level as in go test -bench (default '.'). */
  bench?: string;
  /** '1s', '500ms', '200x'... (default '1s'). */
  benchtime?: string;
  /** Timing runs per benchmark, each file's in a fresh process (default 1). */
  count?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Where the benchmark files' own console output goes (default: this process's stderr). */
  onOutput?: (chunk: string) => void;
}

export interface ProgressEvent { file: string; pass: PassKind; step: number; steps: number }

export interface BenchFailure { file: string; name?: string; message: string }

export interface RunResult {
  /** Go benchmark format, one block per file. */
  text: string;
  /** One record per result line, with exact (untruncated) values. */
  results: Array<BenchResult & { file: string }>;
  failures: BenchFailure[];
  /** Results that may be dead code (at the empty-loop floor) and other notes. */
  warnings: string[];
}

// Flags of the memory and allocs passes, and why. None changes what optimized code allocates;
// they remove the JIT's own heap activity from the measured run: Sparkplug batch compiles
// land in code space, flushed bytecode is recompiled into old space, and lazily allocated
// feedback vectors are heap allocations under the benchmark's stack.
const QUIET_JIT = ['--no-sparkplug', '--no-flush-bytecode', '--no-lazy-feedback-allocation'];
export const PASS_FLAGS: Record<PassKind, string[]> = {
  timing: [],
  memory: [flagArg(CONCURRENT_AB_SWEEPING, false), ...QUIET_JIT],
  allocs: [flagArg(ALLOCATION_FOLDING, false), ...QUIET_JIT],
};

const BENCH_FILE = /\.bench\.(ts|mts|js|mjs)$/;

/** Benchmark files named by `paths`: files as given, directories searched for *.bench.{ts,js,mts,mjs}. */
export function findBenchFiles(paths: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (BENCH_FILE.test(entry.name)) found.push(path);
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) throw new BenchError(`${path}: no such file or directory`);
    if (!statSync(path).isDirectory()) {
      found.push(path);
      continue;
    }
    const before = found.length;
    walk(path);
    if (found.length === before) throw new BenchError(`${path}: no *.bench.ts, *.bench.js, *.bench.mts or *.bench.mjs files in this directory`);
  }
  return found;
}

function childEntry(): string {
  const here = fileURLToPath(import.meta.url);
  // From dist, the compiled child; from src (this repository's tests, through tsx), its source.
  return join(dirname(here), here.endsWith('.ts') ? 'child.ts' : 'child.js');
}

function spawnPass(file: string, config: PassConfig, onOutput: (chunk: string) => void): Promise<ChildMessage> {
  const entry = childEntry();
  const loader = [...new Set([...loaderArgs(entry), ...loaderArgs(file)])];
  return new Promise((done, fail) => {
    const child = fork(entry, [file, JSON.stringify(config)], {
      execArgv: [...loader, ...PASS_FLAGS[config.kind]],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let message: ChildMessage | undefined;
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => onOutput(b.toString()));
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
      onOutput(b.toString());
    });
    child.on('message', (m) => { message = m as ChildMessage; });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (message !== undefined) done(message);
      else done({ loadError: `the ${config.kind} pass process exited with ${signal ?? `code ${code}`} before reporting:\n${stderr.slice(-2000)}` });
    });
  });
}

function configLines(pkg: string, benchtime: string): string[] {
  const lines = [
    `goos: ${process.platform}`,
    `goarch: ${({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[process.arch] ?? process.arch}`,
    `pkg: ${pkg}`,
    `cpu: ${os.cpus()[0]?.model.trim() ?? 'unknown'}`,
    `node: ${process.version}`,
    `v8: ${process.versions.v8}`,
    `benchtime: ${benchtime}`,
  ];
  for (const kind of ['timing', 'memory', 'allocs'] as const) {
    lines.push(`${kind}-flags: ${PASS_FLAGS[kind].join(' ') || '(none)'}`);
  }
  const nodeOptions = process.env['NODE_OPTIONS'];
  if (nodeOptions) lines.push(`node-options: ${nodeOptions}`);
  return lines;
}

interface Merged { name: string; values: LineValues; timing: PassRecord }

function byName(output: PassOutput | undefined): Map<string, PassRecord> {
  return new Map((output?.records ?? []).map((r) => [r.name, r]));
}

/**
 * One result line's values from a timing record and the memory and allocs records of its name.
 * As in Go, a metric the benchmark reported under a built-in unit (ns/op, MB/s, B/op,
 * allocs/op) replaces the measured one.
 */
function merge(t: PassRecord, mem: PassRecord | undefined, alloc: PassRecord | undefined): LineValues {
  const reported = new Map(t.extra ?? []);
  const builtin = (unit: string, measured: number): number => {
    const v = reported.get(unit);
    reported.delete(unit);
    return v ?? measured;
  };
  const seconds = (t.ns ?? 0) / 1e9;
  const bytes = t.bytesPerOpSet ?? 0;
  const memN = mem?.n ?? 1;
  const values: LineValues = {
    n: t.n,
    nsPerOp: builtin('ns/op', (t.ns ?? 0) / t.n),
    mbPerSec: builtin('MB/s', bytes > 0 && seconds > 0 ? (bytes * t.n) / 1e6 / seconds : 0),
    bytesPerOp: builtin('B/op', ((mem?.heapBytes ?? 0) + (mem?.offHeapBytes ?? 0)) / memN),
    allocsPerOp: builtin('allocs/op', (alloc?.allocations ?? 0) / (alloc?.n ?? 1)),
    extra: [],
  };
  values.extra = [
    ...reported,
    ['offheap-B/op', (mem?.offHeapBytes ?? 0) / memN],
    ['minor-GCs/op', (mem?.minorGCs ?? 0) / memN],
    ['major-GCs/op', (mem?.majorGCs ?? 0) / memN],
  ];
  return values;
}

function toValues(v: LineValues): BenchValue[] {
  const values: BenchValue[] = [{ value: v.nsPerOp, unit: 'ns/op' }];
  if (v.mbPerSec !== 0) values.push({ value: v.mbPerSec, unit: 'MB/s' });
  for (const [unit, value] of [...v.extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) values.push({ value, unit });
  values.push({ value: v.bytesPerOp, unit: 'B/op' }, { value: v.allocsPerOp, unit: 'allocs/op' });
  return values;
}

/**
 * Runs the benchmarks of `files` (files or directories), each file in fresh processes: `count`
 * timing passes, then one memory pass and one allocs pass at the N the first timing pass
 * settled on. Resolves with Go-format text and the same data as records. Throws BenchError for
 * bad arguments (a missing file, an invalid --bench or --benchtime); a file that fails to load
 * and a benchmark that throws are reported in `failures`, and the rest still run.
 */
export async function runBenchFiles(files: string[], opts: RunOptions = {}): Promise<RunResult> {
  const pattern = opts.bench ?? '.';
  new Matcher(pattern); // validates, naming the bad element
  const benchtimeText = opts.benchtime ?? '1s';
  const benchtime = parseBenchtime(benchtimeText);
  const count = opts.count ?? 1;
  if (!Number.isSafeInteger(count) || count < 1) throw new BenchError(`--count ${String(count)}: must be a positive integer`);
  const paths = findBenchFiles(files);
  const onOutput = opts.onOutput ?? ((chunk: string) => process.stderr.write(chunk));
  const procs = os.availableParallelism();
  const out: RunResult = { text: '', results: [], failures: [], warnings: [] };
  const blocks: string[] = [];

  for (const path of paths) {
    const file = resolve(path);
    const pkg = relative(process.cwd(), file) || file;
    const started = process.hrtime.bigint();
    const steps = count + 2;
    let step = 0;
    const pass = async (kind: PassKind, plan?: Record<string, number>): Promise<PassOutput | string> => {
      opts.onProgress?.({ file: pkg, pass: kind, step: step++, steps });
      const config: PassConfig = { kind, benchtime, pattern };
      if (plan !== undefined) config.plan = plan;
      const message = await spawnPass(file, config, onOutput);
      return 'loadError' in message ? message.loadError : message.output;
    };

    const timings: PassOutput[] = [];
    let loadError: string | undefined;
    for (let c = 0; c < count && loadError === undefined; c++) {
      const r = await pass('timing');
      if (typeof r === 'string') loadError = r;
      else timings.push(r);
    }
    const lines = configLines(pkg, benchtimeText);
    const fileFailures: BenchFailure[] = [];
    if (loadError !== undefined) {
      fileFailures.push({ file: pkg, message: `cannot load ${pkg}:\n${loadError}` });
    } else {
      const plan = Object.fromEntries((timings[0]?.records ?? []).map((r) => [r.name, r.n]));
      const memory = await pass('memory', plan);
      const allocs = await pass('allocs', plan);
      const passes = { memory, allocs };
      for (const [kind, r] of Object.entries(passes)) {
        if (typeof r === 'string') fileFailures.push({ file: pkg, message: `the ${kind} pass failed to load ${pkg}:\n${r}` });
      }
      const mem = byName(typeof memory === 'string' ? undefined : memory);
      const alloc = byName(typeof allocs === 'string' ? undefined : allocs);
      const failed = new Map<string, string>();
      for (const o of [...timings, memory, allocs]) {
        if (typeof o === 'string') continue;
        for (const f of o.failures) if (!failed.has(f.name)) failed.set(f.name, f.message);
      }
      // Result lines grouped per benchmark in the order they first ran, as go test -count does.
      const merged = new Map<string, Merged[]>();
      for (const t of timings) {
        for (const r of t.records) {
          if (failed.has(r.name)) continue;
          const list = merged.get(r.name) ?? [];
          list.push({ name: r.name, values: merge(r, mem.get(r.name), alloc.get(r.name)), timing: r });
          merged.set(r.name, list);
          const best = r.nearFloorNs;
          if (best !== undefined && !out.warnings.some((w) => w.startsWith(`${withProcs(r.name, procs)}:`))) {
            out.warnings.push(`${withProcs(r.name, procs)}: ${best.toFixed(3)} ns/op is within ${FLOOR_FACTOR}× of an empty loop ` +
              `(${(t.floorNs ?? 0).toFixed(3)} ns/op): the optimizer may have removed the work; pass its results to sink()`);
          }
        }
      }
      const maxLen = Math.max(0, ...[...merged.keys(), ...failed.keys()].map((n) => withProcs(n, procs).length));
      for (const [name, list] of merged) {
        for (const m of list) {
          lines.push(resultLine(withProcs(name, procs), maxLen, m.values));
          out.results.push({ file: pkg, name, procs, iterations: m.values.n, values: toValues(m.values), config: {} });
        }
      }
      for (const [name, message] of failed) {
        fileFailures.push({ file: pkg, name, message });
        lines.push(`--- FAIL: ${withProcs(name, procs)}`, ...message.split('\n').map((l) => `    ${l}`));
      }
    }
    for (const f of fileFailures) if (f.name === undefined) lines.push(...f.message.split('\n').map((l) => `# ${l}`));
    const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(3);
    lines.push(fileFailures.length === 0 ? 'PASS' : 'FAIL', `${fileFailures.length === 0 ? 'ok  ' : 'FAIL'}\t${pkg}\t${seconds}s`);
    out.failures.push(...fileFailures);
    blocks.push(lines.join('\n'));
    const config = Object.fromEntries(configLines(pkg, benchtimeText).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
    for (const r of out.results) if (r.file === pkg) r.config = config;
  }
  out.text = `${blocks.join('\n')}\n`;
  return out;
}
