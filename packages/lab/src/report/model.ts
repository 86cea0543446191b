/**
 * The report as a list of blocks, built once from the outcomes and rendered twice (html.ts,
 * markdown.ts), so that index.html and report.md can never disagree about content.
 */
import type { Table, Verdict } from '../exercise.js';
import type { Outcome } from '../runner.js';
import type { Rendered, RenderedChart, RunInfo } from './write.js';
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
  | { kind: 'links'; title: string; links: { text: string; href: string }[] }
  | { kind: 'section'; anchor: string; verdict: string; blocks: Block[] };

const pad = (id: number) => String(id).padStart(2, '0');
export const anchorOf = (outcome: Outcome) => `ex-${pad(outcome.exercise.id)}`;
export const verdictOf = (outcome: Outcome) => outcome.result?.verdict ?? 'failed to run';

/** Long artifacts are linked, short ones (a few dozen lines) are shown as well. */
const INLINE_LINES = 40;

function exerciseBlocks(outcome: Outcome, charts: RenderedChart[]): Block[] {
  const { exercise, result } = outcome;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: `${pad(exercise.id)}. ${exercise.title}`, anchor: anchorOf(outcome) },
    { kind: 'fields', fields: [['Goal', exercise.goal], ['Criterion', exercise.criterion], ['How it runs here', exercise.analogue],
      ['Your own solution', ownSolutionText(exercise.id)]] },
  ];
  if (result === undefined) {
    blocks.push({ kind: 'verdict', verdict: 'failed to run', reason: 'The exercise did not produce a result.' });
    blocks.push({ kind: 'pre', title: 'Error', text: outcome.error ?? 'unknown error' });
    return blocks;
  }
  blocks.push({ kind: 'verdict', verdict: result.verdict, reason: result.reason });
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

export function buildReport(outcomes: Outcome[], rendered: Rendered, info: RunInfo): Block[] {
  const failed = outcomes.filter((o) => o.result === undefined).length;
  const summary: Table = {
    title: 'Verdicts',
    columns: ['#', 'Exercise', 'Verdict', 'Why', 'Time (s)'],
    rows: outcomes.map((o) => [
      pad(o.exercise.id), o.exercise.title, verdictOf(o),
      o.result?.reason ?? (o.error?.split('\n')[0] ?? ''), o.seconds.toFixed(1),
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
      kind: 'section', anchor: anchorOf(o), verdict: verdictOf(o), blocks: exerciseBlocks(o, rendered.get(o) ?? []),
    })),
  ];
}
