// Why SharedPool's pad 0 shows false sharing in some processes and not in others: JavaScript
// cannot choose where a SharedArrayBuffer's memory starts, and V8 takes it from malloc, aligned
// only to 16 bytes. Each of several fresh processes prints where its pool's buffer starts within
// a 64-byte cache line (V8's %DebugPrint), which neighbouring locals that puts in one line, and
// the ns per get+put pair of two workers on locals 0 and 1, then 1 and 2, of the same pool.
// Run: npm run build && node bench/pad-placement.mjs [processes]   (about 2 s per process)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SharedPool } from 'syncpool';
import { timePairs } from './pair-workers.mjs';

// SharedPool's layout (packages/syncpool/src/shared-layout.ts): the records start at byte 128;
// with pad 0 they are 44 bytes apart, and a private hit writes bytes 4..23 of its own record.
const RECORDS_AT = 128;
const PACKED_RECORD = 44;
const WRITTEN = [4, 24];
const LINE = 64;
const PAIRS = 20_000_000;
const PLACEMENTS = [[0, 1], [1, 2]];

/** Do the bytes locals `first` and `first + 1` write share a line, for a buffer starting `offset` bytes into one? */
function shareLine(offset, first) {
  const lines = (local) => {
    const at = offset + RECORDS_AT + PACKED_RECORD * local;
    return [Math.floor((at + WRITTEN[0]) / LINE), Math.floor((at + WRITTEN[1] - 1) / LINE)];
  };
  const [a, b] = [lines(first), lines(first + 1)];
  return a[1] >= b[0];
}

/** ns per pair of each of two workers running at once, on the two lowest free locals of `buffer`. */
async function nsPerPair(buffer) {
  return (await timePairs('SharedPool', buffer, 2, PAIRS)) / PAIRS;
}

async function child() {
  const debugPrint = new Function('object', '%DebugPrint(object)'); // parsed only here, under --allow-natives-syntax
  const result = {};
  for (const pad of [0, 128]) {
    const pool = SharedPool.create({ blockSize: 64, blocks: 8, maxLocals: 3, pad });
    pool.detach();
    if (pad === 0) debugPrint(pool.buffer); // the pad 0 buffer's address: where its records sit in their lines
    const ns = [];
    for (const [first] of PLACEMENTS) {
      // attach() takes the lowest free local: holding locals below `first` here puts the workers on first, first + 1.
      const held = Array.from({ length: first }, () => SharedPool.attach(pool.buffer));
      ns.push(await nsPerPair(pool.buffer));
      for (const attachment of held) attachment.detach();
    }
    result[pad] = ns;
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
}

function parent(processes) {
  const rows = [];
  const shared = [];
  const apart = [];
  for (let p = 0; p < processes; p++) {
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', fileURLToPath(import.meta.url), 'child'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`child process failed: ${run.stderr}`);
    const offset = Number(BigInt(`0x${run.stdout.match(/backing_store: 0x([0-9a-f]+)/)[1]}`) % BigInt(LINE));
    const result = JSON.parse(run.stdout.split('RESULT ')[1]);
    const cells = PLACEMENTS.map(([first], j) => {
      const sharing = shareLine(offset, first);
      (sharing ? shared : apart).push(result[0][j]);
      return `${result[0][j].toFixed(2)} (${sharing ? 'shared line' : 'no shared line'})`;
    });
    rows.push([p + 1, offset, ...cells, ...result[128].map((ns) => ns.toFixed(2))]);
  }
  console.log('| process | pad 0 buffer: bytes into its line | pad 0, locals 0–1: ns/pair | pad 0, locals 1–2: ns/pair | pad 128, locals 0–1 | pad 128, locals 1–2 |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]?.toFixed(2) ?? '-';
  console.log(`\npad 0 placements whose written bytes share a line: ${shared.length}, median ${median(shared)} ns/pair; ` +
    `the others: ${apart.length}, median ${median(apart)} ns/pair.`);
}

if (process.argv[2] === 'child') await child();
else parent(Number(process.argv[2] ?? 8));
