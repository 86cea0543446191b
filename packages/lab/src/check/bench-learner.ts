/**
 * Measuring the learner's code with syncpool-bench: a benchmark file written to a temporary
 * folder imports the learner's module as `learner` and registers the given benchmarks, then runs
 * in fresh processes as the reference run's own benchmark files do (lib/bench.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runBenchFile, type Figures } from '../lib/bench.js';

/** A benchmark's name and its function's source, which may call `learner.<export>` and `sink`. */
export interface LearnerBench {
  name: string;
  source: string;
}

/** Figures per benchmark name, and the Go-format text of the run. */
export async function benchLearner(file: string, benches: readonly LearnerBench[]): Promise<{ figures: Map<string, Figures>; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'syncpool-check-'));
  try {
    const bench = join(dir, 'learner.bench.ts');
    writeFileSync(bench, [
      `import { bench, sink } from ${JSON.stringify(import.meta.resolve('syncpool-bench'))};`,
      `import * as imported from ${JSON.stringify(pathToFileURL(file).href)};`,
      'const learner = imported as unknown as Record<string, any>;',
      'void sink;',
      ...benches.map((b) => `bench(${JSON.stringify(b.name)}, ${b.source});`),
      '',
    ].join('\n'));
    const { figures, artifact } = await runBenchFile(bench, 'learner', 'quick', () => { /* the terminal shows the verdict only */ });
    return { figures, text: artifact.content };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
