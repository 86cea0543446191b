/**
 * Runs one exercise in a fresh child process with the V8 flags it declares.
 *
 * A fresh process per exercise keeps each measurement free of the previous one's JIT state,
 * heap and pools, and lets an exercise ask for flags (--allow-natives-syntax,
 * --no-turbo-inlining, ...) that would distort the others. The child gets its own process group
 * so that a timeout also ends the benchmark processes and workers it started.
 */
import { fork } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exercise, Mode, Result } from './exercise.js';
import type { ChildMessage } from './protocol.js';

export interface Outcome {
  exercise: Exercise;
  seconds: number;
  result?: Result;
  /** Set when the exercise failed to run: a crash, an exception or a timeout. */
  error?: string;
}

/** Generous limits: an exercise that needs longer than this is broken, not slow. */
const TIMEOUT_S: Record<Mode, number> = { tiny: 60, quick: 120, full: 900 };
/** More for the Go side of --with-go: go builds, and go test -count runs on a busy machine. */
const GO_TIMEOUT_S: Record<Mode, number> = { tiny: 120, quick: 240, full: 900 };

const here = dirname(fileURLToPath(import.meta.url));
/** Under tsx (tests run the sources) the child is child.ts and needs tsx's loader too. */
const childScript = join(here, `child${extname(fileURLToPath(import.meta.url))}`);
const loaderArgs = childScript.endsWith('.ts') ? ['--import', 'tsx'] : [];

export function runExercise(
  exercise: Exercise,
  opts: { mode: Mode; withGo: boolean; onProgress?: (fraction: number, label: string) => void },
): Promise<Outcome> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const limitS = TIMEOUT_S[opts.mode] + (opts.withGo ? GO_TIMEOUT_S[opts.mode] : 0);
  return new Promise((resolve) => {
    const child = fork(childScript, [String(exercise.id), opts.mode, opts.withGo ? 'go' : ''], {
      execArgv: [...loaderArgs, ...exercise.flags],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    let output = '';
    const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let settled: Outcome | undefined;
    const killGroup = () => {
      try { if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    };
    const timer = setTimeout(() => {
      settled ??= { exercise, seconds: seconds(), error: `timed out after ${limitS} s\n${output}` };
      killGroup();
    }, limitS * 1000);
    // The child has its own process group, so a Ctrl-C at the terminal does not reach it: pass
    // the interruption on, and never leave a measurement running behind an exited lab.
    const interrupted = () => {
      killGroup();
      process.exit(130);
    };
    process.once('exit', killGroup);
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') opts.onProgress?.(message.fraction, message.label);
      else if (message.type === 'result') settled ??= { exercise, seconds: seconds(), result: message.result };
      else settled ??= { exercise, seconds: seconds(), error: message.message };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', killGroup);
      process.removeListener('SIGINT', interrupted);
      process.removeListener('SIGTERM', interrupted);
      // Workers or benchmark processes the exercise left behind go with it.
      killGroup();
      resolve(settled ?? {
        exercise, seconds: seconds(),
        error: `child exited with ${signal ?? `code ${code}`} before reporting a result\n${output}`,
      });
    });
  });
}
