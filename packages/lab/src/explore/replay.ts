/**
 * Events -> states: rebuilds, from a recorded run's events alone, everything the explorer shows
 * (per local its private slot, its ring or stack, head and tail; a Pool's victim; the arena's
 * never-used blocks; the counters) and one sentence per event computed from the state it met.
 * Runs in Node (the test that checks it against the pools' stats()/census()) and in the page (the
 * same module, bundled), so both rebuild the same states. Every event is checked against the state
 * it is applied to: an event that could not have happened there is a ReplayError, never a guess.
 */
import type { SharedPoolEvent } from 'syncpool';
import type { ExplorerEvent, MarkerEvent, PoolScenario, RecordedPoolEvent, Scenario, SharedScenario } from './scenario.js';

export class ReplayError extends Error {
  override name = 'ReplayError';
}

export interface Counters {
  gets: number;
  puts: number;
  /** Gets by where they were served from (Pool: private, shared, victim-*, new, none; SharedPool: private, head, steal, arena, none). */
  hits: Record<string, number>;
  news: number;
  steals: number;
  gcs: number;
  /** Items released by cleanups (Pool). */
  released: number;
}

export interface PoolView {
  label: string;
  private: number | null;
  /** The shared stack, bottom to top. */
  shared: number[];
  victimPrivate: number | null;
  /** The victim's stack, oldest first (gets take from the oldest end, as Go pops the victim chain's tail). */
  victim: number[];
  cleanups: number;
  released: number;
}

export interface LocalView {
  id: number;
  attached: boolean;
  generation: number;
  private: number | null;
  /** Ring slots by index (counter & (capacity - 1)); null: empty. */
  ring: (number | null)[];
  /** 16-bit counters: head is the next slot to fill, tail the oldest value. */
  head: number;
  tail: number;
}

interface StateBase {
  /** Events applied so far. */
  at: number;
  counters: Counters;
  /** For the last event, if it was a get of a pooled item: the index of the event that put it there. */
  suppliedBy: number | null;
  /** The sentence that explains the last event. */
  sentence: string;
}

export interface PoolState extends StateBase {
  pool: 'Pool';
  pools: PoolView[];
}

export interface SharedState extends StateBase {
  pool: 'SharedPool';
  locals: LocalView[];
  /** Blocks the arena has handed out fresh: the never-used ones are arenaNext .. blocks - 1. */
  arenaNext: number;
  blocks: number;
  /** Per block, the index of the event that last pooled it. */
  lastPut: (number | null)[];
}

export type ReplayState = PoolState | SharedState;

/** What the test hook's state() reports. */
export interface StateSummary {
  primary: number;
  victim: number;
  news: number;
  gcs: number;
}

const counters = (): Counters => ({ gets: 0, puts: 0, hits: {}, news: 0, steals: 0, gcs: 0, released: 0 });
const clone = <S>(state: S): S => structuredClone(state);
const item = (id: number | null) => `item #${id ?? '?'}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function initialState(scenario: Scenario): ReplayState {
  const base = { at: 0, counters: counters(), suppliedBy: null, sentence: 'Nothing has happened yet.' };
  if (scenario.pool === 'Pool') {
    return {
      ...base, pool: 'Pool',
      pools: scenario.pools.map((label) => ({ label, private: null, shared: [], victimPrivate: null, victim: [], cleanups: 0, released: 0 })),
    };
  }
  return {
    ...base, pool: 'SharedPool', arenaNext: 0, blocks: scenario.blocks, lastPut: new Array<number | null>(scenario.blocks).fill(null),
    locals: Array.from({ length: scenario.locals }, (_, id) => ({
      id, attached: false, generation: 0, private: null, ring: new Array<number | null>(scenario.ringCapacity).fill(null), head: 0, tail: 0,
    })),
  };
}

/** The packed word of a ring: head << 16 | tail, as 32 bits. */
export const headTailWord = (local: LocalView) => (((local.head & 0xffff) << 16) | (local.tail & 0xffff)) >>> 0;
export const ringCount = (local: LocalView) => (local.head - local.tail) & 0xffff;

function marker(state: ReplayState, event: MarkerEvent): string {
  if (event.kind === 'phase') return event.text;
  state.counters.gcs++;
  return `GC ${event.n} (${event.how}): each pool's cleanup runs next.`;
}

