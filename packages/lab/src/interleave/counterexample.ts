/**
 * A violation as a counterexample in Lincheck's form: each thread's operations with their
 * results, then the interleaving that leads to the error, one access per line (thread,
 * operation, the word read or written and the value), as text and as an HTML timeline with a
 * column per thread.
 */
import { describeAccess, outcomeText, type HistoryOp, type Step, type Violation } from './explore.js';

/** A thread's name for index `n`: the model's own names, and `names.length` for checks run afterwards. */
const nameOf = (names: readonly string[], n: number) => names[n] ?? 'afterwards';

function resultOf(h: HistoryOp): string {
  return h.outcome === undefined ? '(did not return)' : outcomeText(h.outcome);
}

function stepText(s: Step): string {
  if (s.died === true) return 'stops for ever';
  const parts = s.access === undefined ? [] : [describeAccess(s.access)];
  if (s.sleeps === true) parts.push('(sleeps)');
  if (s.outcome !== undefined) parts.push('threw' in s.outcome ? `→ throws ${s.outcome.threw}` : `→ returns ${outcomeText(s.outcome)}`);
  return parts.join(' ');
}

/** Per thread, in script order: `label: result`. */
export function operationsByThread(history: readonly HistoryOp[], names: readonly string[]): { thread: string; ops: string[] }[] {
  const threads = [...new Set(history.map((h) => h.thread))].sort((a, b) => a - b);
  return threads.map((t) => ({
    thread: nameOf(names, t),
    ops: history.filter((h) => h.thread === t).map((h) => `${h.label}: ${resultOf(h)}`),
  }));
}

/** The counterexample as text for a terminal. */
export function counterexampleText(v: Violation, names: readonly string[]): string {
  const lines = [`Violation: ${v.message}`, '', 'Operations and results, per thread:'];
  for (const { thread, ops } of operationsByThread(v.history, names)) lines.push(`  ${thread}: ${ops.join(', ')}`);
  lines.push('', `The following interleaving (${v.trace.length} step${v.trace.length === 1 ? '' : 's'}, a shortest one) leads to the error:`);
  for (const [i, s] of v.trace.entries()) {
    lines.push(`  ${String(i + 1).padStart(3)}. ${nameOf(names, s.thread).padEnd(10)} ${s.op.padEnd(13)} ${stepText(s)}`);
  }
  lines.push('', `Words at the end: [${v.memory.join(', ')}]`);
  return lines.join('\n');
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The counterexample as a standalone HTML page: the operations, then a timeline with a column per thread. */
export function counterexampleHtml(v: Violation, names: readonly string[], title: string): string {
  const threads = [...new Set([...v.history.map((h) => h.thread), ...v.trace.map((s) => s.thread)])].sort((a, b) => a - b);
  const head = threads.map((t) => `<th>${escape(nameOf(names, t))}</th>`).join('');
  const ops = operationsByThread(v.history, names).map(({ thread, ops: o }) => `<li><b>${escape(thread)}</b>: ${escape(o.join(', '))}</li>`).join('');
  const rows = v.trace.map((s, i) => {
    const cells = threads.map((t) => (t === s.thread
      ? `<td class="${s.outcome !== undefined ? 'ret' : 'acc'}"><code>${escape(s.op)}</code> ${escape(stepText(s))}</td>`
      : '<td></td>')).join('');
    return `<tr><th>${i + 1}</th>${cells}</tr>`;
  }).join('\n');
  return `<!doctype html><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;vertical-align:top}
td.acc{background:#eef5ff}td.ret{background:#e8f8e8;font-weight:600}code{font-size:13px}</style>
<h1>${escape(title)}</h1><p><b>Violation:</b> ${escape(v.message)}</p>
<h2>Operations and results, per thread</h2><ul>${ops}</ul>
<h2>The interleaving that leads to the error (${v.trace.length} steps, time runs down)</h2>
<table><tr><th>step</th>${head}</tr>
${rows}
</table><p>Words at the end: <code>[${escape(v.memory.join(', '))}]</code></p>
`;
}
