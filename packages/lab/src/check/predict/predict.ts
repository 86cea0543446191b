/**
 * Predict-then-observe, for the tasks whose criterion is to explain what one sees (2, 3, 5, 11): the
 * learner's module exports `predictions`, one number per question; the check runs the
 * reference experiment, compares each prediction with what was observed, and says why the
 * observed number is what it is. The criterion holds when every prediction was right.
 */
import type { Artifact, Judgement, Result, Table } from '../../exercise.js';
import { loadModule, UsageError } from '../load.js';

export interface Question {
  key: string;
  /** The question as the starter and the report ask it. */
  asks: string;
  /** An offset in a listing: shown in hex, as the listing shows it. */
  hex?: boolean;
}

/** A predicted or observed number as the question's listing would show it. */
const shownAs = (q: Question, n: number) => (q.hex === true && n >= 0 ? `0x${n.toString(16)}` : String(n));

/** What the experiment gave: per question the observed number and why it is that number. */
export interface Observation {
  observed: Record<string, number>;
  why: Record<string, string>;
  /** The reference run's own judgement of the same experiment. */
  reference: Judgement;
  tables: Table[];
  /** Files the report links to (task 11: the trace of the run the predictions were checked against). */
  artifacts?: Artifact[];
  explanation: string;
}

export interface PredictTask {
  task: number;
  questions: readonly Question[];
  /** What to do after a wrong prediction. */
  next: string;
  observe(): Promise<Observation>;
}

/** The contract as the learner reads it: `predictions` with one number per question. */
export function predictContract(questions: readonly Question[]): string {
  return ['export const predictions = {', ...questions.map((q) => `  ${q.key}: number, // ${q.asks}`), '};'].join('\n');
}

/** The module's predictions, or a UsageError naming the ones that are missing or not numbers. */
export function predictionsOf(module: Record<string, unknown>, file: string, questions: readonly Question[]): Record<string, number> {
  const contract = `\nThe contract:\n${predictContract(questions)}`;
  const p = module.predictions;
  if (typeof p !== 'object' || p === null) {
    throw new UsageError(`${file} does not export an object named predictions (it exports ${Object.keys(module).join(', ') || 'nothing'}).${contract}`);
  }
  const record = p as Record<string, unknown>;
  const unfilled = questions.filter((q) => typeof record[q.key] !== 'number' || !Number.isFinite(record[q.key]));
  if (unfilled.length > 0) {
    throw new UsageError(`${file}: predictions.${unfilled.map((q) => q.key).join(', predictions.')} ` +
      `${unfilled.length === 1 ? 'is' : 'are'} not a number yet: write down what you expect before the check shows it.${contract}`);
  }
  return Object.fromEntries(questions.map((q) => [q.key, record[q.key] as number]));
}

/** Holds when every prediction equals the observation; the reason names the right and the wrong ones. */
export function judgePredictions(questions: readonly Question[], predicted: Record<string, number>, observed: Record<string, number>):
  Judgement & { right: string[]; wrong: string[] } {
  const right = questions.filter((q) => predicted[q.key] === observed[q.key]).map((q) => q.key);
  const wrong = questions.filter((q) => predicted[q.key] !== observed[q.key]).map((q) => q.key);
  const byKey = new Map(questions.map((q) => [q.key, q]));
  const shown = (keys: string[]) => keys.map((k) => `${k} (you said ${shownAs(byKey.get(k)!, predicted[k]!)}, observed ${shownAs(byKey.get(k)!, observed[k]!)})`).join(', ');
  return {
    right,
    wrong,
    verdict: wrong.length === 0 ? 'holds' : 'does not hold',
    reason: wrong.length === 0
      ? `All ${questions.length} predictions were right: ${shown(right)}.`
      : `${wrong.length} of ${questions.length} predictions were wrong: ${shown(wrong)}` +
        `${right.length === 0 ? '' : `; right: ${shown(right)}`}.`,
  };
}

export async function checkPredictions(task: PredictTask, file: string): Promise<{ result: Result; text: string }> {
  const predicted = predictionsOf(await loadModule(file, predictContract(task.questions)), file, task.questions);
  const o = await task.observe();
  const judgement = judgePredictions(task.questions, predicted, o.observed);
  const lines = task.questions.map((q) => {
    const ok = predicted[q.key] === o.observed[q.key];
    return `  ${ok ? 'right' : 'wrong'}: ${q.asks}: you said ${shownAs(q, predicted[q.key]!)}, observed ${shownAs(q, o.observed[q.key]!)}. ${o.why[q.key]}`;
  });
  const text = [
    `Task ${task.task}: ${judgement.verdict}`,
    ...lines,
    `  The reference run's own verdict on this experiment: ${o.reference.verdict}: ${o.reference.reason}`,
    '',
    judgement.verdict === 'holds' ? `Next: the report explains the mechanism further (npx syncpool-lab ${task.task}).`
      : `Next: for each wrong prediction, read the reason above, then ${task.next}.`,
  ].join('\n');
  return {
    text,
    result: {
      verdict: judgement.verdict,
      reason: judgement.reason,
      explanation: `${o.explanation} The reference run judges the same experiment: ${o.reference.verdict}: ${o.reference.reason}`,
      tables: [{
        title: 'Your predictions and what the run observed',
        columns: ['question', 'you said', 'observed', 'why'],
        rows: task.questions.map((q) => [q.asks, shownAs(q, predicted[q.key]!), shownAs(q, o.observed[q.key]!), o.why[q.key]!]),
      }, ...o.tables],
      charts: [],
      artifacts: o.artifacts ?? [],
    },
  };
}
