// The one Chromium that every browser test launches (packages/lab/test/e2e.test.ts and
// test/runtimes/harness.ts): the system's `chromium` when it is on PATH, else the
// chrome-headless-shell build that the @sparticuz/chromium devDependency carries inside its npm
// package, so that `npm ci && npm test` needs no system package. The packed build comes as
// brotli files: the binary, its SwiftShader GL libraries, the NSS/NSPR/expat libraries it links
// (built for Amazon Linux 2023, glibc 2.34, so any newer glibc loads them) and a font. They are
// unpacked once per version into the temporary directory; node's test runner runs test files in
// parallel processes, so each unpacks into a directory of its own and renames it into place, and
// a process that loses the race uses the winner's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { LaunchOptions } from 'puppeteer-core';

export interface Chromium {
  /** Where it came from, for failure messages: "system (/usr/bin/chromium)" or "@sparticuz/chromium 137.0.1". */
  source: string;
  executablePath: string;
  /** What the binary needs in its environment (the packed build's libraries and fonts). */
  env: Record<string, string>;
}

/** The first `chromium` on PATH, or undefined. */
function systemChromium(): string | undefined {
  const which = spawnSync('which', ['chromium'], { encoding: 'utf8' });
  const path = which.stdout.trim();
  return which.status === 0 && path !== '' ? path : undefined;
}

/** `file.tar.br` unpacked into `dir` with the system's tar. */
function untar(file: string, dir: string): void {
  const run = spawnSync('tar', ['-x', '-C', dir], { input: brotliDecompressSync(readFileSync(file)) });
  if (run.status !== 0) throw new Error(`tar could not unpack ${file}: ${run.error?.message ?? run.stderr.toString()}`);
}

/** The packed build, unpacked into tmpdir()/syncpool-chromium-VERSION once. */
function packedChromium(): Chromium {
  const require = createRequire(import.meta.url);
  let entry: string; // build/index.js: the package exports nothing else, package.json included
  try {
    entry = require.resolve('@sparticuz/chromium');
  } catch {
    throw new Error('No chromium on PATH and @sparticuz/chromium is not installed: run `npm ci` in the repository root ' +
      '(it is a devDependency), or install a chromium.');
  }
  const root = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const bin = join(root, 'bin');
  const dir = join(tmpdir(), `syncpool-chromium-${version}`);
  const executablePath = join(dir, 'chromium');
  if (!existsSync(executablePath)) {
    const staging = mkdtempSync(`${dir}.unpacking-`);
    try {
      writeFileSync(join(staging, 'chromium'), brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))), { mode: 0o755 });
      untar(join(bin, 'swiftshader.tar.br'), staging); // libGLESv2.so and friends, found next to the binary
      untar(join(bin, 'al2023.tar.br'), staging); // lib/: libnss3, libnspr4, libexpat
      untar(join(bin, 'fonts.tar.br'), staging); // fonts/Open_Sans (its fonts.conf names Lambda's paths; ours is below)
      writeFileSync(join(staging, 'fonts.conf'), '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n' +
        `<fontconfig><dir>${join(dir, 'fonts')}</dir><cachedir>${join(dir, 'fonts-cache')}</cachedir></fontconfig>\n`);
      renameSync(staging, dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Another test process renamed its copy into place first: use that one.
      if (!existsSync(executablePath)) throw error;
    }
  }
  const libraries = [join(dir, 'lib'), ...(process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter((p) => p !== '')];
  return {
    source: `@sparticuz/chromium ${version} (${dir})`,
    executablePath,
    env: { LD_LIBRARY_PATH: libraries.join(':'), FONTCONFIG_FILE: join(dir, 'fonts.conf') },
  };
}

let found: Chromium | undefined;

/** The system's chromium if there is one, else the packed one; looked up once per process. */
export function findChromium(): Chromium {
  if (found === undefined) {
    const system = systemChromium();
    found = system === undefined ? packedChromium() : { source: `system (${system})`, executablePath: system, env: {} };
  }
  return found;
}

/** puppeteer-core's launch options for it, headless, with `args` added (e.g. --js-flags=--expose-gc). */
export function chromiumLaunchOptions(args: readonly string[] = []): LaunchOptions {
  const chromium = findChromium();
  return {
    executablePath: chromium.executablePath,
    args: ['--no-sandbox', '--headless=new', ...args],
    env: { ...process.env, ...chromium.env },
  };
}
