/**
 * Records the events of one or more real Pools into a PoolScenario: observes each pool, numbers
 * its items in order of first sight (the page shows "item #3", not the item), and adds the lab's
 * markers (a forced GC, a phase). Runs in Node (record.ts) and in the browser (live.ts).
 */
import type { Pool, PoolEvent, PoolStats } from 'syncpool';
import type { MarkerEvent, PoolFinal, PoolScenario, RecordedPoolEvent } from './scenario.js';

const FINAL_FIELDS = ['gets', 'privateHits', 'stackHits', 'victimHits', 'news', 'misses', 'dropped', 'primarySize', 'victimSize'] as const;

export function poolFinal(stats: PoolStats): PoolFinal {
  return Object.fromEntries(FINAL_FIELDS.map((k) => [k, stats[k]])) as unknown as PoolFinal;
}

export class PoolRecorder {
  readonly events: (RecordedPoolEvent | MarkerEvent)[] = [];
  readonly #pools: Pool<unknown>[] = [];
  readonly #labels: string[] = [];
  readonly #ids = new Map<unknown, number>();
  #gcs = 0;

  observe<T, Got extends T | undefined>(pool: Pool<T, Got>, label: string): Pool<T, Got> {
    const index = this.#pools.length;
    this.#pools.push(pool as unknown as Pool<unknown>);
    this.#labels.push(label);
    pool.observe((event: PoolEvent<T>) => this.events.push(this.#record(index, event)));
    return pool;
  }

  #id(item: unknown): number | null {
    if (item === undefined || item === null) return null;
    let id = this.#ids.get(item);
    if (id === undefined) this.#ids.set(item, (id = this.#ids.size + 1));
    return id;
  }

  #record(pool: number, event: PoolEvent<unknown>): RecordedPoolEvent {
    switch (event.kind) {
      case 'get': return { kind: 'get', pool, source: event.source, item: this.#id(event.item) };
      case 'put': return { kind: 'put', pool, to: event.to, item: this.#id(event.item) };
      case 'cleanup': return { kind: 'cleanup', pool, toVictim: event.toVictim, released: event.released };
      case 'release': return { kind: 'release', pool, reason: event.reason, count: event.count };
    }
  }

  /** Marks a forced collection; call it just before forcing one. */
  gc(how: string): void {
    this.events.push({ kind: 'gc', n: ++this.#gcs, how });
  }

  phase(text: string): void {
    this.events.push({ kind: 'phase', text });
  }

  /** Stops observing and returns the scenario with every pool's final stats(). */
  finish(meta: Pick<PoolScenario, 'name' | 'title' | 'exercise' | 'description'>): PoolScenario {
    for (const pool of this.#pools) pool.observe(undefined);
    return { ...meta, pool: 'Pool', pools: [...this.#labels], events: this.events, final: this.#pools.map((p) => poolFinal(p.stats())) };
  }
}
