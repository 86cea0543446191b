export { sink } from './sink.js';
export { measureMemory, prepareMemoryMeasurement } from './memory.js';
export type { MemoryOptions, MemoryResult } from './memory.js';
export { optimizedCode } from './optcode.js';
export type { OptimizedCodeOptions } from './optcode.js';
export { parseOptCode } from './optlisting.js';
export type { CodeListing, Instruction } from './optlisting.js';
