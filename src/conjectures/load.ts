import { InputError } from '../errors.js';
import { defaultExport, importFile } from '../modules/import-file.js';
import { isConjecture, type Conjecture } from './conjecture.js';

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
  const module = await importFile(file, 'a conjecture', 'a built-in name (rethink search --list) or the path of a .ts or .js file');
  const candidate = defaultExport(module, isConjecture);
  if (candidate === undefined) {
    const names = Object.keys(module).filter((k) => k !== 'default');
    const named = names.filter((k) => isConjecture(module[k]));
    const hint = named.length > 0 ? `; it exports conjecture${named.length > 1 ? 's' : ''} ${named.join(', ')} by name — add \`export default ${named[0]}\`` : names.length > 0 ? ` (it exports ${names.join(', ')})` : '';
    throw new InputError(`${file} has no default export made by conjecture({...})${hint}`);
  }
  return candidate as Conjecture<unknown>;
}
