/** Every exercise, in the seed's order. */
import type { Exercise } from './exercise.js';
import { exercise as gcDrain } from './exercises/02-gc-drain.js';
import { exercise as victimCliff } from './exercises/06-victim-cliff.js';
import { exercise as warmup } from './exercises/12-warmup.js';

export const exercises: readonly Exercise[] = [gcDrain, victimCliff, warmup];

export function exerciseById(id: number): Exercise | undefined {
  return exercises.find((e) => e.id === id);
}