function applyPool(state: PoolState, event: RecordedPoolEvent, index: number): string {
  const pool = state.pools[event.pool];
  if (pool === undefined) throw new ReplayError(`event ${index}: no pool ${event.pool}`);
  const name = state.pools.length > 1 ? `The "${pool.label}" pool` : 'The pool';
  const c = state.counters;
  const primary = (pool.private === null ? 0 : 1) + pool.shared.length;
  switch (event.kind) {
    case 'get': {
      c.gets++;
      c.hits[event.source] = (c.hits[event.source] ?? 0) + 1;
      const expect = (held: number | null | undefined, where: string) => {
        if (held !== event.item) throw new ReplayError(`event ${index}: get from ${where} returned ${item(event.item)}, the replay holds ${held === null || held === undefined ? 'nothing' : item(held)} there`);
      };
      switch (event.source) {
        case 'private':
          expect(pool.private, 'the private slot');
          pool.private = null;
          return `get took ${item(event.item)} from the private slot, the fastest path.`;
        case 'shared':
          if (pool.private !== null) throw new ReplayError(`event ${index}: get went to the shared stack with the private slot full`);
          expect(pool.shared.at(-1), 'the shared stack');
          pool.shared.pop();
          return `get took ${item(event.item)} from the top of the shared stack (LIFO): the private slot was empty.`;
        case 'victim-private':
          if (primary > 0) throw new ReplayError(`event ${index}: get went to the victim with ${primary} items in the primary cache`);
          expect(pool.victimPrivate, "the victim's private slot");
          pool.victimPrivate = null;
          return `get took ${item(event.item)} from the victim's private slot: the primary cache was empty, and the last GC had moved it here.`;
        case 'victim-shared':
          if (primary > 0 || pool.victimPrivate !== null) throw new ReplayError(`event ${index}: get went to the victim's stack with something nearer`);
          expect(pool.victim[0], "the victim's stack");
          pool.victim.shift();
          return `get took ${item(event.item)} from the oldest end of the victim's stack: nothing nearer was pooled; put back, it is primary again.`;
        case 'new': {
          const held = primary + pool.victim.length + (pool.victimPrivate === null ? 0 : 1);
          if (held > 0) throw new ReplayError(`event ${index}: New ran with ${held} items pooled`);
          c.news++;
          return `get found nothing pooled, primary or victim, and called New: ${item(event.item)} is new (New call ${c.news}).`;
        }
        case 'none':
          return 'get found nothing pooled and the pool has no New: it returned undefined.';
      }
      break;
    }
    case 'put':
      if (event.to === 'ignored') return 'put(undefined or null) is ignored, as Go ignores nil.';
      c.puts++;
      if (event.to === 'dropped') return `put dropped ${item(event.item)} on purpose (debug mode drops 1 put in 4, as Go's race mode).`;
      if (event.to === 'private') {
        if (pool.private !== null) throw new ReplayError(`event ${index}: put into a full private slot`);
        pool.private = event.item;
        return `put left ${item(event.item)} in the empty private slot.`;
      }
      if (pool.private === null) throw new ReplayError(`event ${index}: put went to the shared stack with the private slot empty`);
      pool.shared.push(event.item ?? -1);
      return `put pushed ${item(event.item)} on the shared stack (now ${pool.shared.length} deep): the private slot held ${item(pool.private)}.`;
    case 'cleanup': {
      state.counters.released += event.released;
      pool.cleanups++;
      const victimHeld = pool.victim.length + (pool.victimPrivate === null ? 0 : 1);
      const keep = event.toVictim === primary && event.released === victimHeld;
      // Without a victim cache the primaries are released at once (counted as moved and released).
      const dropAll = !keep && (event.toVictim === 0 || event.toVictim === primary) && event.released === victimHeld + primary;
      if (!keep && !dropAll) {
        throw new ReplayError(`event ${index}: cleanup moved ${event.toVictim} and released ${event.released}; the replay holds ${primary} primary and ${victimHeld} victim items`);
      }
      pool.released += event.released;
      if (keep) {
        pool.victimPrivate = pool.private;
        pool.victim = pool.shared;
      } else {
        pool.victimPrivate = null;
        pool.victim = [];
      }
      pool.private = null;
      pool.shared = [];
      if (keep) {
        return `${name}'s cleanup moved its ${plural(primary, 'primary item')} to the victim and released ` +
          `${plural(victimHeld, 'victim item')}${victimHeld > 0 ? ': nobody took them for two GCs' : ''}.`;
      }
      return `${name} has no victim cache (Go before 1.13): its cleanup released all ${plural(event.released, 'item')} at once.`;
    }
    case 'release': {
      let left = event.count;
      while (left > 0 && pool.victim.length > 0) { pool.victim.shift(); left--; }
      if (left > 0 && pool.victimPrivate !== null) { pool.victimPrivate = null; left--; }
      while (left > 0 && pool.shared.length > 0) { pool.shared.shift(); left--; }
      if (left > 0 && pool.private !== null) { pool.private = null; left--; }
      if (left > 0) throw new ReplayError(`event ${index}: release of ${event.count} items, more than the pool holds`);
      pool.released += event.count;
      return `${name} released ${plural(event.count, 'item')} (${event.reason}).`;
    }
  }
  throw new ReplayError(`event ${index}: unknown Pool event`);
}

