import { BenchError } from './errors.js';

// Go's benchmark naming and -bench matching (src/testing/match.go, Go 1.19): sub-benchmark
// names have spaces turned into underscores and are made unique with #01, #02...; the -bench
// pattern is split at slashes (and top-level |) outside brackets and parentheses, and each
// part must match the corresponding level of the name. Patterns use JavaScript RegExp syntax.

/** Go's rewrite(): white space becomes '_', unprintable characters are escaped. */
export function rewrite(name: string): string {
  let out = '';
  for (const ch of name) {
    if (/\s/u.test(ch)) out += '_';
    else if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(ch)) out += JSON.stringify(ch).slice(1, -1);
    else out += ch;
  }
  return out;
}

/** Hands out unique sub-benchmark names per parent, as Go's matcher.unique. */
export class NameRegistry {
  private readonly seen = new Map<string, number>();

  unique(parent: string, sub: string): string {
    const base = `${parent}/${rewrite(sub)}`;
    for (;;) {
      const n = this.seen.get(base) ?? 0;
      this.seen.set(base, n + 1);
      if (n === 0 && sub !== '') return base;
      const name = `${base}#${String(n).padStart(2, '0')}`;
      if (!this.seen.has(name)) {
        this.seen.set(name, 1);
        return name;
      }
    }
  }
}

/** Alternatives (top-level |), each a list of per-level patterns. */
type Alternatives = RegExp[][];

function split(pattern: string): string[][] {
  const alternatives: string[][] = [];
  let levels: string[] = [];
  let brackets = 0;
  let parens = 0;
  let rest = pattern;
  for (let i = 0; i < rest.length;) {
    const c = rest[i];
    if (c === '[') brackets++;
    else if (c === ']') brackets = Math.max(0, brackets - 1);
    else if (c === '(' && brackets === 0) parens++;
    else if (c === ')' && brackets === 0) parens--;
    else if (c === '\\') i++;
    else if ((c === '/' || c === '|') && brackets === 0 && parens === 0) {
      levels.push(rest.slice(0, i));
      rest = rest.slice(i + 1);
      i = 0;
      if (c === '|') {
        alternatives.push(levels);
        levels = [];
      }
      continue;
    }
    i++;
  }
  levels.push(rest);
  alternatives.push(levels);
  return alternatives;
}

export class Matcher {
  private readonly alternatives: Alternatives;

  /** Throws BenchError naming the bad element when a part is not a valid regular expression. */
  constructor(readonly pattern: string) {
    this.alternatives = split(pattern).map((levels, a) => levels.map((level, i) => {
      try {
        return new RegExp(rewrite(level), 'u');
      } catch (err) {
        throw new BenchError(`--bench ${JSON.stringify(pattern)}: element ${i} of alternative ${a} (${JSON.stringify(level)}) ` +
          `is not a valid regular expression: ${(err as Error).message}`);
      }
    }));
  }

  /** ok: the name matches so far; partial: the pattern has more levels than the name. */
  match(fullName: string): { ok: boolean; partial: boolean } {
    const elems = fullName.split('/');
    for (const levels of this.alternatives) {
      if (elems.every((e, i) => i >= levels.length || (levels[i] as RegExp).test(e))) {
        return { ok: true, partial: elems.length < levels.length };
      }
    }
    return { ok: false, partial: false };
  }
}
