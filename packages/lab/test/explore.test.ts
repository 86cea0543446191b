// The explorer: the five scenarios recorded from real runs replay to the pools' own stats() and
// census(); the replay refuses events that could not have happened; and in headless Chromium the
// page built by `syncpool-lab explore` replays every scenario to its end with no console error,
// with the same states as the replay in Node; served with --serve, the page is cross-origin isolated
// and its live form runs SharedPool in the page, with the states of the same run replayed in Node.
// Needs `npm run build` first (npm test does it).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { withPage } from './browser-page.js';
// From dist: its worker threads run the built .js (node cannot start a .ts worker without tsx).
import { recordScenarios } from '../dist/explore/record.js';
import { ReplayError, poolFinals, replay, sharedFinals, summarize } from '../src/explore/replay.js';
import { liveSteal } from '../src/explore/live.js';
import type { Scenario, SharedScenario, PoolScenario } from '../src/explore/scenario.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const NAMES = ['task2-gc-drain', 'task3-steal', 'task6-cliff', 'task11-ownership', 'task12-warmup'];

test('every recorded scenario replays to its pools\' own stats() and census()', { timeout: 60_000 }, async () => {
  const scenarios = await recordScenarios();
  assert.deepEqual(scenarios.map((s) => s.name), NAMES);
  for (const s of scenarios) {
    const last = replay(s).at(-1)!;
    if (s.pool === 'Pool' && last.pool === 'Pool') {
      assert.deepEqual(poolFinals(s, last), s.final, s.name);
    } else if (s.pool === 'SharedPool' && last.pool === 'SharedPool') {
      const { waits: _, ...stats } = s.final.stats;
      const rebuilt = sharedFinals(last);
      assert.deepEqual(rebuilt.stats, stats, s.name);
      assert.deepEqual(rebuilt.census, { pooled: s.final.census.pooled, neverHandedOut: s.final.census.neverHandedOut }, s.name);
    } else {
      assert.fail(`${s.name}: replayed as the wrong kind of pool`);
    }
  }
  const steal = scenarios[1]!;
  assert.ok(steal.events.some((e) => e.kind === 'get' && 'local' in e && e.source === 'steal'), 'task3-steal has no steal');
});

const shared = (events: SharedScenario['events']): SharedScenario => ({
  name: 'broken', title: 'broken', exercise: 3, description: '', pool: 'SharedPool', locals: 2, blocks: 4, ringCapacity: 16, events,
  final: { stats: { gets: 0, puts: 0, privateHits: 0, ringHits: 0, steals: 0, fresh: 0, exhausted: 0, waits: 0 }, census: { pooled: [], neverHandedOut: 4, outstanding: 0, unreleased: 0, stranded: [] } },
});
const pool = (events: PoolScenario['events']): PoolScenario => ({
  name: 'broken', title: 'broken', exercise: 2, description: '', pool: 'Pool', pools: ['p'], events, final: [],
});

test('the replay refuses a gallery of events that cannot have happened', () => {
  const gallery: [string, Scenario][] = [
    ['steal from an empty ring', shared([{ kind: 'get', local: 1, source: 'steal', block: 0, from: 0 }])],
    ['steal of a block that is not at the tail', shared([
      { kind: 'get', local: 0, source: 'arena', block: 0 }, { kind: 'get', local: 0, source: 'arena', block: 1 },
      { kind: 'put', local: 0, to: 'private', block: 0 }, { kind: 'put', local: 0, to: 'head', block: 1 },
      { kind: 'get', local: 1, source: 'steal', block: 0, from: 0 }])],
    ['an arena block out of order', shared([{ kind: 'get', local: 0, source: 'arena', block: 2 }])],
    ['a private hit on an empty slot', shared([{ kind: 'get', local: 0, source: 'private', block: 0 }])],
    ['a push with the private slot empty', shared([{ kind: 'put', local: 0, to: 'head', block: 0 }])],
    ['a Pool get from the victim with primaries held', pool([{ kind: 'put', pool: 0, to: 'private', item: 1 }, { kind: 'get', pool: 0, source: 'victim-private', item: 1 }])],
    ['a cleanup that moves more than is held', pool([{ kind: 'put', pool: 0, to: 'private', item: 1 }, { kind: 'cleanup', pool: 0, toVictim: 2, released: 0 }])],
    ['New with items pooled', pool([{ kind: 'put', pool: 0, to: 'private', item: 1 }, { kind: 'get', pool: 0, source: 'new', item: 2 }])],
    ['a LIFO pop of the wrong item', pool([{ kind: 'put', pool: 0, to: 'private', item: 1 }, { kind: 'put', pool: 0, to: 'shared', item: 2 },
      { kind: 'put', pool: 0, to: 'shared', item: 3 }, { kind: 'get', pool: 0, source: 'private', item: 1 }, { kind: 'get', pool: 0, source: 'shared', item: 2 }])],
  ];
  for (const [what, scenario] of gallery) assert.throws(() => replay(scenario), ReplayError, what);
});