function applyShared(state: SharedState, event: SharedPoolEvent, index: number): string {
  const local = state.locals[event.local];
  if (local === undefined) throw new ReplayError(`event ${index}: no local ${event.local}`);
  const mask = local.ring.length - 1;
  const P = `P${event.local}`;
  const c = state.counters;
  const lastPut = (block: number) => {
    state.suppliedBy = state.lastPut[block] ?? null;
    state.lastPut[block] = null;
  };
  switch (event.kind) {
    case 'attach':
      local.attached = true;
      local.generation = event.generation;
      return `A thread attached to local ${event.local} (generation ${event.generation}): it is ${P} from now on.`;
    case 'detach':
      local.attached = false;
      return `${P}'s thread detached: what its ring holds stays stealable${ringCount(local) > 0 ? ` (${plural(ringCount(local), 'block')})` : ''}.`;
    case 'reclaim': {
      const target = state.locals[event.target];
      if (target === undefined) throw new ReplayError(`event ${index}: reclaim of no local ${event.target}`);
      target.attached = false;
      if (target.private !== null) {
        target.ring[target.head & mask] = target.private;
        target.head = (target.head + 1) & 0xffff;
        target.private = null;
      }
      return `${P} reclaimed dead P${event.target}: ${plural(event.recovered, 'block')} recovered, ${event.lost} lost.`;
    }
    case 'put': {
      if (event.to === 'head' && local.private === event.block) {
        // detach() moving the private block to the ring head: not a put() call.
        local.private = null;
        local.ring[local.head & mask] = event.block;
        local.head = (local.head + 1) & 0xffff;
        return `${P} is detaching: its private block ${event.block} moves to its ring's head, where other locals can steal it.`;
      }
      c.puts++;
      state.lastPut[event.block] = index;
      if (event.to === 'private') {
        if (local.private !== null) throw new ReplayError(`event ${index}: ${P} put into a full private slot`);
        local.private = event.block;
        return `${P} put block ${event.block} in its empty private slot (no atomics).`;
      }
      if (local.private === null) throw new ReplayError(`event ${index}: ${P} pushed on its ring with its private slot empty`);
      if (local.ring[local.head & mask] !== null) throw new ReplayError(`event ${index}: ${P} pushed into a full ring slot`);
      local.ring[local.head & mask] = event.block;
      local.head = (local.head + 1) & 0xffff;
      return `${P} pushed block ${event.block} at its ring's head (head is now ${local.head}): its private slot held block ${local.private}.`;
    }
    case 'get': {
      c.gets++;
      c.hits[event.source] = (c.hits[event.source] ?? 0) + 1;
      state.suppliedBy = null;
      switch (event.source) {
        case 'private':
          if (local.private !== event.block) throw new ReplayError(`event ${index}: ${P} got block ${event.block} from its private slot, which holds ${local.private}`);
          local.private = null;
          lastPut(event.block);
          return `${P} took block ${event.block} from its private slot: no atomics, no other thread involved.`;
        case 'head': {
          const slot = (local.head - 1) & mask;
          if (local.private !== null || ringCount(local) === 0 || local.ring[slot] !== event.block) {
            throw new ReplayError(`event ${index}: ${P} popped block ${event.block} at its head, where the replay holds ${local.ring[slot]}`);
          }
          local.ring[slot] = null;
          local.head = (local.head - 1) & 0xffff;
          lastPut(event.block);
          return `${P} popped block ${event.block} from its ring's head (LIFO, the most recently put): its private slot was empty.`;
        }
        case 'steal': {
          const from = event.from === undefined ? undefined : state.locals[event.from];
          if (from === undefined) throw new ReplayError(`event ${index}: ${P} stole from no local (${event.from})`);
          const fmask = from.ring.length - 1;
          if (ringCount(from) === 0 || from.ring[from.tail & fmask] !== event.block) {
            throw new ReplayError(`event ${index}: ${P} stole block ${event.block} from P${event.from}'s tail, where the replay holds ${from.ring[from.tail & fmask]}`);
          }
          from.ring[from.tail & fmask] = null;
          from.tail = (from.tail + 1) & 0xffff;
          c.steals++;
          lastPut(event.block);
          const own = local.private === null && ringCount(local) === 0 ? `${P}'s private slot and ring were empty` : `${P} still held blocks (they arrived while it searched)`;
          return `${P} stole block ${event.block} from P${event.from}'s tail: ${own}.`;
        }
        case 'arena': {
          if (event.block !== state.arenaNext) throw new ReplayError(`event ${index}: ${P} got block ${event.block} fresh, the arena's next is ${state.arenaNext}`);
          state.arenaNext++;
          c.news++;
          const others = state.locals.filter((l) => ringCount(l) > 0).map((l) => `P${l.id}`);
          const why = others.length === 0 ? 'nothing was pooled anywhere' : `${others.join(', ')} held blocks that arrived after it looked`;
          return `${P} took never-used block ${event.block} from the arena (Go's New): ${why}; ${plural(state.blocks - state.arenaNext, 'block')} never used remain.`;
        }
        case 'none':
          if (event.block !== -1) throw new ReplayError(`event ${index}: a 'none' get with block ${event.block}`);
          return `${P} found nothing pooled and the arena used up: get returned -1.`;
      }
    }
  }
  throw new ReplayError(`event ${index}: unknown SharedPool event`);
}

