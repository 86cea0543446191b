/**
 * `syncpool-lab init <task> [dir]`: writes the task's starter, a package.json, and links to this
 * lab's own syncpool so that `import 'syncpool'` resolves in that folder (the packages may exist
 * only in this workspace, not on npm); prints the command that checks it.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exerciseById } from '../registry.js';
import { UsageError } from '../check/load.js';
import { TASK_CHECKS } from '../check/tasks.js';
import { commented, STARTERS, type Starter } from './starters.js';

/** The folder of the package that `specifier` resolves to from here. */
function packageRoot(specifier: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(specifier)));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** The task's starter: its own, or a file with the goal as a TODO. */
function starterOf(task: number): Starter {
  return STARTERS.get(task) ?? {
    file: `task-${task}.ts`, hints: [], body: `import { Pool } from 'syncpool';\n\n// TODO: ${exerciseById(task)!.goal}\nvoid Pool;\n`,
  };
}

/** How to start and check one's own solution of `task` (folder `dir`), as the reference report and init say it. */
export function ownSolution(task: number, dir = `my-${task}`): { start: string; check: string; checked: boolean } {
  const file = join(dir, starterOf(task).file);
  const checked = TASK_CHECKS.has(task);
  return {
    start: `npx syncpool-lab init ${task} ${dir}`,
    check: checked ? `npx syncpool-lab check ${task} ${file}` : `cd ${dir} && node --import tsx ${starterOf(task).file}`,
    checked,
  };
}

/** The seed's Go starter, where the task has a Go check. */
function initGo(task: number, dir: string): number {
  const files = TASK_CHECKS.get(task)?.go?.starter;
  if (files === undefined) {
    throw new UsageError(`init ${task} --go: task ${task} has no Go check in this version (Go checks: ` +
      `${[...TASK_CHECKS].filter(([, c]) => c.go !== undefined).map(([t]) => t).join(', ')}); init ${task} writes the TypeScript starter`);
  }
  const taken = Object.keys(files).filter((f) => existsSync(join(dir, f)));
  if (taken.length > 0) throw new UsageError(`${join(dir, taken[0]!)} exists already; init writes a fresh starter only, so pick another folder`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const command = `npx syncpool-lab check ${task} --go ${relative(process.cwd(), dir) || '.'}`;
  console.log(`Wrote ${Object.keys(files).map((f) => join(dir, f)).join(', ')}\nCheck it with: ${command}`);
  return 0;
}

export async function initTask(task: number, dirArg: string | undefined, go: boolean): Promise<number> {
  const exercise = exerciseById(task)!;
  const dir = resolve(dirArg ?? `task-${task}`);
  if (go) return initGo(task, dir);
  const starter = starterOf(task);
  const file = join(dir, starter.file);
  if (existsSync(file)) throw new UsageError(`${file} exists already; init writes a fresh starter only, so pick another folder`);
  const { check: command, checked } = ownSolution(task, relative(process.cwd(), dir) || '.');
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  for (const name of ['syncpool', 'syncpool-bench', 'tsx']) {
    const link = join(dir, 'node_modules', name);
    if (!existsSync(link)) symlinkSync(packageRoot(name), link, 'dir');
  }
  if (!existsSync(join(dir, 'package.json'))) {
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({
      name: `syncpool-task-${task}`, private: true, type: 'module',
    }, null, 2)}\n`);
  }
  const header = [
    `Task ${task}: ${exercise.title}`,
    '',
    `Goal: ${exercise.goal}`,
    `Criterion: ${exercise.criterion}`,
    ...starter.hints.map((h) => `Hint: ${h}`),
    '',
    checked ? `Check it: ${command}` : `Run it: ${command} (this task has no automatic check in this version; the reference run is npx syncpool-lab ${task})`,
  ].join('\n');
  writeFileSync(file, `${commented(header)}\n\n${starter.body}`);
  for (const [name, content] of Object.entries(await starter.files?.() ?? {})) writeFileSync(join(dir, name), content);
  console.log(`Wrote ${file}\n${checked ? 'Check it with' : 'Run it with'}: ${command}`);
  return 0;
}
