import { extname } from 'node:path';
import { BenchError } from './errors.js';
import { RUNTIME } from './runtime.js';

// JavaScript benchmark files load as they are; only TypeScript needs a loader, tsx, which is
// looked up when a TypeScript file is run, so that a project with .js/.mjs files alone works
// without it. Deno and Bun load TypeScript themselves.
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Node arguments that let a child process load `file`: tsx's loader for TypeScript files. */
export function loaderArgs(file: string): string[] {
  if (RUNTIME !== 'node' || !TYPESCRIPT.has(extname(file))) return [];
  let tsx: string;
  try {
    // Resolved from this package, so the child finds tsx wherever the user's script lives.
    tsx = import.meta.resolve('tsx');
  } catch {
    throw new BenchError(`${file}: TypeScript benchmark files are loaded through tsx, which cannot be found from ` +
      'syncpool-bench; install it (npm install --save-dev tsx) or write the benchmarks as .js/.mjs files');
  }
  return ['--import', tsx];
}
