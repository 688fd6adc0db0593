import { InputError } from '../src/errors.js';
import type { MlMatrix } from '../src/linalg/dense.js';

/**
 * The plain-JavaScript reference of Theorem 1's construction (its time on full MNIST is in
 * bench/records/expressivity.md): one Gaussian direction, dense projection, argsort, midpoint biases and the float64
 * w-recurrence with plain prefix sums — no best-of search, no double-double, no certificate.
 * Kept deliberately naive: it is what our construction is measured against.
 */
export function plainReference(data: Float64Array, n: number, d: number, y: Float64Array, a: Float64Array): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (data[i * d + j] as number) * (a[j] as number);
    z[i] = s;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => (z[p] as number) - (z[q] as number));
  const w = new Float64Array(n);
  let S = 0;
  let T = 0;
  for (let i = 0; i < n; i++) {
    const zi = z[order[i] as number] as number;
    const bi = i === 0 ? zi - 1 : 0.5 * ((z[order[i - 1] as number] as number) + zi);
    const wi = ((y[order[i] as number] as number) - zi * S + T) / (zi - bi);
    w[i] = wi;
    S += wi;
    T += wi * bi;
  }
  return w;
}

/** x with L x = b for lower-triangular L (n, n), by forward substitution (O(n²)). */
/** (The dense O(n²) reference the O(n) recurrence is measured against.) */
export function solveLowerTriangular(L: MlMatrix, b: ArrayLike<number>): Float64Array {
  const n = L.rows;
  if (L.columns !== n) throw new InputError(`solveLowerTriangular: L has shape (${L.rows}, ${L.columns}); it must be square`);
  if (b.length !== n) throw new InputError(`solveLowerTriangular: L is (${n}, ${n}) but b has ${b.length} entries`);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = b[i] as number;
    for (let j = 0; j < i; j++) acc -= L.get(i, j) * (x[j] as number);
    const diag = L.get(i, i);
    if (diag === 0) throw new InputError(`solveLowerTriangular: L[${i}][${i}] = 0, the system is singular`);
    x[i] = acc / diag;
  }
  return x;
}
