/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The live scenario of `syncpool-lab explore --serve`: the reader's parameters, run on the real
 * library in the page. Pool programs are programs.ts's, with poolCleanup() standing in for a GC
 * (a page cannot force one). SharedPool needs SharedArrayBuffer, which a page has only when it is
 * cross-origin isolated (the server sends the headers): `locals` attachments in this one thread,
 * a producer on P0 and consumers on the others taking turns, so each steal is deterministic.
 */
import { SharedPool, poolCleanup, type BlockId } from 'syncpool';
import { observeNumbered, type Numbered } from './numbered.js';
import { gcDrain, victimCliff, warmup, type ForceGC } from './programs.js';
import type { Scenario, SharedScenario } from './scenario.js';

const cleanupNow: ForceGC = async (recorder) => {
  recorder.gc('poolCleanup(): a page cannot force a collection');
  poolCleanup();
};

/** P0 puts `k` fresh blocks; consumers P1.. take `ops` blocks in turn, then put them back. */
export function liveSteal(locals: number, k: number, ops: number, name: string): SharedScenario {
  const blocks = Math.max(16, k + ops);
  const producer = SharedPool.create({ blockSize: 64, blocks, maxLocals: locals });
  const words = new Int32Array(new SharedArrayBuffer(4));
  const events: Numbered[] = [];
  observeNumbered(producer, words, events);
  const consumers = Array.from({ length: locals - 1 }, () => SharedPool.attach(producer.buffer));
  for (const c of consumers) observeNumbered(c, words, events);
  const ids = Array.from({ length: k }, () => producer.get());
  for (const id of ids) producer.put(id);
  const held: BlockId[][] = consumers.map(() => []);
  for (let r = 0; r < ops; r++) held[r % consumers.length]!.push(consumers[r % consumers.length]!.get());
  for (const [i, c] of consumers.entries()) for (const id of held[i]!) if (id >= 0) c.put(id);
  const final = { stats: producer.stats(), census: producer.census() };
  for (const c of [producer, ...consumers]) { c.observe(undefined); c.detach(); }
  const ringCapacity = Math.max(16, 2 ** Math.ceil(Math.log2(blocks)));
  return {
    name, title: `Live: ${locals} locals, K = ${k}, ${ops} consumer gets`, exercise: 3, pool: 'SharedPool', locals, blocks, ringCapacity,
    description: `Run just now in this page on the real SharedPool: P0 puts ${k} blocks, P1–P${locals - 1} take ${ops} in turn and put them back.`,
    events: events.sort((a, b) => a.seq - b.seq).map((n) => n.event), final,
  };
}

const FIELDS = [
  { id: 'program', label: 'program', options: ['steal (SharedPool)', 'gc-drain (Pool)', 'warmup (Pool)', 'cliff (Pool)'] },
  { id: 'locals', label: 'locals', min: 2, max: 8, value: 4 },
  { id: 'k', label: 'K (items put first)', min: 1, max: 64, value: 6 },
  { id: 'ops', label: 'operations', min: 1, max: 200, value: 9 },
] as const;

/** Adds the live form to `root`; `show` mounts each scenario it records. */
export function mountLive(root: HTMLElement, show: (scenario: Scenario) => void): void {
  const form = document.createElement('form');
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  for (const f of FIELDS) {
    const label = document.createElement('label');
    label.textContent = `${f.label} `;
    let input: HTMLInputElement | HTMLSelectElement;
    if ('options' in f) {
      input = document.createElement('select');
      for (const o of f.options) input.append(new Option(o, o.split(' ')[0]));
    } else {
      input = Object.assign(document.createElement('input'), { type: 'number', min: String(f.min), max: String(f.max), value: String(f.value) });
    }
    inputs.set(f.id, input);
    label.append(input);
    form.append(label, ' ');
  }
  const run = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Run on the real library' });
  const message = document.createElement('p');
  message.setAttribute('role', 'status');
  form.append(run, message);
  root.append(form);
  let count = 0;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = (id: string) => Number(inputs.get(id)!.value);
    const bad = FIELDS.find((f) => !('options' in f) && !(Number.isInteger(value(f.id)) && value(f.id) >= f.min && value(f.id) <= f.max));
    if (bad !== undefined && !('options' in bad)) {
      message.textContent = `${bad.label} must be a whole number from ${bad.min} to ${bad.max}.`;
      return;
    }
    const program = inputs.get('program')!.value;
    if (program === 'steal' && !crossOriginIsolated) {
      message.textContent = 'SharedPool needs SharedArrayBuffer, which this page has only when served cross-origin isolated: run syncpool-lab explore --serve.';
      return;
    }
    const name = `live-${++count}`;
    const recorded: Promise<Scenario> = program === 'steal' ? Promise.resolve(liveSteal(value('locals'), value('k'), value('ops'), name))
      : program === 'gc-drain' ? gcDrain(cleanupNow, value('ops'))
        : program === 'warmup' ? warmup(cleanupNow, value('k'), Math.max(1, Math.min(value('k'), value('ops'))))
          : victimCliff(cleanupNow, value('k'), Math.min(value('k'), value('ops')));
    void recorded.then((scenario) => {
      show({ ...scenario, name, title: `${scenario.title} (live ${count})` });
      message.textContent = `Recorded ${scenario.events.length} events as ${name}.`;
    });
  });
}
