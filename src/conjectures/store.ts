import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJsonSafe } from './format.js';

export { DEFAULT_STORE } from './defaults.js';

/** A stored counterexample: enough to replay it (seed and path) and to read it (the value). */
export interface StoredCounterexample {
  readonly format: 'rethink-counterexample-1';
  readonly name: string;
  readonly statement: string;
  readonly seed: number;
  readonly path: string;
  readonly phase: string;
  readonly runs: number;
  /** The counterexample, JSON-safe (for reading; replay goes through seed and path). */
  readonly counterexample: unknown;
  readonly replay: string;
  readonly recorded: string;
}

/** The file of a conjecture's stored counterexample. */
export function storeFile(dir: string, name: string): string {
  return join(dir, `${name}.json`);
}

/**
 * The stored counterexample of `name`, or null when there is none. A file that is not a stored
 * counterexample is reported through `note` and ignored (the next refutation overwrites it).
 */
export function readStored(dir: string, name: string, note: (message: string) => void): StoredCounterexample | null {
  const file = storeFile(dir, name);
  if (!existsSync(file)) return null;
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredCounterexample>;
    if (entry.format !== 'rethink-counterexample-1' || typeof entry.seed !== 'number' || typeof entry.path !== 'string') {
      note(`${file} is not a stored counterexample (format ${String(entry.format)}); ignored`);
      return null;
    }
    return entry as StoredCounterexample;
  } catch (err) {
    note(`${file} could not be read (${(err as Error).message.split('\n')[0]}); ignored`);
    return null;
  }
}

/** Saves a counterexample (write-then-rename, so a crash never leaves half a file). */
export function writeStored(dir: string, entry: Omit<StoredCounterexample, 'format' | 'recorded'> & { counterexample: unknown }): string {
  mkdirSync(dir, { recursive: true });
  const file = storeFile(dir, entry.name);
  const body: StoredCounterexample = { format: 'rethink-counterexample-1', ...entry, counterexample: toJsonSafe(entry.counterexample), recorded: new Date().toISOString() };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Removes a stored counterexample that no longer reproduces. */
export function removeStored(dir: string, name: string): void {
  rmSync(storeFile(dir, name), { force: true });
}
