import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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
 * after a deopt), in order; the last one is the code that ran last.
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
  const argv = [
    ...loaderArgs(script), '--print-opt-code', '--print-opt-source', ...filter,
    ...(opts.nodeArgs ?? []), script, ...(opts.args ?? []),
  ];
  const { code, stdout, stderr } = await run(argv, opts.timeoutMs ?? 60_000);
  if (code !== 0) {
    throw new Error(`optimizedCode: node ${argv.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`);
  }
  const listings = parseOptCode(stdout, opts.flagCalls);
  const result: Record<string, CodeListing[]> = {};
  for (const name of functionNames) {
    result[name] = listings.filter((l) => l.name === name);
    if (result[name].length === 0) {
      throw new Error(`optimizedCode: TurboFan never optimized ${name} in ${scriptPath}: call it in a hot loop, ` +
        'or force it with %OptimizeFunctionOnNextCall (nodeArgs: [\'--allow-natives-syntax\']); ' +
        'an inlined function has no listing of its own (nodeArgs: [\'--no-turbo-inlining\'])');
    }
  }
  return result;
}

function run(argv: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}
