/**
 * The built-in conjectures: claims about generalization that `rethink search` runs, each with the
 * outcome its author expects and where it comes from. `rethink search --all` checks every one.
 */
import type { Conjecture } from '../conjecture.js';
import { biasPlacement, duplicatesFittable, hiddenUnits, theorem1Exact, theorem1Float32, weightBound } from './expressivity.js';
import { minNormRandomLabels, normBoundDecreases, sgdLimit, sgdToPseudoinverse } from './implicit.js';
import { contractionInExpectation, contractionPerSigma, massart, translationPerSigma } from './rademacher.js';
import { weightDecayPreventsFitting } from './training.js';

/** Every built-in conjecture, in the order `--list` and `--all` show them. */
export const BUILTIN_CONJECTURES: readonly Conjecture<any>[] = [
  theorem1Exact,
  weightBound,
  theorem1Float32,
  biasPlacement,
  hiddenUnits,
  duplicatesFittable,
  contractionPerSigma,
  contractionInExpectation,
  translationPerSigma,
  massart,
  minNormRandomLabels,
  normBoundDecreases,
  sgdToPseudoinverse,
  sgdLimit,
  weightDecayPreventsFitting,
];

/**
 * The built-in conjecture called `name`, or undefined.
 *
 * @example
 * builtinConjecture('weight-bound')?.expected; // 'refuted'
 */
export function builtinConjecture(name: string): Conjecture<any> | undefined {
  return BUILTIN_CONJECTURES.find((c) => c.name === name);
}
