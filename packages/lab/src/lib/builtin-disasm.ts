/**
 * The machine code of one V8 builtin, read from the node binary itself. TurboFan never inlines
 * Atomics: optimized code calls builtins such as AtomicsCompareExchange, whose code is embedded
 * in the binary under the symbol Builtins_<name>. `nm -n` gives its address range and `objdump`
 * disassembles it, so the `lock cmpxchg` on a steal path can be shown, not just asserted.
 * Needs binutils (nm, objdump) and a node binary with its symbols (Debian's and nodejs.org's
 * have them); otherwise says why not.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type BuiltinCode = { ok: true; lines: string[]; locked: string[] } | { ok: false; why: string };

export async function builtinCode(name: string, binary = process.execPath): Promise<BuiltinCode> {
  let symbols: string;
  try {
    symbols = (await run('nm', ['-n', '--defined-only', binary], { maxBuffer: 1 << 28 })).stdout;
  } catch (error) {
    return { ok: false, why: `nm could not read ${binary} (${(error as Error).message.split('\n')[0]}); install binutils` };
  }
  const lines = symbols.split('\n');
  const at = lines.findIndex((l) => l.endsWith(` Builtins_${name}`));
  if (at < 0) return { ok: false, why: `${binary} has no symbol Builtins_${name} (a stripped binary?)` };
  const start = lines[at]!.split(' ')[0]!;
  const end = lines.slice(at + 1).find((l) => l.split(' ')[0] !== start)?.split(' ')[0];
  if (end === undefined) return { ok: false, why: `cannot tell where Builtins_${name} ends` };
  let listing: string;
  try {
    listing = (await run('objdump', ['-d', '--no-show-raw-insn', `--start-address=0x${start}`, `--stop-address=0x${end}`, binary],
      { maxBuffer: 1 << 26 })).stdout;
  } catch (error) {
    return { ok: false, why: `objdump failed (${(error as Error).message.split('\n')[0]}); install binutils` };
  }
  const code = listing.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).map((l) => l.trim().replace(/\s+/g, ' '));
  return { ok: true, lines: code, locked: code.filter((l) => /\block\b/.test(l)) };
}