/** The state after applying `events[index]` to `state` (which is not changed). */
export function apply(state: ReplayState, event: ExplorerEvent, index: number): ReplayState {
  const next = clone(state);
  next.at = index + 1;
  next.suppliedBy = null;
  if (event.kind === 'gc' || event.kind === 'phase') next.sentence = marker(next, event);
  else if (next.pool === 'Pool') next.sentence = applyPool(next, event as RecordedPoolEvent, index);
  else next.sentence = applyShared(next, event as SharedPoolEvent, index);
  return next;
}

/** Every state of a run: states[0] before the first event, states[i] after event i - 1. */
export function replay(scenario: Scenario): ReplayState[] {
  const states = [initialState(scenario)];
  const events: readonly ExplorerEvent[] = scenario.events;
  for (const [i, event] of events.entries()) states.push(apply(states[i]!, event, i));
  return states;
}

export function summarize(state: ReplayState): StateSummary {
  if (state.pool === 'Pool') {
    let primary = 0;
    let victim = 0;
    for (const p of state.pools) {
      primary += (p.private === null ? 0 : 1) + p.shared.length;
      victim += (p.victimPrivate === null ? 0 : 1) + p.victim.length;
    }
    return { primary, victim, news: state.counters.news, gcs: state.counters.gcs };
  }
  const primary = state.locals.reduce((n, l) => n + (l.private === null ? 0 : 1) + ringCount(l), 0);
  return { primary, victim: 0, news: state.counters.news, gcs: state.counters.gcs };
}

/** The end state in the terms of the pools' own stats(): what the test compares with scenario.final. */
export function poolFinals(scenario: PoolScenario, state: PoolState): PoolScenario['final'] {
  const perPool = scenario.pools.map(() => ({ gets: 0, privateHits: 0, stackHits: 0, victimHits: 0, news: 0, misses: 0 }));
  for (const event of scenario.events) {
    if (event.kind !== 'get') continue;
    const p = perPool[event.pool]!;
    p.gets++;
    if (event.source === 'private') p.privateHits++;
    else if (event.source === 'shared') p.stackHits++;
    else if (event.source === 'new') p.news++;
    else if (event.source === 'none') p.misses++;
    else p.victimHits++;
  }
  return state.pools.map((view, i) => ({
    ...perPool[i]!,
    dropped: view.released,
    primarySize: (view.private === null ? 0 : 1) + view.shared.length,
    victimSize: (view.victimPrivate === null ? 0 : 1) + view.victim.length,
  }));
}

/** The end state in the terms of SharedPool's stats() (less waits) and census(). */
export function sharedFinals(state: SharedState): { stats: Omit<SharedScenario['final']['stats'], 'waits'>; census: { pooled: number[]; neverHandedOut: number } } {
  const h = state.counters.hits;
  const pooled: number[] = [];
  for (const l of state.locals) if (l.private !== null) pooled.push(l.private);
  for (const l of state.locals) {
    const mask = l.ring.length - 1;
    for (let i = l.tail; i !== l.head; i = (i + 1) & 0xffff) pooled.push(l.ring[i & mask] ?? -1);
  }
  return {
    stats: {
      gets: state.counters.gets, puts: state.counters.puts, privateHits: h.private ?? 0, ringHits: h.head ?? 0,
      steals: h.steal ?? 0, fresh: h.arena ?? 0, exhausted: h.none ?? 0,
    },
    census: { pooled, neverHandedOut: state.blocks - state.arenaNext },
  };
}
