/**
 * Child-process entry of `check`: `check/child.js <task> <file> <out>`. Runs the task's check on
 * the learner's file, prints the verdict, writes the report, and exits 0 (holds), 1 (does not
 * hold) or 2 (usage error: the file does not load or does not export what the contract names).
 * A child of its own so that the parent can kill a check whose code never returns.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { exerciseById } from '../registry.js';
import type { ExerciseSource } from '../report/source.js';
import { writeReport } from '../report/write.js';
import { UsageError } from './load.js';
import { moduleFile } from './load.js';
import { TASK_CHECKS } from './tasks.js';

/** The learner's code for their report: the file, or a Go package's .go files one after another. */
function learnerSource(path: string): ExerciseSource {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((name) => name.endsWith('.go')).sort().map((name) => join(path, name))
    : [path];
  const text = files.map((file) => `${files.length > 1 ? `// ${basename(file)}\n` : ''}${readFileSync(file, 'utf8')}`).join('\n');
  return { title: 'Your code', path, text };
}

const [taskArg, pathArg, outArg, goArg] = process.argv.slice(2) as [string, string, string, string | undefined];
const task = Number(taskArg);
const check = TASK_CHECKS.get(task)!;
const exercise = exerciseById(task)!;
const startedAt = new Date();
const started = performance.now();
const load = loadavg()[0]!;
try {
  const file = goArg === 'go' ? pathArg : moduleFile(pathArg, check.starter, check.contract);
  const { result, text } = goArg === 'go' ? await check.go!.run(file) : await check.run(file);
  console.log(text);
  const seconds = (performance.now() - started) / 1000;
  const learner = {
    ...exercise,
    title: `${exercise.title}: your code (${basename(file)})`,
    analogue: `Your code: ${file}, judged by \`syncpool-lab check ${task}\` with the criterion the reference run uses.`,
  };
  await writeReport(outArg, [{ exercise: learner, seconds, result }], {
    mode: 'check', command: `npx syncpool-lab check ${task}${goArg === 'go' ? ' --go' : ''} ${pathArg}`, startedAt, seconds, node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU', cores: cpus().length, load: [load, loadavg()[0]!], learnerSource: learnerSource(file),
  });
  console.log(`\nReport: ${outArg}/index.html (and report.md)`);
  process.exit(result.verdict === 'holds' ? 0 : 1);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
