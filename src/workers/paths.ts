/**
 * Where the package's compiled modules are. Worker threads run JavaScript, so jobs always run from
 * `dist/` — also when the caller runs from the TypeScript sources (tests, tsx). Resolved from this
 * module's own place in the package (src/workers/ or dist/workers/: the root is two levels up), never
 * by rewriting a path string (a checkout under ~/src/… broke that).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

/** The package's root directory (the one with its package.json). */
export function packageRoot(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const pkg = join(root, 'package.json');
  if (!existsSync(pkg) || (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name !== 'rethink') {
    throw new Error(`rethink: cannot find the package root from ${fileURLToPath(import.meta.url)}`);
  }
  return root;
}

/**
 * The compiled file of a module, by its path under src/ (e.g. `training/fit.js`); an absolute path
 * (a JavaScript module of the user's, a test fixture) is taken as it is.
 *
 * @throws InputError when the file does not exist (dist/ not built)
 * @example
 * compiledModule('training/fit.js'); // '/…/rethink/dist/training/fit.js'
 */
export function compiledModule(module: string): string {
  const file = isAbsolute(module) ? module : join(packageRoot(), 'dist', module);
  if (!existsSync(file)) throw new InputError(isAbsolute(module) ? `worker job: ${file} does not exist` : `${file} is missing: worker threads run the compiled package; run npm run build`);
  return file;
}
