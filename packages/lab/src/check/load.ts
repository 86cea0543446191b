/**
 * Loading the learner's module: a missing file, a file that does not load or throws at import
 * is a usage error (exit 2) that says which, with the task's contract.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A usage error: the check prints the message and exits 2. */
export class UsageError extends Error {}

export const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** `path` itself, or in a directory the one module file in it (the starter's name first). */
export function moduleFile(path: string, starterName: string, contract: string): string {
  const full = resolve(path);
  if (!existsSync(full)) throw new UsageError(`${path} does not exist.\nThe contract:\n${contract}`);
  if (!statSync(full).isDirectory()) {
    if (!MODULE_EXTENSIONS.includes(extname(full))) {
      throw new UsageError(`${path} is not a .ts, .mts, .js or .mjs module.\nThe contract:\n${contract}`);
    }
    return full;
  }
  if (existsSync(join(full, starterName))) return join(full, starterName);
  const modules = readdirSync(full).filter((f) => MODULE_EXTENSIONS.includes(extname(f)) && !f.endsWith('.d.ts'));
  if (modules.length !== 1) {
    throw new UsageError(`${path} is a folder without ${starterName} and with ${modules.length === 0 ? 'no module' : `${modules.length} modules (${modules.join(', ')})`}; ` +
      `name the file to check.\nThe contract:\n${contract}`);
  }
  return join(full, modules[0]!);
}

export async function loadModule(file: string, contract: string): Promise<Record<string, unknown>> {
  try {
    return await import(pathToFileURL(file).href) as Record<string, unknown>;
  } catch (error) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new UsageError(`${file} does not load: ${what}\nThe contract:\n${contract}`);
  }
}

/** A UsageError naming the functions of `names` that the loaded module does not export. */
export function requireFunctions(module: Record<string, unknown>, file: string, names: string[], contract: string): void {
  const missing = names.filter((name) => typeof module[name] !== 'function');
  if (missing.length === 0) return;
  const exported = Object.keys(module);
  throw new UsageError(`${file} does not export ${missing.map((m) => `a function named ${m}`).join(' and ')} ` +
    `(it exports ${exported.length === 0 ? 'nothing' : exported.join(', ')}).\nThe contract:\n${contract}`);
}
