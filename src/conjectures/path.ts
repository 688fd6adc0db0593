import { InputError } from '../errors.js';

/**
 * Where a counterexample sits, relative to the search's seed:
 * - `random`: fast-check's path `run:shrink:shrink…`, replayed with fast-check's `{ seed, path, endOnFailure }`;
 * - `targeted`: `t<run>.<step>.<step>…:<shrink>…` — random run `run`, then the hill-climbing
 *   mutations made at those steps (each a function of the seed and the step only), then the
 *   shrink indices.
 */
export type ReplayPath =
  | { readonly kind: 'random'; readonly text: string }
  | { readonly kind: 'targeted'; readonly run: number; readonly steps: readonly number[]; readonly shrinks: readonly number[] };

const RANDOM = /^\d+(:\d+)*$/;
const TARGETED = /^t(\d+)((?:\.\d+)+)((?::\d+)*)$/;

/**
 * Reads a replay path; a malformed one is an InputError that shows both accepted forms.
 *
 * @example
 * parsePath('12:0:3');   // { kind: 'random', text: '12:0:3' }
 * parsePath('t4.17.90:1'); // { kind: 'targeted', run: 4, steps: [17, 90], shrinks: [1] }
 */
export function parsePath(text: string): ReplayPath {
  if (RANDOM.test(text)) return { kind: 'random', text };
  const m = TARGETED.exec(text);
  if (m) {
    const numbers = (s: string, sep: string) => s.split(sep).filter((v) => v !== '').map(Number);
    return { kind: 'targeted', run: Number(m[1]), steps: numbers(m[2] as string, '.'), shrinks: numbers(m[3] as string, ':') };
  }
  throw new InputError(
    `--path '${text}' is malformed: a replay path is either run:shrink:… (digits and colons, e.g. 12:0:3) or t<run>.<step>…:<shrink>… for a targeted find (e.g. t4.17.90:1), as printed by the search`,
  );
}

/** The text of a targeted path. */
export function formatTargetedPath(run: number, steps: readonly number[], shrinks: readonly number[]): string {
  return `t${run}${steps.map((s) => `.${s}`).join('')}${shrinks.map((s) => `:${s}`).join('')}`;
}
