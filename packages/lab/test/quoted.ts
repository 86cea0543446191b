// The explanation-consistency check: every figure a section's sentences quote (verdict reason,
// explanation, Go note) is a figure of that section's tables (titles, columns and cells, the Go
// tables included) or of the exercise's stated setup (goal, criterion, analogue). Source
// references and names with digits in them are not figures.
import type { Exercise, Result, Table } from '../src/exercise.js';

/** The numbers `text` quotes, without source references ("pool.go:175–180, 181 and 190"), versions, issues, commands ("syncpool-lab 5"), hex or names with digits ("amd64", "c2"). */
export function quoted(text: string): number[] {
  const stripped = text
    .replace(/\S+\.go:\d+(–\d+)?((,| and) \d+(–\d+)?)*/g, '')
    .replace(/\bGo \d+\.\d+/g, '')
    .replace(/\bgo\d+(\.\d+)*/g, '')
    .replace(/\bissue \d+/g, '')
    .replace(/syncpool-lab \d+/g, '')
    .replace(/\b0x[0-9a-f]+\b/gi, '')
    .replace(/\b[A-Za-z_]+\d\w*/g, '');
  return [...stripped.matchAll(/\d+(\.\d+)?/g)].map((m) => Number(m[0]));
}

const tableText = (t: Table) => [t.title, ...t.columns, ...t.rows.flat().map(String)];

/** What a section's sentences may quote: its tables' figures and its exercise's setup. */
export function allowedFigures(result: Result, setup: Pick<Exercise, 'goal' | 'criterion' | 'analogue'>): Set<number> {
  const tables = [...result.tables, ...(result.go?.tables ?? [])];
  return new Set([...tables.flatMap(tableText), setup.goal, setup.criterion, setup.analogue].flatMap(quoted));
}

/** The figures the section's sentences quote that neither its tables nor its setup hold, by where they are. */
export function unquoted(result: Result, setup: Pick<Exercise, 'goal' | 'criterion' | 'analogue'>): { where: string; figure: number }[] {
  const allowed = allowedFigures(result, setup);
  const texts: [string, string][] = [['reason', result.reason], ['explanation', result.explanation], ['Go note', result.go?.note ?? '']];
  return texts.flatMap(([where, text]) => quoted(text).filter((n) => !allowed.has(n)).map((figure) => ({ where, figure })));
}
