/**
 * Progress for the whole run: a cli-progress bar when stderr is a terminal, plain lines
 * otherwise (CI logs, pipes), so that logs never fill with carriage-return redraws.
 */
import cliProgress from 'cli-progress';
import type { Exercise } from './exercise.js';
import type { Outcome } from './runner.js';

export interface Progress {
  start(exercise: Exercise, index: number): void;
  update(fraction: number, label: string): void;
  finish(outcome: Outcome): void;
  stop(): void;
}

function outcomeLine(outcome: Outcome): string {
  const what = outcome.result?.verdict ?? `FAILED TO RUN: ${outcome.error?.split('\n')[0] ?? ''}`;
  return `${pad(outcome.exercise.id)} ${outcome.exercise.title}: ${what} (${outcome.seconds.toFixed(1)} s)`;
}

const pad = (id: number) => String(id).padStart(2, '0');

export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    let current = '';
    return {
      start(exercise, index) {
        current = `[${index + 1}/${total}] ${pad(exercise.id)} ${exercise.title}`;
        stream.write(`${current}: running\n`);
      },
      update() { /* plain mode prints only starts and verdicts */ },
      finish(outcome) { stream.write(`${outcomeLine(outcome)}\n`); },
      stop() { /* nothing to tear down */ },
    };
  }
  const bar = new cliProgress.SingleBar({
    stream,
    // The bar counts hundredths of exercises so that progress within one exercise shows.
    format: '{bar} {percentage}% | {done}/{count} exercises | {name}: {label}',
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let done = 0;
  let name = '';
  const payload = (label: string) => ({ name, label, done, count: total });
  bar.start(total * 100, 0, payload(''));
  return {
    start(exercise) { name = `${pad(exercise.id)} ${exercise.title}`; bar.update(done * 100, payload('starting')); },
    update(fraction, label) {
      bar.update(Math.round((done + Math.min(Math.max(fraction, 0), 1)) * 100), payload(label));
    },
    finish(outcome) {
      done += 1;
      // Log the verdict above the bar so it stays on screen after the bar moves on.
      bar.stop();
      stream.write(`${outcomeLine(outcome)}\n`);
      bar.start(total * 100, done * 100, payload(''));
    },
    stop() { bar.stop(); },
  };
}
