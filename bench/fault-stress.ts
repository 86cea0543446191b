// Issue 9's random-termination stress at scale: `npm run stress:faults` (10 000 terminations, 5 000
// per pool, several minutes), or `node --import tsx bench/fault-stress.ts --terminations N
// [--kind shared|mutex] [--workers W] [--attach reserved|plain|both]` after npm run build. Workers
// attach by a reservation and are reclaimed by it, or attach plainly and are reclaimed by their
// threadId alone (reclaimThread), every other round by default. Prints one JSON line of figures
// per pool (see packages/syncpool/test/support/fault-stress.ts for what each counts); exits 1 on
// a duplicate, an unaccounted block, a leaked local or a hang.
import { faultStress } from '../packages/syncpool/test/support/fault-stress.js';

const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const terminations = Number(args.get('terminations') ?? 10_000);
const kinds = args.has('kind') ? [args.get('kind') as 'shared' | 'mutex'] : (['shared', 'mutex'] as const);
const attach = (args.get('attach') ?? 'both') as 'reserved' | 'plain' | 'both';
const lib = new URL('../packages/syncpool/dist/index.js', import.meta.url).href;
try {
  for (const kind of kinds) {
    let reported = 0;
    const figures = await faultStress({
      kind, terminations: Math.ceil(terminations / kinds.length), workers: Number(args.get('workers') ?? 4), attach, lib,
      onRound: (f) => {
        if (f.terminations - reported >= 500) {
          reported = f.terminations;
          process.stderr.write(`${kind}: ${f.terminations} terminations, ${f.lostHeld + f.lostInPut + f.lostInGet} blocks lost so far, all accounted for\n`);
        }
      },
    });
    console.log(JSON.stringify(figures));
  }
} catch (error) {
  console.error(error);
  process.exit(1);
}
