import fc from 'fast-check';
import { checkInteger, checkOrdered } from './constraints.js';

/**
 * Sign vectors σ ∈ {−1, +1}^n with n in [minN, maxN] (Rademacher variables, ±1 labels).
 *
 * @example
 * fc.sample(signVectors({ minN: 4, maxN: 4 }), 1); // [[1, -1, -1, 1]]
 */
export function signVectors(constraints: { readonly minN?: number; readonly maxN?: number } = {}): fc.Arbitrary<(-1 | 1)[]> {
  const { minN = 1, maxN = 10 } = constraints;
  checkInteger('signVectors', 'minN', minN, 0);
  checkOrdered('signVectors', ['minN', minN], ['maxN', maxN]);
  return fc.array(fc.constantFrom<-1 | 1>(-1, 1), { minLength: minN, maxLength: maxN });
}

/**
 * One-hot label matrices Y (n, k): class indices in 0 … k−1 and their one-hot rows.
 *
 * @example
 * fc.sample(oneHotLabels({ minN: 2, maxN: 2, k: 3 }), 1); // [{ labels: [2, 0], Y: [[0, 0, 1], [1, 0, 0]] }]
 */
export function oneHotLabels(constraints: { readonly minN?: number; readonly maxN?: number; readonly k?: number } = {}): fc.Arbitrary<{ labels: number[]; Y: number[][] }> {
  const { minN = 1, maxN = 10, k = 10 } = constraints;
  checkInteger('oneHotLabels', 'k', k, 2);
  checkInteger('oneHotLabels', 'minN', minN, 0);
  checkOrdered('oneHotLabels', ['minN', minN], ['maxN', maxN]);
  return fc
    .array(fc.integer({ min: 0, max: k - 1 }), { minLength: minN, maxLength: maxN })
    .map((labels) => ({ labels, Y: labels.map((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0))) }));
}
