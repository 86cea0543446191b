/**
 * Child-process entry: `child.js <id> <mode> [go]`. Runs one exercise with the V8 flags the
 * parent started this process with, and sends its Result over IPC.
 *
 * The process exits as soon as the result is delivered: an exercise may leave workers, timers or
 * a pool's GC sentinel behind, and none of them may hold the report hostage.
 */
import { exerciseById } from './registry.js';
import { MODES, type Mode } from './exercise.js';
import type { ChildMessage } from './protocol.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) throw new Error('child.js must be started by the lab with an IPC channel');
    process.send(message, undefined, {}, () => resolve());
  });
}

const [idArg, modeArg, goArg] = process.argv.slice(2);
const mode = MODES.find((m) => m === modeArg) as Mode | undefined;
const exercise = exerciseById(Number(idArg));
if (exercise === undefined || mode === undefined) {
  await send({ type: 'error', message: `child.js: unknown exercise ${idArg} or mode ${modeArg}` });
  process.exit(2);
}
let lastProgress = 0;
try {
  const result = await exercise.run({
    mode,
    withGo: goArg === 'go',
    progress(fraction, label) {
      // Progress is advisory; at most ~20 messages a second keeps the IPC channel quiet.
      const now = performance.now();
      if (now - lastProgress < 50 && fraction < 1) return;
      lastProgress = now;
      void send({ type: 'progress', fraction, label });
    },
  });
  await send({ type: 'result', result });
  process.exit(0);
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  await send({ type: 'error', message });
  process.exit(1);
}
