import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import { isConjecture, type Conjecture } from './conjecture.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

/**
 * Loads a conjecture from a user's file: its default export must be a `conjecture(...)`.
 * JavaScript files are imported as they are. TypeScript files need no build step: on a Node with
 * type stripping (22.6+ with it enabled, 23.6+ by default) they are imported directly, elsewhere
 * (Node 20) through tsx's loader, registered on first use (it compiles TypeScript files only).
 *
 * @param file - a path to a .ts/.mts/.cts/.js/.mjs/.cjs file
 * @returns the conjecture
 * @throws InputError when the file is missing, has another extension, fails to load, or has no
 *   default-exported conjecture (naming what it does export)
 * @example
 * const c = await loadConjecture('conjectures/my-claim.ts');
 */
export async function loadConjecture(file: string): Promise<Conjecture<unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new InputError(`${file}: no such file; give a built-in name (rethink search --list) or the path of a .ts or .js file`);
  if (!statSync(path).isFile()) throw new InputError(`${file} is a directory; give the path of a .ts or .js file whose default export is a conjecture`);
  const ext = extname(path);
  if (!TYPESCRIPT.has(ext) && !JAVASCRIPT.has(ext)) {
    throw new InputError(`${file}: a conjecture file ends in .ts, .mts, .cts, .js, .mjs or .cjs (got '${ext || 'no extension'}')`);
  }
  let module: Record<string, unknown>;
  try {
    module = TYPESCRIPT.has(ext) && !nativeTypeScript() ? await importWithTsx(path) : ((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file} failed to load: ${((err as Error).message ?? String(err)).split('\n')[0]}`);
  }
  // A CommonJS file's module.exports arrives as `default`; an ES module compiled to CommonJS nests it once more.
  const exported = module.default;
  const candidate = isConjecture(exported) ? exported : isConjecture((exported as { default?: unknown } | undefined)?.default) ? (exported as { default: unknown }).default : undefined;
  if (!isConjecture(candidate)) {
    const names = Object.keys(module).filter((k) => k !== 'default');
    const named = names.filter((k) => isConjecture(module[k]));
    const hint = named.length > 0 ? `; it exports conjecture${named.length > 1 ? 's' : ''} ${named.join(', ')} by name — add \`export default ${named[0]}\`` : names.length > 0 ? ` (it exports ${names.join(', ')})` : '';
    throw new InputError(`${file} has no default export made by conjecture({...})${hint}`);
  }
  return candidate as Conjecture<unknown>;
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