test('syncpool-lab explore writes a page that replays every scenario in headless Chromium', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'syncpool-explore-'));
  try {
    const run = spawnSync(process.execPath, [cli, 'explore', '--out', out], { encoding: 'utf8' });
    assert.equal(run.status, 0, `syncpool-lab explore failed:\n${run.stdout}\n${run.stderr}`);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!127)/, 'the page loads nothing from elsewhere');
    const data = /<script type="application\/json" id="syncpool-scenarios">(.*?)<\/script>/s.exec(html);
    assert.ok(data !== null, 'the page embeds its scenarios');
    const scenarios = JSON.parse(data[1]!) as Scenario[];
    await withPage(join(out, 'index.html'), async (page, errors) => {
      assert.deepEqual(await page.evaluate(() => window.syncpoolExplorer.scenarios()), NAMES);
      for (const scenario of scenarios) {
        const steps = await page.evaluate((name) => {
          const x = window.syncpoolExplorer;
          x.load(name);
          const seen = [{ kind: 'start', state: x.state() }];
          for (let e = x.step(); e !== null; e = x.step()) seen.push({ kind: e.kind, state: x.state() });
          return seen;
        }, scenario.name);
        const states = replay(scenario);
        assert.equal(steps.length, states.length, `${scenario.name}: the page stopped before the end`);
        assert.deepEqual(steps.map((s) => s.state), states.map(summarize), `${scenario.name}: the page's states differ from Node's`);
        assert.deepEqual(steps.slice(1).map((s) => s.kind), scenario.events.map((e) => e.kind));
        if (scenario.name === 'task2-gc-drain') {
          const cleanups = scenario.events.flatMap((e, i) => (e.kind === 'cleanup' ? [i + 1] : []));
          assert.ok(cleanups.length >= 2, 'task2-gc-drain has two cleanups');
          assert.ok(steps[cleanups[0]!]!.state.victim > 0, 'the victim holds items after the first GC');
          assert.equal(steps[cleanups[1]!]!.state.victim, 0, 'the victim holds nothing after the second GC');
        }
      }
      // Keyboard: the explorer takes focus and → steps, ← steps back.
      const at = () => page.$eval('.syncpool-explorer[data-scenario="task3-steal"]', (e) => Number((e as HTMLElement).dataset.at));
      await page.focus('.syncpool-explorer[data-scenario="task3-steal"]');
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await at(), 2);
      await page.keyboard.press('ArrowLeft');
      assert.equal(await at(), 1);
      await page.keyboard.press('s');
      const sentence = await page.$eval('.syncpool-explorer[data-scenario="task3-steal"] .sentence', (e) => e.textContent ?? '');
      assert.match(sentence, /^P\d stole block \d+ from P\d's tail/);
      assert.deepEqual(errors, []);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('explore --serve: cross-origin isolated, and the live form runs SharedPool in the page with the states Node rebuilds', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'syncpool-serve-'));
  const server = spawn(process.execPath, [cli, 'explore', '--serve', '--port', '0', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((found, fail) => {
      let text = '';
      server.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /Serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
        if (match !== null) found(match[1]!);
      });
      server.once('exit', (code) => fail(new Error(`explore --serve exited (${code}) before serving:\n${text}`)));
    });
    // The same program in Node: single-threaded and deterministic, so the page must record the same events.
    const expected = liveSteal(3, 4, 5, 'live-1');
    const states = replay(expected);
    const last = states.at(-1)!;
    assert.ok(last.pool === 'SharedPool');
    const { waits: _, ...stats } = expected.final.stats;
    assert.deepEqual(sharedFinals(last).stats, stats, 'the Node run replays to its stats()');
    assert.ok(expected.events.some((e) => e.kind === 'get' && e.source === 'steal'), 'the live run steals');
    await withPage(url, async (page, errors) => {
      assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the page is cross-origin isolated');
      await page.select('#syncpool-live select', 'steal');
      for (const [index, value] of ['3', '4', '5'].entries()) {
        const input = (await page.$$('#syncpool-live input'))[index]!;
        await input.click({ count: 3 });
        await input.type(value);
      }
      await page.click('#syncpool-live button[type=submit]');
      await page.waitForFunction(() => document.querySelector('#syncpool-live [role=status]')?.textContent?.startsWith('Recorded'));
      const steps = await page.evaluate(() => {
        const x = window.syncpoolExplorer;
        x.load('live-1');
        const seen = [x.state()];
        while (x.step() !== null) seen.push(x.state());
        return { names: x.scenarios(), seen };
      });
      assert.ok(steps.names.includes('live-1'), `scenarios() lists the live run: ${steps.names.join(', ')}`);
      assert.deepEqual(steps.seen, states.map(summarize), 'the live run\'s states in the page equal the replay of the same run in Node');
      assert.deepEqual(errors, []);
    });
  } finally {
    server.kill();
    rmSync(out, { recursive: true, force: true });
  }
});
