import type { Expected } from './conjecture.js';

/** Which part of a search produced a counterexample. */
export type Phase =
  /** fast-check's seeded random runs (then fast-check's shrinker) */
  | 'random'
  /** the hill-climbing phase on the best-scoring inputs (then the same shrinker) */
  | 'targeted'
  /** an explicit `--path` replay */
  | 'replay'
  /** the counterexample store, replayed before any search */
  | 'store';

/** What every outcome carries. */
export interface SearchCommon {
  readonly name: string;
  readonly statement: string;
  readonly source: string | null;
  readonly expected: Expected;
  /** The search's seed (printed and stored). */
  readonly seed: number;
  /** Predicate evaluations while searching (shrinking not counted). */
  readonly runs: number;
  /** Wall time of the whole search, shrinking included. */
  readonly ms: number;
  /** Inputs rejected by `fc.pre`, over all phases. */
  readonly rejected: number;
  /** Whether the hill-climbing phase was on (a score was given and targeting not turned off). */
  readonly targeted: boolean;
  /** The training budget, for conjectures decided by training; null otherwise. */
  readonly empirical: string | null;
  /** Things the person running the search should know (a stale stored counterexample, …). */
  readonly notes: readonly string[];
}

/** The conjecture fails at `counterexample`. */
export interface Refuted<T = unknown> extends SearchCommon {
  readonly verdict: 'refuted';
  /** The shrunk counterexample. */
  readonly counterexample: T;
  /** Replays it with `seed` (fast-check's `{ seed, path, endOnFailure }`, or a targeted lineage `t…`). */
  readonly path: string;
  readonly phase: Phase;
  /** Predicate evaluations before the first failing input (1-based), and the time to it. */
  readonly firstFailure: { readonly run: number; readonly ms: number } | null;
  /** Shrinking steps taken. */
  readonly shrinks: number;
  /** The exact command that replays it. */
  readonly replay: string;
}

/** No counterexample within the budget. */
export interface Survived extends SearchCommon {
  readonly verdict: 'survived';
  /** What the runs covered: distinct inputs, and counts per label (`classify`, or input size). */
  readonly coverage: Coverage;
  /** The highest score seen (how close the search came), when a score was given. */
  readonly bestScore: number | null;
}

/** The conjecture itself is broken: the predicate threw or returned a non-boolean, or `fc.pre` rejected most inputs. */
export interface SearchError<T = unknown> extends SearchCommon {
  readonly verdict: 'error';
  readonly cause: 'predicate-threw' | 'not-boolean' | 'health-check';
  /** The input at which it happened (null for the health check). */
  readonly input: T | null;
  /** One line: what went wrong and what to do. */
  readonly error: string;
}

/** The outcome of a search: a discriminated union on `verdict`. */
export type SearchResult<T = unknown> = Refuted<T> | Survived | SearchError<T>;

/** Coverage statistics of the inputs a survived search tried. */
export interface Coverage {
  /** Distinct inputs among the runs (by their JSON form). */
  readonly distinct: number;
  /** Runs per label, most frequent first. */
  readonly labels: readonly { readonly label: string; readonly runs: number }[];
}

/**
 * Whether an outcome is what the conjecture's `expected` says (`holds` ⇔ survived, `refuted` ⇔ refuted).
 *
 * @example
 * matchesExpected(await search(builtinConjecture('weight-bound')!)); // true: it is expected to be refuted
 */
export function matchesExpected(result: SearchResult): boolean {
  return result.verdict === (result.expected === 'holds' ? 'survived' : 'refuted');
}
