import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loaderArgs } from './loader.js';
import { parseOptCode, type CodeListing } from './optlisting.js';

export interface OptimizedCodeOptions {
  /** Extra node/V8 flags, e.g. ['--no-turbo-inlining'] to get listings for inlined methods. */
  nodeArgs?: string[];
  /** Arguments for the script. */
  args?: string[];
  /** Builtins whose calls are flagged (default /^Atomics/). */
  flagCalls?: RegExp;
  /** Kill the script after this many milliseconds (default 60 000). */
  timeoutMs?: number;
}

/**
 * Runs `scriptPath` under `node --print-opt-code --print-opt-source` and returns TurboFan's
 * x64 listings of the named functions: every listing V8 printed (OSR code, reoptimizations
 * after a deopt), in order, the main thread's first, then any workers'. The script runs in a
 * temporary working directory, with --no-concurrent-recompilation.
 *
 * The script must warm up the functions until TurboFan optimizes them (a hot loop, or
 * %OptimizeFunctionOnNextCall with --allow-natives-syntax in nodeArgs). V8 lists a class method
 * under its bare name ('get', not 'Pool.get'), and a function inlined into its callers gets no
 * listing of its own unless it is also called elsewhere (or nodeArgs has --no-turbo-inlining).
 * Rejects when the script fails, or when a named function was never optimized (an empty
 * listing would otherwise prove "no Atomics" vacuously).
 */
export async function optimizedCode(
  scriptPath: string, functionNames: string[], opts: OptimizedCodeOptions = {},
): Promise<Record<string, CodeListing[]>> {
  if (typeof scriptPath !== 'string' || !existsSync(scriptPath)) {
    throw new TypeError(`optimizedCode: script ${String(scriptPath)} does not exist`);
  }
  if (!Array.isArray(functionNames) || functionNames.length === 0 || !functionNames.every((n) => typeof n === 'string' && n !== '')) {
    throw new TypeError('optimizedCode: functionNames must be a non-empty array of function names');
  }
  const script = resolve(scriptPath);
  // One name: let V8 print only that function. Several: print everything and pick here.
  const filter = functionNames.length === 1 ? [`--print-opt-code-filter=${functionNames[0]}`] : [];
  // Compiling on the main thread makes a hot function's listing certain: a background compile
  // can still be queued when a short script ends. The generated code is the same.
  // Each isolate (the main thread, tsx's loader thread, workers) prints its listings into a
  // file of its own: on a shared stdout their lines interleave mid-line. The files land in the
  // script's working directory, a fresh temporary one.
  const argv = [
    ...loaderArgs(script), '--print-opt-code', '--print-opt-source', '--no-concurrent-recompilation',
    '--redirect-code-traces', ...filter, ...(opts.nodeArgs ?? []), script, ...(opts.args ?? []),
  ];
  const cwd = mkdtempSync(join(tmpdir(), 'syncpool-optcode-'));
  let listings: CodeListing[];
  try {
    const { code, stderr } = await run(argv, cwd, opts.timeoutMs ?? 60_000);
    if (code !== 0) {
      throw new Error(`optimizedCode: node ${argv.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`);
    }
    listings = readdirSync(cwd).filter((f) => /^code-\d+-\d+\.asm$/.test(f)).sort()
      .flatMap((f) => parseOptCode(readFileSync(join(cwd, f), 'utf8'), opts.flagCalls));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  const result: Record<string, CodeListing[]> = {};
  for (const name of functionNames) {
    result[name] = listings.filter((l) => l.name === name && !LOADER.test(l.script));
    if (result[name].length === 0) {
      throw new Error(`optimizedCode: TurboFan never optimized ${name} in ${scriptPath}: call it in a hot loop, ` +
        'or force it with %OptimizeFunctionOnNextCall (nodeArgs: [\'--allow-natives-syntax\']); ' +
        'an inlined function has no listing of its own (nodeArgs: [\'--no-turbo-inlining\'])');
    }
  }
  return result;
}

/** tsx's loader and esbuild run in an isolate of their own; their functions are not the script's. */
const LOADER = /[\\/]node_modules[\\/](tsx|esbuild)[\\/]/;

function run(argv: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr: Buffer.concat(err).toString() }));
  });
}
