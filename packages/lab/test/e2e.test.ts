// End to end: the built CLI runs every exercise in --tiny mode into a temporary directory, and a
// real headless Chromium opens index.html and checks that every chart rendered and that every
// exercise has a verdict. Needs `npm run build` first (npm test does it); test/chromium.ts finds the Chromium.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { withPage } from './browser-page.js';
import { exercises } from '../src/registry.js';
import { splitSentences } from '../src/report/model.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const VERDICTS = ['holds', 'does not hold', 'not applicable here'];

test('syncpool-lab --tiny runs all twelve and index.html renders in headless Chromium', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'syncpool-lab-'));
  try {
    const run = spawnSync(process.execPath, [cli, '--tiny', '--out', out], { encoding: 'utf8' });
    assert.equal(run.status, 0, `syncpool-lab failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /Report: .*index\.html/);
    const files = readdirSync(out);
    for (const name of ['index.html', 'report.md', 'charts']) assert.ok(files.includes(name), `${name} missing in ${files.join(', ')}`);
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');

    await withPage(join(out, 'index.html'), async (page, errors) => {
      const sections = await page.$$eval('section.exercise', (nodes) => nodes.map((section) => ({
        id: section.id,
        verdict: section.getAttribute('data-verdict'),
        shown: section.querySelector('.verdict-line .verdict')?.textContent ?? null,
        verdictLine: section.querySelector('.verdict-line')?.textContent ?? '',
        width: section.getBoundingClientRect().width,
        source: [...section.querySelectorAll('details.source')].map((d) => ({
          open: (d as HTMLDetailsElement).open, text: d.querySelector('pre')?.textContent ?? '',
        })),
        charts: [...section.querySelectorAll('figure.chart')].map((figure) => {
          const svg = figure.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            file: figure.getAttribute('data-chart'),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            // Vega draws the data as children of g.role-mark groups (axes and legends have other
            // roles): a chart without visible ones drew only its frame.
            marks: [...(svg?.querySelectorAll('g.role-mark > *') ?? [])].filter((el) => {
              const r = el.getBoundingClientRect();
              return r.width > 0 || r.height > 0;
            }).length,
          };
        }),
      })));
      assert.deepEqual(sections.map((s) => s.id), exercises.map((e) => `ex-${String(e.id).padStart(2, '0')}`));
      for (const section of sections) {
        assert.ok(VERDICTS.includes(section.verdict ?? ''), `${section.id} has no verdict (got ${section.verdict})`);
        assert.equal(section.shown, section.verdict, `${section.id} shows a verdict that differs from its data attribute`);
        const reason = section.verdictLine.split(' — ').slice(1).join(' — ');
        assert.equal(splitSentences(reason, 2).rest, '', `${section.id}'s verdict line has more than two sentences: ${reason}`);
        // The analogue's source, collapsed: from dist/ it comes out of the source map.
        const exercise = exercises.find((e) => `ex-${String(e.id).padStart(2, '0')}` === section.id)!;
        assert.equal(section.source.length, 1, `${section.id} shows its source once`);
        assert.equal(section.source[0]!.open, false, `${section.id}'s source is collapsed`);
        assert.ok(section.source[0]!.text.includes(`slug: '${exercise.slug}'`), `${section.id}'s source is its exercise module`);
        for (const chart of section.charts) {
          assert.ok(chart.width > 100 && chart.height > 50, `${chart.file} rendered at ${chart.width}×${chart.height}`);
          assert.ok(chart.width >= 0.9 * section.width, `${chart.file} is ${chart.width} px wide in a ${section.width} px column`);
          assert.ok(chart.marks > 0, `${chart.file} has no data marks`);
        }
      }
      const chartCount = sections.reduce((n, s) => n + s.charts.length, 0);
      assert.equal(chartCount, readdirSync(join(out, 'charts')).length, 'every chart file appears in index.html');
      for (const e of exercises) assert.match(markdown, new RegExp(`## ${String(e.id).padStart(2, '0')}\\. `), `report.md lacks exercise ${e.id}`);
      // The embedded explorers: one per scenario in its exercise's section, each mounted and
      // replayable to its end through the test hook.
      const embedded = await page.$$eval('section.exercise .syncpool-explorer', (nodes) => nodes.map((n) => ({
        section: n.closest('section')?.id, scenario: (n as HTMLElement).dataset.scenario, mounted: (n as HTMLElement).dataset.at === '0',
      })));
      assert.deepEqual(embedded.map((e) => [e.section, e.scenario]), [
        ['ex-02', 'task2-gc-drain'], ['ex-03', 'task3-steal'], ['ex-06', 'task6-cliff'], ['ex-11', 'task11-ownership'], ['ex-12', 'task12-warmup'],
      ]);
      assert.ok(embedded.every((e) => e.mounted), 'every embedded explorer mounted');
      const ends = await page.evaluate(() => window.syncpoolExplorer.scenarios().map((name) => {
        window.syncpoolExplorer.load(name);
        let steps = 0;
        while (window.syncpoolExplorer.step() !== null) steps++;
        return { name, steps, at: Number(document.querySelector<HTMLElement>(`.syncpool-explorer[data-scenario="${name}"]`)?.dataset.at) };
      }));
      for (const end of ends) assert.ok(end.steps > 0 && end.at === end.steps, `${end.name}: replayed ${end.steps} events, shows ${end.at}`);
      assert.deepEqual(errors, [], 'no console errors in the report');
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
