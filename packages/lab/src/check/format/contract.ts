/**
 * Task 1's contract: what a learner's format module exports, checked before anything runs it.
 */
import { requireFunctions } from '../load.js';

/** The contract as the learner reads it (in usage errors and the starter). */
export const FORMAT_CONTRACT = `export function format(n: number): string;       // "0,1,...,n-1," written into a fresh buffer per call
export function formatPooled(n: number): string; // the same output, in a buffer taken from a syncpool Pool
                                                 // and reset before it is put back`;

export interface FormatModule {
  format(n: number): string;
  formatPooled(n: number): string;
}

/** The two functions of a loaded module, or a UsageError naming what is missing. */
export function formatFunctionsOf(module: Record<string, unknown>, file: string): FormatModule {
  requireFunctions(module, file, ['format', 'formatPooled'], FORMAT_CONTRACT);
  return module as unknown as FormatModule;
}
