/**
 * The report as a list of blocks, built once from the outcomes and rendered twice (html.ts,
 * markdown.ts), so that index.html and report.md can never disagree about content.
 */
import type { Table, Verdict } from '../exercise.js';
import type { Scenario } from '../explore/scenario.js';
import type { Outcome } from '../runner.js';
import type { ExerciseSource } from './source.js';
import type { Rendered, RenderedChart, RenderedOutcome, RunInfo } from './write.js';
import { ownSolution } from '../init/init.js';

function ownSolutionText(task: number): string {
  const own = ownSolution(task);
  return own.checked ? `Start with \`${own.start}\` (a TypeScript starter), check it with \`${own.check}\`.`
    : `Start with \`${own.start}\` (a TypeScript starter) and run it with \`${own.check}\`; this version has no automatic check for this task.`;
}

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; anchor?: string }
  | { kind: 'para'; text: string }
  | { kind: 'fields'; fields: [string, string][] }
  | { kind: 'verdict'; verdict: Verdict | 'failed to run'; reason: string }
  | { kind: 'table'; table: Table; summary?: boolean }
  | { kind: 'chart'; chart: RenderedChart }
  | { kind: 'pre'; title: string; text: string }
  /** The exercise's module, collapsed: what ran. */
  | { kind: 'source'; source: ExerciseSource }
  | { kind: 'links'; title: string; links: { text: string; href: string }[] }
  /** A recorded run of the exercise's pool, replayed event by event (index.html only). */
  | { kind: 'explorer'; scenario: Scenario }
  | { kind: 'section'; anchor: string; verdict: string; blocks: Block[] };

const pad = (id: number) => String(id).padStart(2, '0');
export const anchorOf = (outcome: Outcome) => `ex-${pad(outcome.exercise.id)}`;
export const verdictOf = (outcome: Outcome) => outcome.result?.verdict ?? 'failed to run';

/**
 * A verdict's reason cut after `n` sentences, for the verdict table's cell and the section's
 * verdict line; `rest` (empty when nothing was cut) follows in the section, below the line.
 * A full stop ends a sentence only before white space and a character that is not a lower-case
 * letter, or at the end: "0.5 ns" and "e.g. a pool" stay whole.
 */
export function splitSentences(text: string, n: number): { head: string; rest: string } {
  const sentences = text.match(/[\s\S]*?[.!?](?=\s+[^\sa-z]|\s*$)|[\s\S]+$/g) ?? [text];
  return { head: sentences.slice(0, n).join('').trim(), rest: sentences.slice(n).join('').trim() };
}

/** The verdict table's cell: at most `n` sentences, saying so when the section has more. */
export function firstSentences(text: string, n: number): string {
  const { head, rest } = splitSentences(text, n);
  return rest === '' ? head : `${head} (details below)`;
}

/** Verdict reasons are read in two sentences; the rest of the reason comes below them. */
const VERDICT_SENTENCES = 2;

/** Long artifacts are linked, short ones (a few dozen lines) are shown as well. */
const INLINE_LINES = 40;

