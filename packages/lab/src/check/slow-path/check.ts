/**
 * `check 4`: the learner's two benchmark functions, a get that always hits the fast path and one
 * forced onto the slow path, measured with syncpool-bench and judged by the reference run's
 * judgeSlowPath (the slow one at least 2× the fast one's ns/op, ratio of medians).
 */
import type { Result } from '../../exercise.js';
import { judgeSlowPath } from '../../exercises/04-slow-path.js';
import { figuresOf } from '../../lib/bench.js';
import { round, showSpread } from '../../lib/stats.js';
import { benchLearner } from '../bench-learner.js';
import { loadModule, requireFunctions } from '../load.js';

export const SLOW_PATH_CONTRACT = `import type { B } from 'syncpool-bench';
export function fastPath(b: B): void; // b.N gets that each hit the private slot (time the put+get pair if you must)
export function slowPath(b: B): void; // b.N gets that each miss the private slot and take the slow path
                                      // (b.stopTimer()/b.startTimer() around the set-up)`;

export async function checkSlowPath(file: string): Promise<{ result: Result; text: string }> {
  const module = await loadModule(file, SLOW_PATH_CONTRACT);
  requireFunctions(module, file, ['fastPath', 'slowPath'], SLOW_PATH_CONTRACT);
  const { figures, text: benchText } = await benchLearner(file, [
    { name: 'PathFast', source: '(b) => learner.fastPath(b)' },
    { name: 'PathSlow', source: '(b) => learner.slowPath(b)' },
  ]);
  const fast = figuresOf(figures, 'PathFast');
  const slow = figuresOf(figures, 'PathSlow');
  const { verdict, reason, ratio } = judgeSlowPath(fast.ns, slow.ns);
  const rows = [['fastPath', showSpread(fast.ns), round(fast.allocsPerOp)], ['slowPath', showSpread(slow.ns), round(slow.allocsPerOp)]];
  const text = [
    `Task 4: ${verdict}`,
    `  ${reason}`,
    '',
    ...rows.map(([a, b, c]) => `  ${String(a).padEnd(10)}${String(b).padEnd(28)}${String(c)} allocs/op`),
    '',
    verdict === 'holds' ? 'Next: compare with the reference\'s steal (npx syncpool-lab 4), and count what the slow get does that the fast one does not.'
      : ratio < 1.2 ? 'Next: does slowPath really miss the private slot? A put followed by a get on the same local always hits it.'
        : 'Next: see which part of the slow get is cheap here; make every get scan the other locals (an empty local of its own).',
  ].join('\n');
  return {
    text,
    result: {
      verdict, reason,
      explanation: 'The check registers your fastPath and slowPath as syncpool-bench benchmarks and runs each in fresh processes ' +
        '(ns/op median and range over the runs), judged as the reference run judges its own pair.',
      tables: [{ title: 'Your two paths, syncpool-bench', columns: ['benchmark', 'ns/op', 'allocs/op'], rows }],
      charts: [],
      artifacts: [{ name: 'bench/paths.txt', content: benchText, show: 'link' }],
    },
  };
}
