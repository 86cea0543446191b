// The report, for reading: verdict-table cells of at most two sentences, and no colour legend
// with a single entry (the stray "● TypeScript").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../src/report/charts.js';
import { firstSentences, splitSentences } from '../src/report/model.js';

test('firstSentences keeps two sentences and says the rest is below; decimals do not end a sentence', () => {
  assert.equal(firstSentences('One (0.5 ns). Two. Three.', 2), 'One (0.5 ns). Two. (details below)');
  assert.equal(firstSentences('One. Two.', 2), 'One. Two.');
  assert.equal(firstSentences('No full stop at all', 2), 'No full stop at all');
  assert.equal(firstSentences('Pools, e.g. this one, hold. Two. Three.', 2), 'Pools, e.g. this one, hold. Two. (details below)');
});

test('splitSentences loses nothing: the head and the rest together are the text', () => {
  const text = 'Holds: 3.2 ns against 4.1 ns. The ratio is 0.78. Below 1 means faster. Noise was 2 %.';
  const { head, rest } = splitSentences(text, 2);
  assert.equal(head, 'Holds: 3.2 ns against 4.1 ns. The ratio is 0.78.');
  assert.equal(`${head} ${rest}`, text);
  assert.deepEqual(splitSentences('One. Two.', 2), { head: 'One. Two.', rest: '' });
});

const chart = (series: string[]): TopLevelSpec => ({
  data: { values: series.flatMap((s) => [{ x: 1, y: 1, s }, { x: 2, y: 3, s }]) },
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 's', type: 'nominal' } },
});

/** The legend's entries as vega draws them (the marks' aria labels name the series too). */
const legendLabels = (svg: string): string[] =>
  [...svg.matchAll(/role-legend-label[^>]*>((?:<text[^>]*>[^<]*<\/text>)+)/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));

test('a chart with one series has no legend; one with two keeps it', async () => {
  assert.deepEqual(legendLabels(await renderSvg(chart(['TypeScript']))), []);
  const two = legendLabels(await renderSvg(chart(['TypeScript', 'Go']))).join(' ');
  assert.match(two, /TypeScript/);
  assert.match(two, /Go/);
});

test('a dash legend with one entry and a legend repeating the x axis are dropped; a second series keeps its legend', async () => {
  const dashed = (languages: string[]): TopLevelSpec => ({
    data: { values: languages.flatMap((language) => [{ x: 1, y: 1, language }, { x: 2, y: 2, language }]) },
    mark: 'line',
    encoding: {
      x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' },
      strokeDash: { field: 'language', type: 'nominal' },
    },
  });
  assert.deepEqual(legendLabels(await renderSvg(dashed(['TypeScript']))), []);
  assert.match(legendLabels(await renderSvg(dashed(['TypeScript', 'Go']))).join(' '), /TypeScript/);
  const bars: TopLevelSpec = {
    data: { values: [{ pool: 'Pool', ns: 3 }, { pool: 'MutexPool', ns: 50 }] },
    mark: 'bar',
    encoding: {
      x: { field: 'pool', type: 'nominal', title: 'pool' }, y: { field: 'ns', type: 'quantitative', title: 'ns/op' },
      color: { field: 'pool', type: 'nominal' },
    },
  };
  // The names are on the x axis, not a second time in a legend.
  assert.deepEqual(legendLabels(await renderSvg(bars)), []);
  assert.match(await renderSvg(bars), />MutexPool</);
});
