import fc from 'fast-check';

/**
 * A finite hypothesis class on n ≤ maxN points, given by its predictions: 1 … maxH hypotheses with
 * integer values in [−M, M] (rows of P, each of length n).
 *
 * @example
 * fc.sample(finiteClassPredictions(3, 2), 1); // [{ n: 3, P: [[1, -2, 0], [3, 3, -1]] }]
 */
export function finiteClassPredictions(maxN = 8, maxH = 5, M = 3): fc.Arbitrary<{ n: number; P: number[][] }> {
  return fc
    .integer({ min: 1, max: maxN })
    .chain((n) =>
      fc
        .array(fc.array(fc.integer({ min: -M, max: M }), { minLength: n, maxLength: n }), { minLength: 1, maxLength: maxH })
        .map((P) => ({ n, P })),
    );
}
