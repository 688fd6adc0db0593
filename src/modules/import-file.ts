/**
 * Importing a user's JavaScript or TypeScript file without a build step: `.js` as it is; `.ts` on a
 * Node with type stripping (22.6+ with it enabled, 23.6+ by default) directly, elsewhere (Node 20)
 * through tsx's loader, registered on first use (it compiles TypeScript files only). Used for
 * conjecture files (`rethink search FILE`) and study files (`rethink experiment FILE`, and the
 * shipped studies of `rethink reproduce`).
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as nodeModule from 'node:module';
import { InputError } from '../errors.js';
import { compiledModule, packageRoot } from '../workers/paths.js';

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
  registerRethinkResolution();
  try {
    return TYPESCRIPT.has(ext) && !nativeTypeScript() ? await importWithTsx(path) : ((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (err) {
    if (err instanceof InputError) throw err;
    // One line, but a compiler's "Transform failed with 1 error:" keeps the line that says where and what.
    const lines = ((err as Error).message ?? String(err)).split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const first = lines[0] ?? String(err);
    throw new InputError(`${file} failed to load: ${first.endsWith(':') && lines[1] !== undefined ? `${first} ${lines[1]}` : first}`);
  }
}

let resolutionRegistered = false;

/**
 * Lets the user's file import `rethink` wherever it lies (src/modules/resolve-hooks.ts): once per
 * process, and only where the compiled hook exists (the CLI and the tests run with dist/ built).
 */
function registerRethinkResolution(): void {
  if (resolutionRegistered) return;
  resolutionRegistered = true;
  let hooks: string;
  try {
    hooks = compiledModule('modules/resolve-hooks.js');
  } catch {
    return; // not built: the file resolves rethink as Node would
  }
  const register = (nodeModule as { register?: (specifier: string, options: { data: unknown }) => void }).register; // Node ≥ 20.6
  register?.(pathToFileURL(hooks).href, { data: { self: pathToFileURL(join(packageRoot(), 'package.json')).href } });
}

/** Whether this Node strips TypeScript types on import. */
function nativeTypeScript(): boolean {
  const features = process.features as { typescript?: string | false };
  return typeof features.typescript === 'string';
}

/**
 * Whether Node would load a `.ts` file as CommonJS: the nearest package.json above it does not say
 * `"type": "module"` (a user's project often does not).
 */
function loadsAsCommonJs(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return true;
      }
    }
    if (dirname(dir) === dir) return true;
  }
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
  if (extname(path) !== '.ts' || !loadsAsCommonJs(path)) return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  // A .ts file in a CommonJS package would be compiled to require() calls, and requiring the
  // ES-module package 'rethink' from a file the CLI is importing is a cycle Node refuses. The file is
  // written with import/export, so it is loaded as what it is: an ES module, through a copy named
  // .mts beside it (so that its relative imports still resolve), removed at once.
  const copy = join(dirname(path), `.${basename(path, '.ts')}.rethink-${randomBytes(4).toString('hex')}.mts`);
  try {
    copyFileSync(path, copy);
  } catch (err) {
    throw new InputError(`${path}: the package.json above it does not say "type": "module", and a .mts copy could not be written beside it (${(err as Error).message.split('\n')[0]}); rename the file to .mts or add "type": "module"`);
  }
  try {
    return (await import(pathToFileURL(copy).href)) as Record<string, unknown>;
  } catch (err) {
    const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const copyName = new RegExp(`${escape(join(dirname(path), `.${basename(path, '.ts')}.rethink-`))}[0-9a-f]{8}\\.m?ts`, 'g');
    const message = ((err as Error).message ?? String(err)).replace(copyName, path);
    throw new Error(message);
  } finally {
    rmSync(copy, { force: true });
  }
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
