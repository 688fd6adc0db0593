import fc from 'fast-check';

/** A labelled sample: n distinct points in d dimensions (rows of X) with labels y. */
export interface Sample<T> {
  readonly n: number;
  readonly d: number;
  readonly X: T[][]; // (n, d)
  readonly y: T[]; // (n)
}

const key = (row: readonly unknown[]): string => row.map(String).join(',');

/**
 * Distinct integer points in [−M, M]^d with integer labels in [−50, 50]: covers n ≤ d and n > d
 * (n up to maxN, d up to maxD), small boxes (many near-collisions of projections) and large ones
 * (M ∈ {1, 2, 5, 100, 2^20}).
 *
 * @example
 * fc.sample(integerSample(4, 2), 1); // [{ n: 3, d: 2, X: [[0, 1], [-1, 1], [1, 0]], y: [7, -3, 0] }]
 */
export function integerSample(maxN = 12, maxD = 5): fc.Arbitrary<Sample<number>> {
  return fc
    .record({ d: fc.integer({ min: 1, max: maxD }), M: fc.constantFrom(1, 2, 5, 100, 2 ** 20) })
    .chain(({ d, M }) =>
      fc
        .uniqueArray(fc.array(fc.integer({ min: -M, max: M }), { minLength: d, maxLength: d }), {
          minLength: 1,
          maxLength: maxN,
          selector: key,
        })
        .chain((X) =>
          fc.array(fc.integer({ min: -50, max: 50 }), { minLength: X.length, maxLength: X.length }).map((y) => ({ n: X.length, d, X, y })),
        ),
    );
}

/**
 * Distinct real (float64) points with real labels, including near-duplicates: some points are
 * copies of others moved by a relative 2^−30 in one coordinate.
 *
 * @example
 * fc.sample(realSample(3, 2), 1); // [{ n: 2, d: 2, X: [[12.5, -0.25], [12.5, -0.2500000002]], y: [3.1, -7] }]
 */
export function realSample(maxN = 10, maxD = 4): fc.Arbitrary<Sample<number>> {
  // Values below 1e−12 in magnitude become 0: points that differ only in subnormal digits cannot be
  // separated in float64 (the construction refuses them, see test/expressivity), which is not what
  // this arbitrary is about.
  const coord = fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }).map((v) => (Math.abs(v) < 1e-12 ? 0 : v));
  return fc
    .integer({ min: 1, max: maxD })
    .chain((d) =>
      fc.record({
        base: fc.uniqueArray(fc.array(coord, { minLength: d, maxLength: d }), { minLength: 1, maxLength: maxN, selector: key }),
        nudges: fc.array(fc.record({ of: fc.nat(), at: fc.nat(), up: fc.boolean() }), { maxLength: 3 }),
      }),
    )
    .map(({ base, nudges }) => {
      const X = base.map((r) => r.map((v) => (Object.is(v, -0) ? 0 : v)));
      for (const { of, at, up } of nudges) {
        const src = X[of % X.length] as number[];
        const copy = src.slice();
        const j = at % copy.length;
        const v = copy[j] as number;
        copy[j] = v === 0 ? (up ? 2 ** -30 : -(2 ** -30)) : v * (1 + (up ? 2 ** -30 : -(2 ** -30)));
        if (!X.some((r) => key(r) === key(copy))) X.push(copy);
      }
      return X;
    })
    .chain((X) =>
      fc
        .array(fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }).map((v) => (Math.abs(v) < 1e-12 ? 0 : v)), {
          minLength: X.length,
          maxLength: X.length,
        })
        .map((y) => ({ n: X.length, d: (X[0] as number[]).length, X, y })),
    );
}

/**
 * Distinct points with rational coordinates and labels given as `p/q` strings (exact inputs).
 *
 * @example
 * fc.sample(rationalSample(2, 1), 1); // [{ n: 2, d: 1, X: [['1/3'], ['-2/1']], y: ['5/7', '0/1'] }]
 */
export function rationalSample(maxN = 8, maxD = 3): fc.Arbitrary<Sample<string>> {
  const rational = fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 1, max: 7 })).map(([p, q]) => `${p}/${q}`);
  return fc
    .integer({ min: 1, max: maxD })
    .chain((d) =>
      fc.uniqueArray(fc.array(rational, { minLength: d, maxLength: d }), {
        minLength: 1,
        maxLength: maxN,
        // equal rationals with different spellings (2/4 vs 1/2) are the same point
        selector: (row) => row.map((s) => { const [p, q] = s.split('/').map(Number); return (p as number) / (q as number); }).join(','),
      }),
    )
    .chain((X) => fc.array(rational, { minLength: X.length, maxLength: X.length }).map((y) => ({ n: X.length, d: (X[0] as string[]).length, X, y })));
}
