// Issue 9's random-termination stress at scale: `npm run stress:faults` (10 000 terminations, 5 000
// per pool, several minutes), or `node --import tsx bench/fault-stress.ts --terminations N
// [--kind shared|mutex] [--workers W]` after npm run build. Prints one JSON line of figures per
// pool (see packages/syncpool/test/support/fault-stress.ts for what each counts); exits 1 on a
// duplicate, an unaccounted block or a hang.
import { faultStress } from '../packages/syncpool/test/support/fault-stress.js';

const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const terminations = Number(args.get('terminations') ?? 10_000);
const kinds = args.has('kind') ? [args.get('kind') as 'shared' | 'mutex'] : (['shared', 'mutex'] as const);
const lib = new URL('../packages/syncpool/dist/index.js', import.meta.url).href;
try {
  for (const kind of kinds) {
    let reported = 0;
    const figures = await faultStress({
      kind, terminations: Math.ceil(terminations / kinds.length), workers: Number(args.get('workers') ?? 4), lib,
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