function exerciseBlocks(outcome: Outcome, { charts, source }: RenderedOutcome, scenarios: readonly Scenario[]): Block[] {
  const { exercise, result } = outcome;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: `${pad(exercise.id)}. ${exercise.title}`, anchor: anchorOf(outcome) },
    { kind: 'fields', fields: [['Goal', exercise.goal], ['Criterion', exercise.criterion], ['How it runs here', exercise.analogue],
      ['Your own solution', ownSolutionText(exercise.id)]] },
    { kind: 'source', source },
  ];
  if (result === undefined) {
    blocks.push({ kind: 'verdict', verdict: 'failed to run', reason: 'The exercise did not produce a result.' });
    blocks.push({ kind: 'pre', title: 'Error', text: outcome.error ?? 'unknown error' });
    return blocks;
  }
  const { head, rest } = splitSentences(result.reason, VERDICT_SENTENCES);
  blocks.push({ kind: 'verdict', verdict: result.verdict, reason: head });
  if (rest !== '') blocks.push({ kind: 'para', text: rest });
  for (const scenario of scenarios) if (scenario.exercise === exercise.id) blocks.push({ kind: 'explorer', scenario });
  for (const table of result.tables) blocks.push({ kind: 'table', table });
  for (const chart of charts) blocks.push({ kind: 'chart', chart });
  blocks.push({ kind: 'heading', level: 3, text: 'What the numbers reveal' }, { kind: 'para', text: result.explanation });
  if (result.go !== undefined) {
    blocks.push({ kind: 'heading', level: 3, text: 'Go, side by side (--with-go)' });
    if (result.go.note !== undefined) blocks.push({ kind: 'para', text: result.go.note });
    for (const table of result.go.tables) blocks.push({ kind: 'table', table });
  }
  const artifacts = [...result.artifacts, ...(result.go?.artifacts ?? [])];
  for (const artifact of artifacts) {
    if (artifact.show === 'inline' && artifact.content.split('\n').length <= INLINE_LINES) {
      blocks.push({ kind: 'pre', title: artifact.name, text: artifact.content });
    }
  }
  if (artifacts.length > 0) {
    blocks.push({ kind: 'links', title: 'Files', links: artifacts.map((a) => ({ text: a.name, href: a.name })) });
  }
  return blocks;
}

export function buildReport(outcomes: Outcome[], rendered: Rendered, info: RunInfo, scenarios: readonly Scenario[]): Block[] {
  const failed = outcomes.filter((o) => o.result === undefined).length;
  const summary: Table = {
    title: 'Verdicts',
    columns: ['#', 'Exercise', 'Verdict', 'Why', 'Time (s)'],
    rows: outcomes.map((o) => [
      pad(o.exercise.id), o.exercise.title, verdictOf(o),
      firstSentences(o.result?.reason ?? (o.error?.split('\n')[0] ?? ''), VERDICT_SENTENCES), o.seconds.toFixed(1),
    ]),
  };
  return [
    { kind: 'heading', level: 1, text: 'syncpool lab: the sync.Pool exercises, measured in TypeScript' },
    {
      kind: 'para',
      text: `Mode ${info.mode}; ${outcomes.length} exercises in ${info.seconds.toFixed(1)} s` +
        `${failed > 0 ? `; ${failed} failed to run` : ''}. Node ${info.node} on ${info.cores} × ${info.cpu}, ` +
        `started ${info.startedAt.toISOString()}, load average ${info.load[0].toFixed(2)} at the start and ` +
        `${info.load[1].toFixed(2)} at the end. Reproduce with \`${info.command}\`.`,
    },
    ...(info.mode === 'tiny' ? [{
      kind: 'para' as const,
      text: 'Tiny mode runs every exercise for a moment to check that it works; its timings are not ' +
        'measurements and its verdicts are not findings. Run `npx syncpool-lab` (quick) or `--full` for those.',
    }] : []),
    {
      kind: 'para',
      text: 'Each exercise restates a task from the sync.Pool exercises, runs the nearest honest TypeScript ' +
        'analogue in its own process, and says whether the success criterion holds here, does not hold, or ' +
        'does not apply to JavaScript, with the reason and the numbers that decided it. Tables give the median ' +
        'and, in brackets, the range (min–max) of the repeated runs; charts draw the range as bands or bars. ' +
        'Timings come from the machine above, at the load above: read ratios measured in the same run rather ' +
        'than absolute figures. The exercises themselves, restated with their goals and criteria, are in ' +
        'packages/lab/EXERCISES.md.',
    },
    { kind: 'table', table: summary, summary: true },
    ...outcomes.map((o): Block => ({
      kind: 'section', anchor: anchorOf(o), verdict: verdictOf(o), blocks: exerciseBlocks(o, rendered.get(o)!, scenarios),
    })),
  ];
}
