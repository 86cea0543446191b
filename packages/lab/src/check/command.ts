/**
 * `syncpool-lab check <task> <file|dir>` and `syncpool-lab init <task> [dir]`: the learner's
 * side of the lab. The check runs in a child process with a time limit, so that nothing the
 * learner's code does can hang it.
 */
import { spawn } from 'node:child_process';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTask } from '../init/init.js';
import { UsageError } from './load.js';
import { TASK_CHECKS } from './tasks.js';

export const LEARNER_COMMANDS = ['check', 'init'];

export const LEARNER_HELP = `
Your own solutions:
  syncpool-lab init <task> [dir]        write the task's starter (default dir: task-<n>)
  syncpool-lab check <task> <file|dir>  judge your code: exit 0 holds, 1 does not hold, 2 usage error
    --out <dir>  report directory (default: lab-check-<task>)
    --go         init/check the seed's Go shape instead (task 1: go test -bench -benchmem; task 7: go test -race with the check's stress test)
  Tasks with a check: ${[...TASK_CHECKS.keys()].join(', ')}; init writes a starter to run for the others (${
  Array.from({ length: 12 }, (_, i) => i + 1).filter((t) => !TASK_CHECKS.has(t)).join(', ')}), and check says it has none (exit 2).
  Predict-then-observe (tasks ${[...TASK_CHECKS].filter(([, c]) => c.starter === 'predictions.ts').map(([t]) => t).join(', ')}): fill in predictions.ts; the check runs the experiment and says which were right and why.
  Each check finishes within its limit (${[...TASK_CHECKS].map(([t, c]) => `task ${t}: ${c.limitS} s`).join(', ')}), a hang is reported as such.`;

function usage(message: string): never {
  throw new UsageError(`${message}\n${LEARNER_HELP}`);
}

function parseTask(arg: string | undefined): number {
  const task = Number(arg);
  if (!Number.isInteger(task) || task < 1 || task > 12) usage(`no task "${arg ?? ''}"; tasks are 1 to 12`);
  return task;
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) usage(`${name} needs a value`);
  args.splice(at, 2);
  return value;
}

const here = fileURLToPath(import.meta.url);
const childScript = resolve(here, '..', `child${extname(here)}`);

function runCheck(args: string[]): Promise<number> {
  const out = option(args, '--out');
  const go = args.includes('--go');
  if (go) args.splice(args.indexOf('--go'), 1);
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown !== undefined) usage(`unknown option ${unknown}`);
  const task = parseTask(args[0]);
  const path = args[1] ?? usage('check needs the file or folder to judge');
  const check = TASK_CHECKS.get(task) ?? usage(`task ${task} has no check in this version; tasks with one: ${[...TASK_CHECKS.keys()].join(', ')}`);
  if (go && check.go === undefined) usage(`task ${task} has no Go check in this version; Go checks: ${[...TASK_CHECKS].filter(([, c]) => c.go !== undefined).map(([t]) => t).join(', ')}`);
  const limitS = check.limitS;
  // tsx loads the learner's TypeScript, in the check's workers too; resolved from this package.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), childScript, String(task), path, resolve(out ?? `lab-check-${task}`), ...(go ? ['go'] : [])], {
    stdio: 'inherit', detached: true,
  });
  return new Promise((done) => {
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      console.log(`Task ${task}: does not hold: the check did not finish within ${limitS} s (a hang in code that never reads or writes the ring's words?); it was stopped.`);
      done(1);
    }, limitS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code ?? 1);
    });
  });
}

/** Runs `check` or `init`; returns the exit status. */
export async function runLearnerCommand(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === 'check') return await runCheck(args);
    const go = args.includes('--go');
    const rest = args.filter((a) => a !== '--go');
    return await initTask(parseTask(rest[0]), rest[1], go);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
}
