import { InputError } from '../errors.js';
import { ZERO, type Fraction } from './fraction.js';

/**
 * Exact dense linear algebra over the rationals, for checking the O(n) constructions against the
 * textbook O(n²)/O(n³) ones on small problems.
 */

/** det A by fraction-exact Gaussian elimination with row pivoting (no structure assumed). */
export function determinant(A: readonly (readonly Fraction[])[]): Fraction {
  const n = A.length;
  const M = A.map((row, i) => {
    if (row.length !== n) throw new InputError(`determinant: row ${i} has ${row.length} entries, the matrix is ${n}×${n}`);
    return row.slice();
  });
  let det = ZERO.add(1);
  for (let c = 0; c < n; c++) {
    let p = c;
    while (p < n && (M[p]?.[c] as Fraction).equals(0)) p++;
    if (p === n) return ZERO;
    if (p !== c) {
      const tmp = M[p] as Fraction[];
      M[p] = M[c] as Fraction[];
      M[c] = tmp;
      det = det.neg();
    }
    const pivotRow = M[c] as Fraction[];
    const pivot = pivotRow[c] as Fraction;
    det = det.mul(pivot);
    for (let r = c + 1; r < n; r++) {
      const row = M[r] as Fraction[];
      const f = (row[c] as Fraction).div(pivot);
      if (f.equals(0)) continue;
      for (let j = c; j < n; j++) row[j] = (row[j] as Fraction).sub(f.mul(pivotRow[j] as Fraction));
    }
  }
  return det;
}

/** Solves L x = y for lower-triangular L by forward substitution (O(n²)); refuses a zero diagonal. */
export function forwardSubstitute(L: readonly (readonly Fraction[])[], y: readonly Fraction[]): Fraction[] {
  const n = L.length;
  if (y.length !== n) throw new InputError(`forwardSubstitute: L is ${n}×${n} but y has ${y.length} entries`);
  const x: Fraction[] = [];
  for (let i = 0; i < n; i++) {
    const row = L[i] as readonly Fraction[];
    let acc = y[i] as Fraction;
    for (let j = 0; j < i; j++) acc = acc.sub((row[j] as Fraction).mul(x[j] as Fraction));
    const diag = row[i] as Fraction;
    if (diag.equals(0)) throw new InputError(`forwardSubstitute: L[${i}][${i}] = 0, the system is singular`);
    x.push(acc.div(diag));
  }
  return x;
}
