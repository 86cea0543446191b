/**
 * Messages a child process sends to the parent over the IPC channel (runner.ts <- child.ts).
 * Structured-clone friendly by construction: Results are plain data.
 */
import type { Result } from './exercise.js';

export type ChildMessage =
  | { type: 'progress'; fraction: number; label: string }
  | { type: 'result'; result: Result }
  | { type: 'error'; message: string };
