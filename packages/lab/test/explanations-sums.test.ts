// Counts in one section add up: the totals a section's tables show are the sums of their parts,
// and the sums its sentences state (hits and misses, popHead and popTail, puts that reached the
// consumer) are the ones its tables hold. Run over every synthetic section that states a sum.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Result, Table } from '../src/exercise.js';
import { sum } from '../src/lib/stats.js';
import { sections } from './synthetic.js';

const section = (id: number, withGo: boolean) => sections.find(([e]) => e.id === id)![1](withGo);
const table = (r: Result, title: RegExp): Table => {
  const t = [...r.tables, ...(r.go?.tables ?? [])].find((x) => title.test(x.title));
  assert.ok(t !== undefined, `no table titled ${title}`);
  return t;
};
/** The column named `name` of `t`, as numbers. */
const column = (t: Table, name: string, rows = t.rows): number[] => {
  const i = t.columns.indexOf(name);
  assert.ok(i >= 0, `no column ${name} in ${t.title}`);
  return rows.map((row) => Number(row[i]));
};

test('exercise 3: hits and misses make up the consumers\' gets in every run, steals are the hits with 4 locals, and the racing sentence quotes the table', () => {
  for (const withGo of [false, true]) {
    const r = section(3, withGo);
    const runs = table(r, /^Consumer gets \((\d+) × (\d+)\)/);
    const [, consumers, each] = /\((\d+) × (\d+)\)/.exec(runs.title)!;
    const gets = Number(consumers) * Number(each);
    const [hits, misses, steals, privateHits, ringHits, fresh] = ['hits', 'misses (fresh block)', 'steals', 'private hits', 'ring-head hits',
      'fresh blocks (all threads)'].map((c) => column(runs, c));
    const produced = Number(/A producer worker takes (\d+) blocks/.exec(sections.find(([e]) => e.id === 3)![0].analogue)![1]);
    runs.rows.forEach((row, i) => {
      assert.equal(hits![i]! + misses![i]!, gets, `${row[0]}: hits + misses`);
      assert.equal(fresh![i], produced + misses![i]!, `${row[0]}: fresh blocks = the producer's + the consumers' misses`);
      if (String(row[0]).startsWith('4 locals')) assert.equal(steals![i], hits![i], `${row[0]}: steals = hits`);
      else assert.ok(privateHits![i]! + ringHits![i]! >= hits![i]!, `${row[0]}: the consumers' hits come from the private slot and the ring head`);
    });
    const racing = runs.rows.map((row, i) => (String(row[0]) === '4 locals, racing' ? hits![i] : undefined)).filter((h) => h !== undefined);
    assert.match(r.explanation, new RegExp(`racing, the consumers hit ${racing.join(', ')} of ${gets} times`));
    if (withGo) {
      const onOneP = table(r, /^Racing on one P/);
      for (const row of onOneP.rows) assert.equal(Number(row[2]) + Number(row[3]), row[0] === 'Go, GOMAXPROCS=1' ? 9000 : gets, `${row[0]}: hits + misses`);
      assert.equal(sum(onOneP.rows.filter((row) => row[0] !== 'Go, GOMAXPROCS=1').map((row) => Number(/^(\d+) of/.exec(String(row[1]))![1]))), r.tables[0]!.rows.filter((row) => row[0] === '1 local (one thread), racing').length, 'every analogue run counted once');
    }
  }
});

test('exercise 2: the Go runs that lost the item after one GC and changed P are among both counts, and the note states the table\'s counts', () => {
  const r = section(2, true);
  const go = table(r, /^Go: runs in which New ran again/);
  const [runs, again, moved, both] = ['runs', 'New ran again', 'P changed across the GCs', 'both'].map((c) => column(go, c));
  go.rows.forEach((row, i) => {
    assert.ok(both![i]! <= Math.min(again![i]!, moved![i]!) && Math.max(again![i]!, moved![i]!) <= runs![i]!, `row ${row.join(' ')}`);
  });
  const i = go.rows.findIndex((row) => row[0] === 2 && row[1] === 1);
  assert.match(r.go!.note!, new RegExp(`GOMAXPROCS=2, New ran again after one GC in ${again![i]} of ${runs![i]} runs; .* in ${moved![i]} of them, and New ran again in ${both![i]} of those ${moved![i]}`));
});

test('exercise 7: the threads\' row sums to the all-threads row, popHead and popTail make up the values taken, and the verdict states that split', () => {
  const r = section(7, false);
  const threads = table(r, /^Who took what/);
  const parts = threads.rows.filter((row) => row[0] !== 'all threads');
  const total = threads.rows.find((row) => row[0] === 'all threads')!;
  for (const c of ['pushes', 'push retries', 'popHead', 'popTail', 'empty polls']) {
    assert.equal(sum(column(threads, c, parts)), column(threads, c, [total])[0], c);
  }
  const audit = table(r, /^Audit of every value/);
  const [values, taken, byHead, byTail, lost, twice] = audit.rows[0]!.map(Number);
  assert.equal(byHead! + byTail!, taken);
  assert.equal(taken! + lost! - twice!, values);
  assert.equal(byHead, column(threads, 'popHead', [total])[0]);
  assert.equal(byTail, column(threads, 'popTail', [total])[0]);
  assert.match(r.reason, new RegExp(`All ${values} values were taken exactly once \\(${byHead} by the owner's popHead, ${byTail} by the stealers' popTail\\)`));
  assert.match(r.explanation, new RegExp(`Stealers polled an empty ring ${column(threads, 'empty polls', [total])[0]} times`));
});

test('exercise 11: the producers\' rows sum to the all row, the consumer\'s gets are its stamped and fresh ones, and the sentences state those sums', () => {
  const r = section(11, false);
  const byProducer = table(r, /^Handoffs by producer/);
  const parts = byProducer.rows.filter((row) => row[0] !== 'all');
  const all = byProducer.rows.find((row) => row[0] === 'all')!;
  for (const c of ['puts', 'taken by the consumer', '… after the producer exited']) {
    assert.equal(sum(column(byProducer, c, parts)), column(byProducer, c, [all])[0], c);
  }
  const consumer = table(r, /^The consumer's gets/);
  const [gets, stamped, fresh] = consumer.rows[0]!.map(Number);
  assert.equal(stamped! + fresh!, gets);
  assert.equal(stamped, column(byProducer, 'taken by the consumer', [all])[0]);
  assert.match(r.explanation, new RegExp(`${fresh} of the consumer's gets took a fresh, unstamped block`));
  assert.match(r.explanation, new RegExp(`Of ${column(byProducer, 'puts', [all])[0]} puts, ${stamped} reached the consumer`));
  assert.match(r.reason, new RegExp(`${column(byProducer, '… after the producer exited', [all])[0]} of the consumer's ${stamped} gets took a block after its producer had exited`));
});
