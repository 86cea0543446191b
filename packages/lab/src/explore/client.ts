/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The explorer in the page (bundled by esbuild at build time into dist/explore/client.bundle.js,
 * inlined into every page that embeds an explorer). Mounts one explorer on every
 * `.syncpool-explorer[data-scenario]` element from the scenarios in the page's
 * `#syncpool-scenarios` JSON, and exposes the test hook `window.syncpoolExplorer`. States come from
 * replay.ts, the module the Node-side test uses, so the page and Node cannot disagree.
 */
import { headTailWord, replay, ringCount, summarize, type ReplayState, type StateSummary } from './replay.js';
import type { ExplorerEvent, Scenario } from './scenario.js';
import { mountLive } from './live.js';

declare global {
  interface Window {
    syncpoolExplorer: {
      scenarios(): string[];
      load(name: string): void;
      step(): ({ kind: string } & Record<string, unknown>) | null;
      state(): StateSummary;
    };
  }
}

const SPEEDS = [1, 4, 16, 64];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const cell = (value: number | null, cls = '') => el('span', { class: `cell ${value === null ? 'empty' : 'full'} ${cls}` }, value === null ? '·' : String(value));

/** One line of the event log: what the event is, in a few words. */
function describeEvent(event: ExplorerEvent): string {
  switch (event.kind) {
    case 'gc': return `GC ${event.n}`;
    case 'phase': return `— ${event.text}`;
    case 'cleanup': return `cleanup: ${event.toVictim} to victim, ${event.released} released`;
    case 'release': return `release ${event.count} (${event.reason})`;
    case 'attach': return `P${event.local} attach (gen ${event.generation})`;
    case 'detach': return `P${event.local} detach`;
    case 'reclaim': return `P${event.local} reclaims P${event.target}`;
    default:
      if ('pool' in event) return event.kind === 'get' ? `get ← ${event.source} #${event.item ?? '-'}` : `put → ${event.to} #${event.item ?? '-'}`;
      return event.kind === 'get'
        ? `P${event.local} get ← ${event.source}${event.from === undefined ? '' : ` P${event.from}`} (${event.block})`
        : `P${event.local} put → ${event.to} (${event.block})`;
  }
}

const isGC = (e: ExplorerEvent) => e.kind === 'gc' || e.kind === 'cleanup';
const isSteal = (e: ExplorerEvent) => e.kind === 'get' && 'local' in e && e.source === 'steal';

class Explorer {
  readonly states: ReplayState[];
  at = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #root: HTMLElement;
  readonly #view = el('div', { class: 'state' });
  readonly #sentence = el('p', { class: 'sentence', 'aria-live': 'polite' });
  readonly #position = el('span', { class: 'position' });
  readonly #scrub: HTMLInputElement;
  readonly #play: HTMLButtonElement;
  readonly #speed: HTMLSelectElement;
  readonly #log: HTMLOListElement;

