#!/usr/bin/env node
/**
 * syncpool-lab [ids...]: runs the sync.Pool exercises, each in its own process, and writes the
 * report. Exits non-zero only when an exercise fails to run; a criterion that does not hold is
 * a finding, not a failure.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { Mode } from './exercise.js';
import { createProgress } from './progress.js';
import { exercises } from './registry.js';
import { runExercise, type Outcome } from './runner.js';
import { writeReport } from './report/write.js';
import { LEARNER_COMMANDS, LEARNER_HELP, runLearnerCommand } from './check/command.js';

if (LEARNER_COMMANDS.includes(process.argv[2] ?? '')) process.exit(await runLearnerCommand(process.argv.slice(2)));

if (process.argv[2] === 'explore') {
  await (await import('./explore/command.js')).exploreCommand(process.argv.slice(3));
  process.exit(0);
}

function parseId(value: string, previous: number[] = []): number[] {
  const id = Number(value);
  if (!Number.isInteger(id) || !exercises.some((e) => e.id === id)) {
    throw new InvalidArgumentError(`no exercise "${value}"; run syncpool-lab --list to see the ids`);
  }
  return previous.includes(id) ? previous : [...previous, id];
}

const program = new Command('syncpool-lab')
  .description('Runs the twelve sync.Pool exercises on syncpool, measures them and writes a report.')
  .argument('[ids...]', 'exercise ids to run (default: all)', (v: string, prev: number[] | undefined) => parseId(v, prev))
  .option('--list', 'list the exercises and exit')
  .addOption(new Option('--quick', 'short measurements (the default)').conflicts(['full', 'tiny']))
  .addOption(new Option('--full', 'longer measurements, steadier numbers').conflicts(['quick', 'tiny']))
  .addOption(new Option('--tiny', 'seconds per exercise: checks that everything runs (npm test)').conflicts(['quick', 'full']))
  .option('--out <dir>', 'output directory', 'lab-report')
  .option('--with-go', 'also run the Go versions of the exercises when `go` is on PATH')
  .addHelpText('after', LEARNER_HELP)
  .showHelpAfterError();

program.parse();
const opts = program.opts<{ list?: boolean; quick?: boolean; full?: boolean; tiny?: boolean; out: string; withGo?: boolean }>();
const ids = (program.processedArgs[0] as number[] | undefined) ?? [];
const selected = ids.length > 0 ? exercises.filter((e) => ids.includes(e.id)) : exercises;

if (opts.list === true) {
  for (const e of exercises) console.log(`${String(e.id).padStart(2)}  ${e.title}\n    ${e.criterion}`);
  process.exit(0);
}

const mode: Mode = opts.full === true ? 'full' : opts.tiny === true ? 'tiny' : 'quick';
const outDir = resolve(opts.out);
const startedAt = new Date();
const started = performance.now();
const loadAtStart = loadavg()[0]!;
const progress = createProgress(selected.length);
const outcomes: Outcome[] = [];
for (const [index, exercise] of selected.entries()) {
  progress.start(exercise, index);
  const outcome = await runExercise(exercise, { mode, withGo: opts.withGo === true, onProgress: progress.update });
  progress.finish(outcome);
  outcomes.push(outcome);
}
progress.stop();
const seconds = (performance.now() - started) / 1000;
await writeReport(outDir, outcomes, {
  mode,
  command: ['npx syncpool-lab', ...process.argv.slice(2)].join(' '),
  startedAt,
  seconds,
  node: process.version,
  cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
  cores: cpus().length,
  load: [loadAtStart, loadavg()[0]!],
});
const failed = outcomes.filter((o) => o.result === undefined);
console.log(`Report: ${resolve(outDir, 'index.html')} (and report.md); ${selected.length} exercises in ${seconds.toFixed(1)} s`);
for (const o of failed) console.error(`exercise ${o.exercise.id} failed to run:\n${o.error ?? ''}`);
process.exit(failed.length > 0 ? 1 : 0);
