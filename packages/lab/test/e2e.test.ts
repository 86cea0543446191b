// End to end: the built CLI runs every exercise in --tiny mode into a temporary directory, and a
// real headless Chromium opens index.html and checks that every chart rendered and that every
// exercise has a verdict. Needs `npm run build` first (npm test does it); test/chromium.ts finds the Chromium.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { chromiumLaunchOptions } from '../../../test/chromium.js';
import { exercises } from '../src/registry.js';

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

    const browser = await puppeteer.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(out, 'index.html')).href, { waitUntil: 'load' });
      const sections = await page.$$eval('section.exercise', (nodes) => nodes.map((section) => ({
        id: section.id,
        verdict: section.getAttribute('data-verdict'),
        shown: section.querySelector('.verdict-line .verdict')?.textContent ?? null,
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
        for (const chart of section.charts) {
          assert.ok(chart.width > 100 && chart.height > 50, `${chart.file} rendered at ${chart.width}×${chart.height}`);
          assert.ok(chart.marks > 0, `${chart.file} has no data marks`);
        }
      }
      const chartCount = sections.reduce((n, s) => n + s.charts.length, 0);
      assert.equal(chartCount, readdirSync(join(out, 'charts')).length, 'every chart file appears in index.html');
      for (const e of exercises) assert.match(markdown, new RegExp(`## ${String(e.id).padStart(2, '0')}\\. `), `report.md lacks exercise ${e.id}`);
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
