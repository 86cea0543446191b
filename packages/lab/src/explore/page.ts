/**
 * The explorer's HTML: the scenarios as inline JSON, the bundled page script (client.ts) inline,
 * and the style, so the page needs no network and opens from file://. `embed` is one explorer's
 * placeholder, for pages (the report) that place explorers among other content.
 */
import { readFile } from 'node:fs/promises';
import type { Scenario } from './scenario.js';

// dist/explore/client.bundle.js, from src/explore (under tsx) as from dist/explore.
const BUNDLE = new URL('../../dist/explore/client.bundle.js', import.meta.url);

export const explorerStyle = `
.syncpool-explorer { border: 1px solid #bbb; border-radius: 6px; padding: 0.5rem 1rem; margin: 1rem 0; background: #fcfcfc; }
.syncpool-explorer:focus { outline: 2px solid #36c; }
.syncpool-explorer .controls { display: flex; flex-wrap: wrap; gap: 0.3rem; align-items: center; }
.syncpool-explorer .controls input[type=range] { flex: 1 1 12rem; }
.syncpool-explorer .sentence { font-weight: 600; min-height: 3em; }
.syncpool-explorer .body { display: flex; gap: 1rem; align-items: flex-start; }
.syncpool-explorer .state { flex: 3 1 0; min-width: 0; }
.syncpool-explorer .log { flex: 1 1 0; max-height: 24rem; overflow-y: auto; font: 12px ui-monospace, monospace; margin: 0; padding-left: 3em; }
.syncpool-explorer .log li { cursor: pointer; } .syncpool-explorer .log li.current { background: #ffe58a; }
.syncpool-explorer .log li.supplier { background: #b9e3ff; outline: 1px solid #36c; }
.syncpool-explorer .local { border-top: 1px dashed #ccc; padding: 0.2rem 0; } .syncpool-explorer .local.detached { opacity: 0.6; }
.syncpool-explorer h4 { margin: 0.2rem 0; font-size: 13px; }
.syncpool-explorer .row { display: flex; flex-wrap: wrap; gap: 2px; align-items: center; margin: 2px 0; font-size: 12px; }
.syncpool-explorer .label { min-width: 9rem; color: #555; }
.syncpool-explorer .cell { display: inline-block; min-width: 1.6em; text-align: center; border: 1px solid #999; border-radius: 3px; font: 11px ui-monospace, monospace; }
.syncpool-explorer .cell.full { background: #cde8cd; } .syncpool-explorer .cell.empty { color: #aaa; }
.syncpool-explorer .victim .cell.full { background: #f4d9b0; }
.syncpool-explorer .cell.at-head { border-top: 3px solid #c33; } .syncpool-explorer .cell.at-tail { border-bottom: 3px solid #36c; }
.syncpool-explorer .cell.never { background: #eee; } .syncpool-explorer .cell.used { background: #888; color: #fff; }
.syncpool-explorer .word { font: 11px ui-monospace, monospace; } .syncpool-explorer .bit.head { color: #c33; } .syncpool-explorer .bit.tail { color: #36c; }
.syncpool-explorer .bit.b1 { font-weight: 700; }
.syncpool-explorer table.counters { font-size: 12px; margin: 0.5rem 0; }`;

const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export const embed = (scenario: Scenario) =>
  `<div class="syncpool-explorer" data-scenario="${escape(scenario.name)}">${escape(scenario.title)}: the explorer needs JavaScript.</div>`;

/** What a page that embeds explorers adds before </body>: the data and the script. */
export async function explorerScripts(scenarios: readonly Scenario[]): Promise<string> {
  const script = await readFile(BUNDLE, 'utf8');
  return `<script type="application/json" id="syncpool-scenarios">${json(scenarios)}</script>\n<script>${script.replace(/<\/script/gi, '<\\/script')}</script>`;
}

/** The page of `syncpool-lab explore`: every scenario, and with `live` the form for a new run. */
export async function explorerPage(scenarios: readonly Scenario[], live: boolean): Promise<string> {
  const toc = scenarios.map((s) => `<li><a href="#${escape(s.name)}">${escape(s.title)}</a></li>`).join('');
  const sections = scenarios.map((s) => `<section id="${escape(s.name)}">${embed(s)}</section>`).join('\n');
  const liveForm = live
    ? '<section><h2>Run a new scenario live</h2><p>On the real library, in this page.</p><div id="syncpool-live"></div></section>'
    : '';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>syncpool explorer</title><style>body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 1rem auto; padding: 0 1rem; }${explorerStyle}</style></head>\n<body>\n` +
    `<h1>syncpool explorer: real runs of Pool and SharedPool, event by event</h1>\n` +
    `<p>Each explorer replays the events that the real pools reported to their observers. Keys: ← → step, space play/pause, Home/End, g next GC, s next steal.</p>\n` +
    `<ul>${toc}</ul>\n${liveForm}\n${sections}\n${await explorerScripts(scenarios)}\n</body></html>\n`;
}
