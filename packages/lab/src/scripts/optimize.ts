/**
 * Makes sure the methods exercise 5 reads are optimized on their own: a hot loop at the top level
 * of a script is compiled by on-stack replacement with the methods inlined into it, and whether
 * V8 also optimizes each method separately then depends on timing. After the warm-up has
 * collected type feedback, every method of the given prototypes is marked with
 * %OptimizeFunctionOnNextCall (natives enabled here at run time) and `run` calls them again.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--allow-natives-syntax');
const optimizeOnNextCall = new Function('f', '%OptimizeFunctionOnNextCall(f)') as (f: unknown) => void;

export function optimizeMethods(prototypes: object[], run: () => void): void {
  for (const prototype of prototypes) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (name !== 'constructor' && typeof method === 'function') optimizeOnNextCall(method);
    }
  }
  run();
}
