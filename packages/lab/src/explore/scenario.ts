/**
 * A recorded run, as the explorer replays it: the events the real pools reported to their
 * observers, in the order they happened, plus the lab's own markers (a forced GC, a phase of the
 * program), and what the pools' own stats()/census() said at the end (the replay must agree).
 * Plain JSON: the page embeds it, the Node-side test compares against it.
 */
import type { PoolGetSource, PoolPutTarget, PoolStats, SharedPoolCensus, SharedPoolEvent, SharedPoolStats } from 'syncpool';

/** A Pool's event with its item replaced by a number (the recorder numbers items in order of first sight). */
export type RecordedPoolEvent =
  | { kind: 'get'; pool: number; source: PoolGetSource; item: number | null }
  | { kind: 'put'; pool: number; to: PoolPutTarget; item: number | null }
  | { kind: 'cleanup'; pool: number; toVictim: number; released: number }
  | { kind: 'release'; pool: number; reason: string; count: number };

/** The lab's markers: a forced collection (before its cleanups) and a phase of the program. */
export type MarkerEvent =
  | { kind: 'gc'; n: number; how: string }
  | { kind: 'phase'; text: string };

export type ExplorerEvent = RecordedPoolEvent | SharedPoolEvent | MarkerEvent;

/** What a Pool's stats() said at the end of the run (the fields the replay rebuilds). */
export type PoolFinal = Pick<PoolStats, 'gets' | 'privateHits' | 'stackHits' | 'victimHits' | 'news' | 'misses' | 'dropped' | 'primarySize' | 'victimSize'>;

interface ScenarioBase {
  name: string;
  title: string;
  /** The exercise whose section embeds it. */
  exercise: number;
  description: string;
}

export interface PoolScenario extends ScenarioBase {
  pool: 'Pool';
  /** One label per Pool of the run ("victim on", "victim off"). */
  pools: string[];
  events: (RecordedPoolEvent | MarkerEvent)[];
  final: PoolFinal[];
}

export interface SharedScenario extends ScenarioBase {
  pool: 'SharedPool';
  locals: number;
  blocks: number;
  ringCapacity: number;
  events: (SharedPoolEvent | MarkerEvent)[];
  final: { stats: SharedPoolStats; census: SharedPoolCensus };
}

export type Scenario = PoolScenario | SharedScenario;
