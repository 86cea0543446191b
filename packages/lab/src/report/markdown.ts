/** report.md: the same blocks as index.html, as GitHub-flavoured Markdown with linked SVG charts. */
import type { Outcome } from '../runner.js';
import type { Scenario } from '../explore/scenario.js';
import type { Table } from '../exercise.js';
import { buildReport, type Block } from './model.js';
import type { Rendered, RunInfo } from './write.js';

/** Table cells cannot hold newlines or bare pipes. */
const cell = (value: string | number) => String(value).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function table(t: Table, summary: boolean): string {
  const rows = t.rows.map((row) => row.map((value, i) =>
    summary && i === 1 ? `[${cell(value)}](#${cell(`ex-${String(row[0])}`)})` : cell(value)));
  return [
    `**${t.title.replace(/\s*\n\s*/g, ' ')}**`, '',
    `| ${t.columns.map(cell).join(' | ')} |`,
    `| ${t.columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function render(block: Block): string {
  switch (block.kind) {
    case 'heading': return `${'#'.repeat(block.level)} ${block.text}`;
    case 'para': return block.text;
    case 'fields': return block.fields.map(([k, v]) => `**${k}.** ${v}`).join('\n\n');
    case 'verdict': return `**Verdict: ${block.verdict}.** ${block.reason}`;
    case 'table': return table(block.table, block.summary === true);
    case 'chart': return `![${block.chart.title}](${block.chart.file})`;
    case 'pre': return `**${block.title}**\n\n\`\`\`\n${block.text.trimEnd()}\n\`\`\``;
    case 'source': {
      // A fence longer than any run of backticks in the file.
      const fence = '`'.repeat(Math.max(3, ...(block.source.text.match(/`+/g) ?? []).map((run) => run.length + 1)));
      return `<details><summary>${block.source.title}: ${block.source.path}</summary>\n\n${fence}ts\n${block.source.text.trimEnd()}\n${fence}\n\n</details>`;
    }
    case 'links': return `${block.title}: ${block.links.map((l) => `[${l.text}](${l.href})`).join(', ')}`;
    case 'explorer': return `*${block.scenario.title}: replayed event by event in index.html's explorer.*`;
    case 'section': return [`<a id="${block.anchor}"></a>`, ...block.blocks.map(render)].join('\n\n');
  }
}

export function renderMarkdown(outcomes: Outcome[], rendered: Rendered, info: RunInfo, scenarios: readonly Scenario[]): string {
  return `${buildReport(outcomes, rendered, info, scenarios).map(render).join('\n\n')}\n`;
}