  constructor(readonly scenario: Scenario, root: HTMLElement) {
    this.#root = root;
    this.states = replay(scenario);
    const n = scenario.events.length;
    const button = (label: string, title: string, action: () => void) => {
      const b = el('button', { type: 'button', title }, label);
      b.addEventListener('click', action);
      return b;
    };
    this.#scrub = el('input', { type: 'range', min: '0', max: String(n), value: '0', 'aria-label': 'event' });
    this.#scrub.addEventListener('input', () => this.go(Number(this.#scrub.value)));
    this.#play = button('▶ play', 'play or pause (space)', () => this.toggle());
    this.#speed = el('select', { 'aria-label': 'speed (events per second)' }, ...SPEEDS.map((s) => el('option', { value: String(s) }, `${s}/s`)));
    this.#speed.value = '4';
    this.#speed.addEventListener('change', () => { if (this.#timer !== undefined) { this.pause(); this.play(); } });
    this.#log = el('ol', { class: 'log', start: '0' }, ...scenario.events.map((e, i) => {
      const item = el('li', { 'data-index': String(i) }, describeEvent(e));
      item.addEventListener('click', () => this.go(i + 1));
      return item;
    }));
    root.tabIndex = 0;
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', `explorer: ${scenario.title}`);
    root.replaceChildren(
      el('h3', {}, scenario.title),
      el('p', { class: 'description' }, scenario.description),
      el('div', { class: 'controls' },
        button('first', 'first event (Home)', () => this.go(0)),
        button('◀ back', 'step back (←)', () => this.go(this.at - 1)),
        this.#play,
        button('step ▶', 'step forward (→)', () => this.go(this.at + 1)),
        button('next GC', 'next GC or cleanup (g)', () => this.jump(isGC)),
        ...(scenario.pool === 'SharedPool' ? [button('next steal', 'next steal (s)', () => this.jump(isSteal))] : []),
        button('last', 'last event (End)', () => this.go(n)),
        this.#speed, this.#scrub, this.#position),
      this.#sentence,
      el('div', { class: 'body' }, this.#view, this.#log),
    );
    root.addEventListener('keydown', (e) => this.#key(e));
    this.render();
  }

  #key(e: KeyboardEvent): void {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    const actions: Record<string, () => void> = {
      ArrowRight: () => this.go(this.at + 1), ArrowLeft: () => this.go(this.at - 1), ' ': () => this.toggle(),
      Home: () => this.go(0), End: () => this.go(this.states.length - 1), g: () => this.jump(isGC), s: () => this.jump(isSteal),
    };
    const action = actions[e.key];
    if (action === undefined) return;
    e.preventDefault();
    action();
  }

  go(at: number): void {
    this.at = Math.max(0, Math.min(this.states.length - 1, at));
    if (this.at === this.states.length - 1) this.pause();
    this.render();
  }

  jump(test: (e: ExplorerEvent) => boolean): void {
    const next = this.scenario.events.findIndex((e, i) => i >= this.at && test(e));
    this.go(next < 0 ? this.states.length - 1 : next + 1);
  }

  toggle(): void {
    if (this.#timer === undefined) this.play();
    else this.pause();
  }

  play(): void {
    if (this.at === this.states.length - 1) this.go(0);
    this.#timer = setInterval(() => this.go(this.at + 1), 1000 / Number(this.#speed.value));
    this.#play.textContent = '⏸ pause';
  }

  pause(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#play.textContent = '▶ play';
  }

  render(): void {
    const state = this.states[this.at]!;
    this.#scrub.value = String(this.at);
    this.#position.textContent = `event ${this.at} of ${this.states.length - 1}`;
    this.#sentence.textContent = state.sentence;
    for (const li of this.#log.children) {
      const i = Number((li as HTMLElement).dataset.index);
      li.classList.toggle('current', i === this.at - 1);
      li.classList.toggle('supplier', i === state.suppliedBy);
    }
    this.#log.children[Math.max(0, this.at - 1)]?.scrollIntoView({ block: 'nearest' });
    this.#view.replaceChildren(...(state.pool === 'Pool' ? poolView(state) : sharedView(state)), countersView(state));
    this.#root.dataset.at = String(this.at);
  }
}

function poolView(state: Extract<ReplayState, { pool: 'Pool' }>): HTMLElement[] {
  return state.pools.map((p) => el('div', { class: 'local' },
    el('h4', {}, `P0 — ${p.label}`),
    el('div', { class: 'row' }, el('span', { class: 'label' }, 'private'), cell(p.private)),
    el('div', { class: 'row' }, el('span', { class: 'label' }, `shared (${p.shared.length})`), ...p.shared.map((x) => cell(x))),
    el('div', { class: 'row victim' }, el('span', { class: 'label' }, 'victim private'), cell(p.victimPrivate)),
    el('div', { class: 'row victim' }, el('span', { class: 'label' }, `victim shared (${p.victim.length})`), ...p.victim.map((x) => cell(x))),
    el('div', { class: 'row' }, el('span', { class: 'label' }, 'cleanups'), String(p.cleanups), el('span', { class: 'label' }, ' released'), String(p.released)),
  ));
}

