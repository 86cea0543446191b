export { sink } from './sink.js';
export { measureMemory, prepareMemoryMeasurement } from './memory.js';
export type { MemoryOptions, MemoryResult } from './memory.js';
