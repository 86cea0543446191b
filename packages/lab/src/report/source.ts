/**
 * The analogue's source, shown collapsed in each exercise's section so that a reader can check
 * what ran: the exercise's module as written. Run from src/ (tsx: the tests, the dev loop) that
 * is the .ts file itself; run from dist/ it is the source map's copy (tsconfig's inlineSources),
 * so the published lab, which ships dist/ and not src/, shows it too.
 */
import { readFile } from 'node:fs/promises';
import type { Exercise } from '../exercise.js';

export interface ExerciseSource {
  /** What the block is called: the analogue's source, or, in a learner's report, their code. */
  title: string;
  /** Where the file lives (in the repository, or the learner's path). */
  path: string;
  text: string;
}

const TITLE = "The analogue's source";

export async function exerciseSource(exercise: Exercise): Promise<ExerciseSource> {
  const base = `${String(exercise.id).padStart(2, '0')}-${exercise.slug}`;
  const path = `packages/lab/src/exercises/${base}.ts`;
  if (import.meta.url.endsWith('.ts')) {
    return { title: TITLE, path, text: await readFile(new URL(`../exercises/${base}.ts`, import.meta.url), 'utf8') };
  }
  const mapFile = new URL(`../exercises/${base}.js.map`, import.meta.url);
  const map = JSON.parse(await readFile(mapFile, 'utf8')) as { sourcesContent?: (string | null)[] };
  const text = map.sourcesContent?.[0];
  if (typeof text !== 'string') {
    throw new Error(`${mapFile.pathname} has no inlined source: build the lab with tsconfig's inlineSources (npm run build)`);
  }
  return { title: TITLE, path, text };
}
