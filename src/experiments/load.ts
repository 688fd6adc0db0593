/**
 * Where studies come from: the shipped ones are the files in the package's `experiments/` folder
 * (TypeScript, loaded without a build step), a user's is any file whose default export is a
 * `study({...})`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { defaultExport, importFile } from '../modules/import-file.js';
import { packageRoot } from '../workers/paths.js';
import type { LoadedStudy } from './plan.js';
import { isStudy, type AnyStudy } from './study.js';

/** The shipped studies, in the order `rethink reproduce` runs and reports them. */
export const BUILTIN_STUDIES = ['fig1a', 'fig1b', 'fig1c', 'table1', 'regularizers', 'memorization', 'rademacher-of-networks'] as const;

/** The file of a shipped study. */
export function builtinStudyFile(id: string): string {
  return join(packageRoot(), 'experiments', `${id}.ts`);
}

/**
 * Loads a study file: its default export must be a `study({...})`.
 *
 * @throws InputError for a missing file, one that fails to load, or one without a default study (naming what it exports)
 * @example
 * const s = await loadStudyFile('./my-study.ts');
 */
export async function loadStudyFile(file: string): Promise<AnyStudy> {
  const module = await importFile(file, 'a study', 'the path of a .ts or .js file whose default export is study({...})');
  const candidate = defaultExport(module, isStudy);
  if (candidate === undefined) {
    const names = Object.keys(module).filter((k) => k !== 'default');
    const named = names.filter((k) => isStudy(module[k]));
    const hint = named.length > 0 ? `; it exports a study named ${named[0]} — add \`export default ${named[0]}\`` : names.length > 0 ? ` (it exports ${names.join(', ')})` : '';
    throw new InputError(`${file} has no default export made by study({...})${hint}`);
  }
  return candidate;
}

/**
 * Loads studies by `--only` ids (default: every shipped one).
 *
 * @throws InputError naming an unknown id and the valid ones
 */
export async function loadBuiltinStudies(only: readonly string[] | null): Promise<LoadedStudy[]> {
  const ids = only ?? [...BUILTIN_STUDIES];
  for (const id of ids) {
    if (!(BUILTIN_STUDIES as readonly string[]).includes(id)) throw new InputError(`--only ${id}: no such study; studies: ${BUILTIN_STUDIES.join(', ')} (a study file of your own runs with rethink experiment FILE)`);
  }
  const out: LoadedStudy[] = [];
  for (const id of BUILTIN_STUDIES.filter((s) => ids.includes(s))) {
    const file = builtinStudyFile(id);
    if (!existsSync(file)) throw new InputError(`${file} is missing: the package's experiments/ folder is incomplete; reinstall rethink`);
    out.push({ study: await loadStudyFile(file), file: `builtin:${id}` });
  }
  return out;
}

/** Loads the studies a plan names (shipped ones by id, a user's by path). */
export async function loadPlannedStudies(files: readonly { id: string; file: string }[]): Promise<LoadedStudy[]> {
  const out: LoadedStudy[] = [];
  for (const { id, file } of files) {
    const path = file.startsWith('builtin:') ? builtinStudyFile(file.slice('builtin:'.length)) : resolve(file);
    const study = await loadStudyFile(path);
    if (study.id !== id) throw new InputError(`${path} now declares study '${study.id}', the plan names '${id}': the file changed since the plan was made; make a new plan`);
    out.push({ study, file });
  }
  return out;
}
