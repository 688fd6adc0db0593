/**
 * Importing a user's JavaScript or TypeScript file without a build step: `.js` as it is; `.ts` on a
 * Node with type stripping (22.6+ with it enabled, 23.6+ by default) directly, elsewhere (Node 20)
 * through tsx's loader, registered on first use (it compiles TypeScript files only). Used for
 * conjecture files (`rethink search FILE`) and study files (`rethink experiment FILE`, and the
 * shipped studies of `rethink reproduce`).
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

/**
 * Imports a .ts/.mts/.cts/.js/.mjs/.cjs file.
 *
 * @param file the path
 * @param what what the file should hold, for messages ("a conjecture", "a study")
 * @param hint what else may be given instead, for the missing-file message
 * @throws InputError when the file is missing, a directory, of another extension, or fails to load (its first line of error)
 * @example
 * const module = await importFile('experiments/fig1a.ts', 'a study');
 */
export async function importFile(file: string, what: string, hint = 'the path of a .ts or .js file'): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new InputError(`${file}: no such file; give ${hint}`);
  if (!statSync(path).isFile()) throw new InputError(`${file} is a directory; give the path of a .ts or .js file whose default export is ${what}`);
  const ext = extname(path);
  if (!TYPESCRIPT.has(ext) && !JAVASCRIPT.has(ext)) {
    throw new InputError(`${file}: a file of ${what} ends in .ts, .mts, .cts, .js, .mjs or .cjs (got '${ext || 'no extension'}')`);
  }
  try {
    return TYPESCRIPT.has(ext) && !nativeTypeScript() ? await importWithTsx(path) : ((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file} failed to load: ${((err as Error).message ?? String(err)).split('\n')[0]}`);
  }
}

/** Whether this Node strips TypeScript types on import. */
function nativeTypeScript(): boolean {
  const features = process.features as { typescript?: string | false };
  return typeof features.typescript === 'string';
}

async function importWithTsx(path: string): Promise<Record<string, unknown>> {
  let register: () => unknown;
  try {
    ({ register } = (await import('tsx/esm/api')) as { register: typeof register });
  } catch {
    throw new InputError(`${path}: this Node (${process.version}) cannot import TypeScript and tsx is not installed; run npm install tsx, use Node ≥ 23.6, or give a .js file`);
  }
  // Registered once for the process (the CLI's own modules are already loaded, so the file's
  // imports of 'rethink' reuse them); tsx only compiles TypeScript files.
  if (!tsxRegistered) {
    register();
    tsxRegistered = true;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

let tsxRegistered = false;

/**
 * A module's default export when it passes `guard` (a CommonJS file's module.exports arrives as
 * `default`; an ES module compiled to CommonJS nests it once more), else undefined.
 *
 * @example
 * const study = defaultExport(await importFile('s.ts', 'a study'), isStudy);
 */
export function defaultExport<T>(module: Record<string, unknown>, guard: (v: unknown) => v is T): T | undefined {
  const exported = module.default;
  if (guard(exported)) return exported;
  const nested = (exported as { default?: unknown } | undefined)?.default;
  return guard(nested) ? nested : undefined;
}
