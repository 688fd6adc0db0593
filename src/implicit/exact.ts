import { InputError } from '../errors.js';
import { ZERO, toFraction, type ExactInput, type Fraction } from '../exact/fraction.js';
import { solveExact } from '../exact/linear.js';

/** A rational matrix as rows. */
export type FractionRows = Fraction[][];

/** Converts exact inputs to rows of Fractions, checking the shape. */
export function fractionRows(X: readonly (readonly ExactInput[])[]): FractionRows {
  const d = X[0]?.length ?? 0;
  if (X.length === 0 || d === 0) throw new InputError('exact least squares: empty data');
  return X.map((r, i) => {
    if (r.length !== d) throw new InputError(`exact least squares: ragged rows — row ${i + 1} has ${r.length} values, row 1 has ${d} (1-based)`);
    return r.map(toFraction);
  });
}

const dotF = (a: readonly Fraction[], b: readonly Fraction[]): Fraction => a.reduce((s, v, j) => s.add(v.mul(b[j] as Fraction)), ZERO);

/**
 * SGD on (1/2n)‖Xw − y‖² in exact rational arithmetic: the iterates w_0 … w_T for a given order of
 * examples and a rational step size. For checking the row-span law with no rounding at all.
 *
 * @param X - (n, d) rational rows
 * @param y - (n)
 * @param order - the example used at each step
 * @param lr - the step size η
 * @param w0 - the start (default 0)
 */
export function sgdExact(X: FractionRows, y: readonly ExactInput[], order: readonly number[], lr: ExactInput, w0?: readonly ExactInput[]): Fraction[][] {
  const d = X[0]!.length;
  const eta = toFraction(lr);
  const yf = y.map(toFraction);
  let w = w0 ? w0.map(toFraction) : Array.from({ length: d }, () => ZERO);
  const iterates = [w];
  for (const i of order) {
    const x = X[i];
    if (!x) throw new InputError(`sgdExact: order names example ${i} but there are ${X.length}`);
    const step = eta.mul(dotF(x, w).sub(yf[i] as Fraction));
    w = w.map((wj, j) => wj.sub(step.mul(x[j] as Fraction)));
    iterates.push(w);
  }
  return iterates;
}

/**
 * The minimum-norm interpolant exactly: w = Xᵀα for any α with XXᵀα = y (w then interpolates and
 * lies in the row span, so it is X⁺y). Null when no interpolant exists (the system is inconsistent).
 */
export function minNormExact(X: FractionRows, y: readonly ExactInput[]): Fraction[] | null {
  const G = X.map((xi) => X.map((xk) => dotF(xi, xk))); // (n, n)
  const alpha = solveExact(G, y.map(toFraction));
  if (alpha === null) return null;
  const d = X[0]!.length;
  return Array.from({ length: d }, (_, j) => X.reduce((s, xi, i) => s.add((xi[j] as Fraction).mul(alpha[i] as Fraction)), ZERO));
}

/** ‖v‖², exactly. */
export function squaredNorm(v: readonly Fraction[]): Fraction {
  return dotF(v, v);
}
