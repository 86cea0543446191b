import { extname } from 'node:path';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Node arguments that let a child process load `file`: tsx's loader for TypeScript files. */
export function loaderArgs(file: string): string[] {
  if (!TYPESCRIPT.has(extname(file))) return [];
  // Resolved from this package, so the child finds tsx wherever the user's script lives.
  return ['--import', import.meta.resolve('tsx')];
}
