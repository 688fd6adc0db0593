import type fc from 'fast-check';
import { InputError } from '../errors.js';

/** What a conjecture's author expects a search to find. */
export type Expected = 'holds' | 'refuted';

/** What {@link conjecture} takes. */
export interface ConjectureSpec<T> {
  /** A short identifier: letters, digits, `-`, `_` and `.` (it names the stored counterexample file). */
  readonly name: string;
  /** The claim in words, with the quantifiers ("for every …, …"). */
  readonly statement: string;
  /** Where the claim comes from or why it is believed (author, year, theorem or equation). */
  readonly source?: string;
  /** The inputs the claim is about. `fc.pre` inside the predicate rejects an input (counted; see the health check). */
  readonly arbitrary: fc.Arbitrary<T>;
  /** True when the claim holds at `input`. May be async. Throwing is an error of the conjecture, never a refutation. */
  readonly predicate: (input: T) => boolean | Promise<boolean>;
  /** Default `'holds'`. `rethink search --all` and `conjecture.test` compare the outcome with it. */
  readonly expected?: Expected;
  /**
   * How close `input` is to a violation (larger is closer, e.g. measured − bound). When given, the
   * search spends half its budget hill-climbing on the best-scoring inputs (see `search`).
   */
  readonly score?: (input: T) => number | Promise<number>;
  /** Predicate evaluations in the search (default 200), shrinking not counted. */
  readonly numRuns?: number;
  /** A readable form of an input (a small table of points and labels), for reports. */
  readonly show?: (input: T) => string;
  /** Labels inputs for the coverage statistics of a survived search (e.g. `n = 3`). */
  readonly classify?: (input: T) => string;
  /**
   * Set for conjectures decided by training (not by a proof or an exact computation): the budget
   * each input gets, stated with the verdict (e.g. "≤ 300 SGD steps").
   */
  readonly empirical?: { readonly budget: string };
}

/** A conjecture: the validated spec, marked so that a file's default export can be recognised. */
export interface Conjecture<T = unknown> extends ConjectureSpec<T> {
  readonly kind: typeof CONJECTURE_KIND;
  readonly expected: Expected;
  readonly numRuns: number;
}

/** The mark on every conjecture object (a string, so it survives two copies of the package). */
export const CONJECTURE_KIND = 'rethink/conjecture' as const;

/** The default number of predicate evaluations in a search. */
export const DEFAULT_RUNS = 200;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A conjecture about generalization, as something to search: an arbitrary of inputs and a predicate
 * that says whether the claim holds at an input. `search(c)` looks for an input where it fails,
 * shrinks it, and says how to replay it; `rethink search file.ts` does the same for a file whose
 * default export is a conjecture.
 *
 * @param spec - name, statement, arbitrary, predicate, and optionally expected outcome, score, budget
 * @returns the conjecture (validated; bad specs throw an InputError naming the field)
 * @example
 * import { conjecture, fc } from 'rethink';
 * export default conjecture({
 *   name: 'squares-grow',
 *   statement: 'for every integer x, x² ≥ x',
 *   arbitrary: fc.integer({ min: -100, max: 100 }),
 *   predicate: (x) => x * x >= x,
 * });
 */
export function conjecture<T>(spec: ConjectureSpec<T>): Conjecture<T> {
  const where = `conjecture ${typeof spec?.name === 'string' ? `'${spec.name}'` : '(unnamed)'}`;
  if (spec === null || typeof spec !== 'object') throw new InputError('conjecture: give an object { name, statement, arbitrary, predicate }');
  if (typeof spec.name !== 'string' || !NAME.test(spec.name)) {
    throw new InputError(`${where}: name must be letters, digits, '-', '_' or '.', starting with a letter or digit (it names the stored counterexample file)`);
  }
  if (typeof spec.statement !== 'string' || spec.statement.trim() === '') throw new InputError(`${where}: statement must say the claim in words`);
  const arb = spec.arbitrary as unknown as { generate?: unknown; shrink?: unknown } | undefined;
  if (typeof arb?.generate !== 'function' || typeof arb.shrink !== 'function') {
    throw new InputError(`${where}: arbitrary must be a fast-check arbitrary (e.g. fc.integer(), or one of rethink's arbitraries)`);
  }
  if (typeof spec.predicate !== 'function') throw new InputError(`${where}: predicate must be a function input => boolean`);
  if (spec.score !== undefined && typeof spec.score !== 'function') throw new InputError(`${where}: score must be a function input => number`);
  const expected = spec.expected ?? 'holds';
  if (expected !== 'holds' && expected !== 'refuted') throw new InputError(`${where}: expected must be 'holds' or 'refuted', got '${String(expected)}'`);
  const numRuns = spec.numRuns ?? DEFAULT_RUNS;
  if (!Number.isSafeInteger(numRuns) || numRuns < 1) throw new InputError(`${where}: numRuns must be a positive integer, got ${numRuns}`);
  return Object.freeze({ ...spec, kind: CONJECTURE_KIND, expected, numRuns });
}

/**
 * Whether a value (for instance a file's default export) is a conjecture made by {@link conjecture}.
 *
 * @example
 * isConjecture((await import('./my-claim.js')).default); // true for `export default conjecture({...})`
 */
export function isConjecture(value: unknown): value is Conjecture {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === CONJECTURE_KIND;
}
