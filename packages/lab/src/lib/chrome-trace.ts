/**
 * Chrome trace-event JSON (the format chrome://tracing and Perfetto open): complete slices
 * ('X'), instants ('i'), thread names ('M') and flow arrows ('s' → 'f'). A flow's start binds
 * to the slice enclosing its timestamp on the start thread, its end ('bp': 'e') to the slice
 * enclosing its timestamp on the end thread, so each arrow is emitted at its slices' starts.
 * Timestamps are microseconds.
 */
export interface Slice {
  tid: number;
  name: string;
  startUs: number;
  durUs: number;
  args?: Record<string, string | number>;
}

export interface Flow {
  id: number;
  from: { tid: number; atUs: number };
  to: { tid: number; atUs: number };
}

const PID = 1;

export function chromeTrace(process: string, threads: Map<number, string>, slices: Slice[], instants: Slice[], flows: Flow[]): object {
  const round = (us: number) => Math.round(us * 1000) / 1000;
  return {
    displayTimeUnit: 'ms',
    traceEvents: [
      { ph: 'M', pid: PID, tid: 0, name: 'process_name', args: { name: process } },
      ...[...threads].map(([tid, name]) => ({ ph: 'M', pid: PID, tid, name: 'thread_name', args: { name } })),
      ...[...threads.keys()].map((tid) => ({ ph: 'M', pid: PID, tid, name: 'thread_sort_index', args: { sort_index: tid } })),
      ...slices.map((s) => ({
        ph: 'X', pid: PID, tid: s.tid, name: s.name, cat: 'pool', ts: round(s.startUs),
        // Zero-length slices cannot enclose a flow end; Perfetto draws 0.1 µs fine.
        dur: round(Math.max(s.durUs, 0.1)), args: s.args ?? {},
      })),
      ...instants.map((s) => ({ ph: 'i', s: 't', pid: PID, tid: s.tid, name: s.name, cat: 'thread', ts: round(s.startUs), args: s.args ?? {} })),
      ...flows.flatMap((f) => [
        { ph: 's', pid: PID, tid: f.from.tid, id: f.id, name: 'put → get', cat: 'handoff', ts: round(f.from.atUs) },
        { ph: 'f', bp: 'e', pid: PID, tid: f.to.tid, id: f.id, name: 'put → get', cat: 'handoff', ts: round(f.to.atUs) },
      ]),
    ],
  };
}
