/**
 * The tasks `check` can judge on the learner's code: each loads the learner's module and runs
 * the task's criterion, returning the reference run's Result shape and what the terminal shows.
 */
import type { Result } from '../exercise.js';
import { checkDequeue } from './dequeue/check.js';
import { DEQUEUE_CONTRACT } from './dequeue/contract.js';
import { checkFormat } from './format/check.js';
import { FORMAT_CONTRACT } from './format/contract.js';
import { checkGoDequeue, GO_DEQUEUE_STARTER } from './go/dequeue.js';
import { checkGoFormat, GO_FORMAT_STARTER } from './go/format.js';
import { checkPredictions, predictContract, type PredictTask } from './predict/predict.js';
import { LISTING } from './predict/listing.js';
import { DRAIN, HANDOFF, STEAL } from './predict/tasks.js';
import { checkSizeSweep, SIZE_SWEEP_CONTRACT } from './size-sweep/check.js';
import { checkSlowPath, SLOW_PATH_CONTRACT } from './slow-path/check.js';

export interface TaskCheck {
  /** The file `init` writes and a folder is searched for first. */
  starter: string;
  contract: string;
  /** The longest the check may take, killed and reported as a hang after it. */
  limitS: number;
  run(file: string): Promise<{ result: Result; text: string }>;
  /** `check <task> --go <dir>` and `init <task> --go`: the seed's Go shape, where there is one. */
  go?: { starter: Readonly<Record<string, string>>; run(dir: string): Promise<{ result: Result; text: string }> };
}

function predictCheck(task: PredictTask, limitS: number): TaskCheck {
  return { starter: 'predictions.ts', contract: predictContract(task.questions), limitS, run: (file) => checkPredictions(task, file) };
}

export const TASK_CHECKS: ReadonlyMap<number, TaskCheck> = new Map([
  [1, { starter: 'format.ts', contract: FORMAT_CONTRACT, limitS: 180, run: checkFormat, go: { starter: GO_FORMAT_STARTER, run: checkGoFormat } }],
  [2, predictCheck(DRAIN, 120)],
  [3, predictCheck(STEAL, 120)],
  [4, { starter: 'paths.ts', contract: SLOW_PATH_CONTRACT, limitS: 180, run: checkSlowPath }],
  [5, predictCheck(LISTING, 120)],
  [7, { starter: 'dequeue.ts', contract: DEQUEUE_CONTRACT, limitS: 180, run: checkDequeue, go: { starter: GO_DEQUEUE_STARTER, run: checkGoDequeue } }],
  [8, { starter: 'sizes.ts', contract: SIZE_SWEEP_CONTRACT, limitS: 300, run: checkSizeSweep }],
  [11, predictCheck(HANDOFF, 120)],
]);
