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

/** Row echelon form by fraction-exact elimination; returns the rank and the reduced rows. */
function echelon(A: readonly (readonly Fraction[])[]): { rank: number; rows: Fraction[][]; pivots: number[] } {
  const rows = A.map((r) => r.slice());
  const cols = rows[0]?.length ?? 0;
  const pivots: number[] = [];
  let r = 0;
  for (let c = 0; c < cols && r < rows.length; c++) {
    let p = r;
    while (p < rows.length && (rows[p]![c] as Fraction).equals(0)) p++;
    if (p === rows.length) continue;
    [rows[r], rows[p]] = [rows[p]!, rows[r]!];
    const pivotRow = rows[r]!;
    const pivot = pivotRow[c] as Fraction;
    for (let j = c; j < cols; j++) pivotRow[j] = (pivotRow[j] as Fraction).div(pivot);
    for (let i = 0; i < rows.length; i++) {
      if (i === r) continue;
      const row = rows[i]!;
      const f = row[c] as Fraction;
      if (f.equals(0)) continue;
      for (let j = c; j < cols; j++) row[j] = (row[j] as Fraction).sub(f.mul(pivotRow[j] as Fraction));
    }
    pivots.push(c);
    r++;
  }
  return { rank: r, rows, pivots };
}

/** rank A, exactly. */
export function rank(A: readonly (readonly Fraction[])[]): number {
  return A.length === 0 ? 0 : echelon(A).rank;
}

/**
 * One exact solution of A x = b (free variables set to `free`, default 0), or null when the system is
 * inconsistent (rank [A | b] > rank A).
 */
export function solveExact(A: readonly (readonly Fraction[])[], b: readonly Fraction[], free?: readonly Fraction[]): Fraction[] | null {
  if (A.length !== b.length) throw new InputError(`solveExact: A has ${A.length} rows but b has ${b.length} entries`);
  const cols = A[0]?.length ?? 0;
  const augmented = A.map((r, i) => [...r, b[i] as Fraction]);
  const { rows, pivots } = echelon(augmented);
  if (pivots.includes(cols)) return null; // a pivot in the b column: inconsistent
  const x: Fraction[] = Array.from({ length: cols }, (_, j) => (free?.[j] ?? ZERO) as Fraction);
  const isPivot = new Set(pivots);
  pivots.forEach((c, i) => {
    const row = rows[i]!;
    let v = row[cols] as Fraction;
    for (let j = 0; j < cols; j++) if (!isPivot.has(j)) v = v.sub((row[j] as Fraction).mul(x[j] as Fraction));
    x[c] = v;
  });
  return x;
}
