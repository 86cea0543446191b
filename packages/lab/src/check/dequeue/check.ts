/**
 * `check 7`: the learner's ring, first on every interleaving of the small cases
 * (interleavings.ts), then under a real-worker stress run (stress.ts). Either failing means the
 * criterion does not hold; the first violation found is the counterexample.
 */
import { counterexampleHtml, counterexampleText, type Violation } from '../../interleave/index.js';
import type { Result } from '../../exercise.js';
import { loadModule } from '../load.js';
import { DEQUEUE_CONTRACT, dequeueClassOf, wordsFor } from './contract.js';
import { CASES, exploreCase, THREAD_NAMES, type CaseOutcome } from './interleavings.js';
import { stress, type StressOutcome } from './stress.js';

/** The stress run's shape: enough values that the 16-bit counters wrap 15 times, a small ring so that it fills. */
export const STRESS = { count: 1_000_000, capacity: 64, stealers: 2, popHeadEvery: 10, stallMs: 3_000, limitMs: 60_000 } as const;

export interface DequeueCheck {
  result: Result;
  /** What the terminal shows. */
  text: string;
  cases: CaseOutcome[];
  stress: StressOutcome;
  violation?: Violation;
}

export async function checkDequeue(file: string): Promise<DequeueCheck> {
  const cls = dequeueClassOf(await loadModule(file, DEQUEUE_CONTRACT), file);
  const cases: CaseOutcome[] = [];
  let violation: Violation | undefined;
  let failedCase: CaseOutcome | undefined;
  for (const c of CASES) {
    const outcome = exploreCase(cls, c);
    cases.push(outcome);
    if (outcome.setupFault !== undefined || outcome.result.violation !== undefined || outcome.result.limitReached === true) {
      failedCase = outcome;
      violation = outcome.result.violation;
      break;
    }
  }
  const run = await stress({ file, words: wordsFor(cls, STRESS.capacity), ...STRESS });
  const holds = failedCase === undefined && run.ok;
  const caseLine = (o: CaseOutcome) => `${o.case.name}: ${o.result.states.toLocaleString('en-US')} states in ${(o.ms / 1000).toFixed(1)} s, ` +
    (o.setupFault !== undefined ? `does not hold before any interleaving: ${o.setupFault}`
      : o.result.limitReached === true ? 'the search stopped at its state limit (no verdict: the ring makes too many accesses per operation)'
        : o.result.violation !== undefined ? `violation: ${o.result.violation.message}` : 'every interleaving linearizable, nothing lost, no hang');
  const reason = holds
    ? `Every interleaving of ${cases.length} small cases (${cases.reduce((n, o) => n + o.result.states, 0).toLocaleString('en-US')} states) is ` +
      `linearizable against a sequential deque with nothing lost and no hang, and under stress: ${run.summary}`
    : failedCase !== undefined
      ? `${caseLine(failedCase)}. Stress run: ${run.summary}`
      : `Every interleaving of the small cases passed, but the stress run did not: ${run.summary}`;
  const counterexample = violation === undefined ? undefined : counterexampleText(violation, THREAD_NAMES);
  const text = [
    `Task 7: ${holds ? 'holds' : 'does not hold'}`,
    ...cases.map((o) => `  exhaustive, ${caseLine(o)}`),
    `  stress: ${run.summary}`,
    ...(counterexample === undefined ? [] : ['', counterexample]),
    '',
    holds ? 'Next: try a larger ring or more stealers in your own stress test; compare with syncpool\'s PoolDequeue (npx syncpool-lab 7).'
      : violation !== undefined ? 'Next: follow the interleaving above step by step in your code; the step before the error is where another thread got in.'
        : 'Next: look at what each thread was doing when it stopped, and at the ring\'s words.',
  ].join('\n');
  const result: Result = {
    verdict: holds ? 'holds' : 'does not hold',
    reason,
    explanation: 'The check explores every interleaving of an owner and two stealers on small rings (each step one access to ' +
      'the shared words), checks each history for linearizability against a sequential deque, then moves ' +
      `${STRESS.count.toLocaleString('en-US')} values through a ring of ${STRESS.capacity} on real workers with a watchdog.`,
    tables: [
      { title: 'Exhaustive interleavings', columns: ['case', 'states', 'seconds', 'outcome'],
        rows: cases.map((o) => [o.case.name, o.result.states, Number((o.ms / 1000).toFixed(1)), caseLine(o).split(': ').slice(1).join(': ')]) },
      { title: 'Stress run', columns: ['thread', 'values moved', 'values taken', 'where at the end'],
        rows: run.threads.map((t) => [t.name, t.ops, t.takes, t.where]) },
    ],
    charts: [],
    artifacts: violation === undefined ? [] : [
      { name: 'counterexample.txt', content: counterexample!, show: 'inline' },
      { name: 'counterexample.html', content: counterexampleHtml(violation, THREAD_NAMES, 'Task 7: the interleaving that breaks the ring'), show: 'link' },
    ],
  };
  return { result, text, cases, stress: run, ...(violation === undefined ? {} : { violation }) };
}