function bits(word: number): HTMLElement {
  const spans = [];
  for (let b = 31; b >= 0; b--) spans.push(el('span', { class: `bit ${b >= 16 ? 'head' : 'tail'} b${(word >>> b) & 1}` }, String((word >>> b) & 1)));
  return el('span', { class: 'word', title: 'headTail = head << 16 | tail' }, ...spans);
}

function sharedView(state: Extract<ReplayState, { pool: 'SharedPool' }>): HTMLElement[] {
  const locals = state.locals.map((l) => {
    const mask = l.ring.length - 1;
    const slots = l.ring.map((x, i) => cell(x, `${i === (l.head & mask) ? 'at-head' : ''} ${i === (l.tail & mask) ? 'at-tail' : ''}`));
    return el('div', { class: `local ${l.attached ? 'attached' : 'detached'}` },
      el('h4', {}, `P${l.id} ${l.attached ? `(attached, generation ${l.generation})` : '(no thread attached)'}`),
      el('div', { class: 'row' }, el('span', { class: 'label' }, 'private'), cell(l.private)),
      el('div', { class: 'row ring' }, el('span', { class: 'label' }, `ring (${ringCount(l)})`), ...slots),
      el('div', { class: 'row' }, el('span', { class: 'label' }, `head ${l.head} tail ${l.tail}`), bits(headTailWord(l))),
    );
  });
  const arena = el('div', { class: 'row arena' }, el('span', { class: 'label' }, `arena: ${state.blocks - state.arenaNext} never used`),
    ...Array.from({ length: state.blocks }, (_, b) => el('span', { class: `cell ${b < state.arenaNext ? 'used' : 'never'}` }, String(b))));
  return [...locals, arena];
}

function countersView(state: ReplayState): HTMLElement {
  const s = summarize(state);
  const c = state.counters;
  const rows: [string, string][] = [
    ['gets', String(c.gets)], ['puts', String(c.puts)],
    ['gets by source', Object.entries(c.hits).map(([k, v]) => `${k} ${v}`).join(', ') || '—'],
    [state.pool === 'Pool' ? 'New calls' : 'fresh blocks (New)', String(s.news)], ['steals', String(c.steals)], ['GCs', String(s.gcs)],
    ['held: primary / victim', `${s.primary} / ${s.victim}`],
  ];
  return el('table', { class: 'counters' }, ...rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))));
}

const views: Explorer[] = [];

function mount(scenario: Scenario, root: HTMLElement): Explorer {
  const view = new Explorer(scenario, root);
  views.push(view);
  return view;
}

function start(): void {
  const data = document.getElementById('syncpool-scenarios');
  const scenarios = JSON.parse(data?.textContent ?? '[]') as Scenario[];
  for (const root of document.querySelectorAll<HTMLElement>('.syncpool-explorer[data-scenario]')) {
    const scenario = scenarios.find((s) => s.name === root.dataset.scenario);
    if (scenario === undefined) throw new Error(`syncpool explorer: no scenario "${root.dataset.scenario}" in this page`);
    mount(scenario, root);
  }
  let current: Explorer | undefined = views[0];
  window.syncpoolExplorer = {
    scenarios: () => views.map((v) => v.scenario.name),
    load(name) {
      const view = views.find((v) => v.scenario.name === name);
      if (view === undefined) throw new RangeError(`syncpoolExplorer.load: no scenario "${name}"; scenarios() lists them`);
      current = view;
      view.pause();
      view.go(0);
    },
    step() {
      if (current === undefined || current.at >= current.states.length - 1) return null;
      const event = current.scenario.events[current.at]!;
      current.go(current.at + 1);
      return { ...event };
    },
    state() {
      if (current === undefined) throw new RangeError('syncpoolExplorer.state: no scenario loaded');
      return summarize(current.states[current.at]!);
    },
  };
  const live = document.getElementById('syncpool-live');
  if (live !== null) mountLive(live, (scenario) => {
    const root = el('div', { class: 'syncpool-explorer', 'data-scenario': scenario.name });
    live.after(root);
    mount(scenario, root).go(0);
  });
}

start();
