import fc from 'fast-check';
import type { Conjecture } from './conjecture.js';

/** The outcome of the predicate at one input. */
export type Evaluation =
  | { readonly kind: 'holds' }
  | { readonly kind: 'fails' }
  /** `fc.pre` rejected the input */
  | { readonly kind: 'rejected' }
  | { readonly kind: 'error'; readonly cause: 'predicate-threw' | 'not-boolean'; readonly message: string };

const HOLDS: Evaluation = { kind: 'holds' };
const FAILS: Evaluation = { kind: 'fails' };
const REJECTED: Evaluation = { kind: 'rejected' };

/** Calls the predicate: a throw is an error (never a failure), `fc.pre` a rejection, anything but a boolean an error. */
export async function evaluate<T>(c: Conjecture<T>, input: T): Promise<Evaluation> {
  let out: unknown;
  try {
    out = await c.predicate(input);
  } catch (err) {
    if (fc.PreconditionFailure.isFailure(err)) return REJECTED;
    return { kind: 'error', cause: 'predicate-threw', message: `the predicate threw ${describeError(err)}` };
  }
  if (out === true) return HOLDS;
  if (out === false) return FAILS;
  return { kind: 'error', cause: 'not-boolean', message: `the predicate returned ${describeReturn(out)}, not a boolean; return true where the statement holds and false where it fails` };
}

/** Calls the score: NaN counts as −∞; a throw is an error. */
export async function scoreOf<T>(c: Conjecture<T>, input: T): Promise<number | { readonly error: string }> {
  if (c.score === undefined) return -Infinity;
  try {
    const s = await c.score(input);
    if (typeof s !== 'number') return { error: `the score returned ${describeReturn(s)}, not a number` };
    return Number.isNaN(s) ? -Infinity : s;
  } catch (err) {
    if (fc.PreconditionFailure.isFailure(err)) return -Infinity;
    return { error: `the score threw ${describeError(err)}` };
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message.split('\n')[0]}`;
  return `${typeof err} ${String(err)}`;
}

function describeReturn(v: unknown): string {
  if (v === undefined) return 'undefined (a missing return?)';
  if (typeof v === 'string') return `the string '${v.slice(0, 40)}'`;
  return `${typeof v} ${String(v).slice(0, 40)}`;
}
