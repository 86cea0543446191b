/**
 * index.html: one self-contained page (inline CSS, SVG and the explorers' script), so it opens
 * from disk or from a CI artifact; with JavaScript off everything but the explorers still reads.
 */
import type { Outcome } from '../runner.js';
import type { Table } from '../exercise.js';
import { buildReport, type Block } from './model.js';
import type { Rendered, RunInfo } from './write.js';
import { embed, explorerStyle } from '../explore/page.js';
import type { Scenario } from '../explore/scenario.js';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text with `code` spans; blank lines separate paragraphs. */
const inline = (text: string) => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');
const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => `<p>${inline(p)}</p>`).join('\n');
const verdictClass = (verdict: string) => verdict.replace(/\s+/g, '-');

function table(t: Table, summary: boolean): string {
  const head = t.columns.map((c) => `<th>${inline(c)}</th>`).join('');
  const rows = t.rows.map((row) => {
    const cells = row.map((cell, i) => {
      const text = String(cell);
      if (summary && i === 2) return `<td><span class="verdict ${verdictClass(text)}">${escape(text)}</span></td>`;
      if (summary && i === 1) return `<td><a href="#ex-${escape(String(row[0]))}">${inline(text)}</a></td>`;
      return `<td${typeof cell === 'number' ? ' class="num"' : ''}>${inline(text)}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table${summary ? ' class="summary"' : ''}><caption>${inline(t.title)}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function render(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}${block.anchor ? ` id="${block.anchor}-title"` : ''}>${inline(block.text)}</h${block.level}>`;
    case 'para': return paragraphs(block.text);
    case 'fields':
      return `<dl>${block.fields.map(([k, v]) => `<dt>${inline(k)}</dt><dd>${paragraphs(v)}</dd>`).join('')}</dl>`;
    case 'verdict':
      return `<p class="verdict-line">Verdict: <span class="verdict ${verdictClass(block.verdict)}">` +
        `${escape(block.verdict)}</span> — ${inline(block.reason)}</p>`;
    case 'table': return table(block.table, block.summary === true);
    case 'chart':
      return `<figure class="chart" data-chart="${escape(block.chart.file)}">${block.chart.svg}` +
        `<figcaption>${inline(block.chart.title)} (<a href="${escape(block.chart.file)}">SVG</a>)</figcaption></figure>`;
    case 'pre': return `<details open><summary>${inline(block.title)}</summary><pre>${escape(block.text)}</pre></details>`;
    case 'source':
      return `<details class="source"><summary>${escape(block.source.title)}: <code>${escape(block.source.path)}</code></summary>` +
        `<pre>${escape(block.source.text)}</pre></details>`;
    case 'links':
      return `<p class="files">${inline(block.title)}: ${block.links
        .map((l) => `<a href="${escape(l.href)}">${escape(l.text)}</a>`).join(', ')}</p>`;
    case 'explorer': return embed(block.scenario);
    case 'section':
      return `<section class="exercise" id="${block.anchor}" data-verdict="${escape(block.verdict)}">\n` +
        `${block.blocks.map(render).join('\n')}\n</section>`;
  }
}

const style = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; vertical-align: top; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { padding: 0 0.4rem; border-radius: 0.3rem; white-space: nowrap; font-weight: 600; }
.verdict.holds { background: #d7f5dc; } .verdict.does-not-hold { background: #fbd9d3; }
.verdict.not-applicable-here { background: #e6e6e6; } .verdict.failed-to-run { background: #222; color: #fff; }
section.exercise { border-top: 2px solid #ddd; margin-top: 2rem; }
dt { font-weight: 600; } dd { margin: 0 0 0.5rem 1rem; } dd p { margin: 0; }
figure.chart { margin: 1rem 0; } figure.chart svg { max-width: 100%; height: auto; }
pre { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; font-size: 12px; }
details.source pre { max-height: 40rem; overflow-y: auto; }
code { background: #f1f1f1; padding: 0 0.2rem; }`;

/** `explorers`: the scenarios' data and script (explore/page.ts's explorerScripts). */
export function renderHtml(outcomes: Outcome[], rendered: Rendered, info: RunInfo, scenarios: readonly Scenario[], explorers: string): string {
  const body = buildReport(outcomes, rendered, info, scenarios).map(render).join('\n');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>syncpool lab report</title><style>${style}${explorerStyle}</style></head>\n<body>\n${body}\n${explorers}\n</body></html>\n`;
}
