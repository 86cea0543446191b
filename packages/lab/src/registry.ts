/** Every exercise, in the seed's order. */
import type { Exercise } from './exercise.js';
import { exercise as bufferPool } from './exercises/01-buffer-pool.js';
import { exercise as gcDrain } from './exercises/02-gc-drain.js';
import { exercise as crossPSteal } from './exercises/03-cross-p-steal.js';
import { exercise as slowPath } from './exercises/04-slow-path.js';
import { exercise as fastPathAsm } from './exercises/05-fast-path-asm.js';
import { exercise as victimCliff } from './exercises/06-victim-cliff.js';
import { exercise as dequeueStress } from './exercises/07-dequeue-stress.js';
import { exercise as sizeSweep } from './exercises/08-size-sweep.js';
import { exercise as falseSharing } from './exercises/09-false-sharing.js';
import { exercise as mutexPool } from './exercises/10-mutex-pool.js';
import { exercise as trace } from './exercises/11-trace.js';
import { exercise as warmup } from './exercises/12-warmup.js';

export const exercises: readonly Exercise[] = [
  bufferPool, gcDrain, crossPSteal, slowPath, fastPathAsm, victimCliff,
  dequeueStress, sizeSweep, falseSharing, mutexPool, trace, warmup,
];

export function exerciseById(id: number): Exercise | undefined {
  return exercises.find((e) => e.id === id);
}
