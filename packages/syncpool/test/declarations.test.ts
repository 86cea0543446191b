// The built declaration files show a user the public API only: no private or protected member
// (a `#private;` line says that private fields exist and names none), so no internal type
// reaches a user through them. Reads packages/syncpool/dist (npm test builds first).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** The member lines of a declaration file that are private or protected; a private constructor names nothing and is allowed. */
function hiddenMembers(text: string): string[] {
  return text.split('\n').filter((line) => /^\s*(private|protected)\b/.test(line) && !/^\s*private constructor\(\);$/.test(line));
}

test('no declaration file lists a private or protected member', () => {
  const files = readdirSync(dist).filter((f) => f.endsWith('.d.ts'));
  assert.ok(files.includes('index.d.ts') && files.includes('internals.d.ts'), `dist holds ${files.join(', ')}: run npm run build`);
  const found = files.flatMap((f) => hiddenMembers(readFileSync(dist + f, 'utf8')).map((line) => `${f}: ${line.trim()}`));
  assert.deepEqual(found, []);
});

test('the check catches the members it is for', () => {
  const gallery: [string, string][] = [
    ['a TypeScript-private field', 'export declare class A {\n    private readonly words;\n}'],
    ['a private method', 'export declare class A {\n    private take;\n}'],
    ['a protected field carrying an internal type', 'export declare abstract class A {\n    protected readonly layout: Layout;\n}'],
    ['a protected constructor', 'export declare class A {\n    protected constructor(layout: Layout);\n}'],
    ['a protected abstract method', 'export declare abstract class A {\n    protected abstract release(localId: number): Released;\n}'],
  ];
  for (const [what, text] of gallery) assert.equal(hiddenMembers(text).length, 1, what);
  assert.deepEqual(hiddenMembers('export declare class A {\n    #private;\n    private constructor();\n    readonly privateHits: number;\n}'), []);
});
