import fc from 'fast-check';
import { test } from '@fast-check/vitest';
import { describe, expect, test as plainTest } from 'vitest';
import { InputError } from '../../src/errors.js';
import { float32Matrix, gappedLine, integerGrid, oneHotLabels, pointsWithMinGap, signVectors } from '../../src/arbitraries/index.js';

const constraints = fc.record({
  minN: fc.integer({ min: 1, max: 4 }),
  extra: fc.integer({ min: 0, max: 6 }),
  d: fc.integer({ min: 1, max: 3 }),
  minGap: fc.constantFrom(0.3, 0.5, 1, 2.5),
  boxes: fc.integer({ min: 2, max: 4 }), // ≥ 5 lattice points per axis: room for minN ≤ 4
});

describe('arbitraries', () => {
  test.prop({ c: constraints, seed: fc.integer() })('pointsWithMinGap: n in range, inside the box, every pair at least minGap apart', ({ c, seed }) => {
    const maxAbs = c.minGap * c.boxes;
    const [X] = fc.sample(pointsWithMinGap({ minN: c.minN, maxN: c.minN + c.extra, d: c.d, minGap: c.minGap, maxAbs }), { seed, numRuns: 1 });
    expect(X!.length).toBeGreaterThanOrEqual(c.minN);
    expect(X!.length).toBeLessThanOrEqual(c.minN + c.extra);
    for (const p of X!) {
      expect(p).toHaveLength(c.d);
      for (const v of p) expect(Math.abs(v)).toBeLessThanOrEqual(maxAbs * (1 + 1e-12));
    }
    X!.forEach((p, i) =>
      X!.forEach((q, j) => {
        if (i < j) expect(Math.max(...p.map((v, k) => Math.abs(v - q[k]!)))).toBeGreaterThanOrEqual(c.minGap * (1 - 1e-12));
      }),
    );
  });

  test.prop({ seed: fc.integer(), minN: fc.integer({ min: 1, max: 5 }), maxOffset: fc.constantFrom(0, 10, 1000) })(
    'gappedLine: strictly increasing, gaps within [minGap, maxGap], offset within [0, maxOffset]',
    ({ seed, minN, maxOffset }) => {
      const minGap = 2 ** -20;
      const [xs] = fc.sample(gappedLine({ minN, maxN: minN + 6, minGap, maxGap: 1, maxOffset }), { seed, numRuns: 1 });
      expect(xs!.length).toBeGreaterThanOrEqual(minN);
      expect(xs![0]).toBeGreaterThanOrEqual(0);
      expect(xs![0]).toBeLessThanOrEqual(maxOffset);
      for (let i = 1; i < xs!.length; i++) {
        const gap = xs![i]! - xs![i - 1]!;
        expect(gap).toBeGreaterThan(0);
        // the sum rounds to the float64 grid at the offset: allow one spacing there
        expect(gap).toBeGreaterThanOrEqual(minGap - 2 ** -40);
        expect(gap).toBeLessThanOrEqual(1 + 2 ** -40);
      }
    },
  );

  test.prop({ seed: fc.integer() })('integerGrid: distinct integer points in [−M, M]^d', ({ seed }) => {
    const [X] = fc.sample(integerGrid({ minN: 2, maxN: 9, d: 2, M: 1 }), { seed, numRuns: 1 });
    expect(new Set(X!.map((p) => p.join(','))).size).toBe(X!.length);
    for (const p of X!) for (const v of p) expect(Number.isInteger(v) && Math.abs(v) <= 1).toBe(true);
  });

  test.prop({ s: signVectors({ minN: 2, maxN: 5 }), y: oneHotLabels({ minN: 1, maxN: 4, k: 3 }) })('sign vectors are ±1; one-hot rows match their labels', ({ s, y }) => {
    expect(s.length).toBeGreaterThanOrEqual(2);
    expect(s.every((v) => v === 1 || v === -1)).toBe(true);
    y.Y.forEach((row, i) => {
      expect(row).toHaveLength(3);
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      expect(row[y.labels[i]!]).toBe(1);
    });
  });

  test.prop({ m: float32Matrix({ minRows: 1, maxRows: 3, minCols: 2, maxCols: 4, maxAbs: 100 }) })('float32Matrix: shape in range, every entry a finite float32 within maxAbs', ({ m }) => {
    expect(m.data).toBeInstanceOf(Float32Array);
    expect(m.data.length).toBe(m.rows * m.cols);
    expect(m.cols).toBeGreaterThanOrEqual(2);
    for (const v of m.data) {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v)).toBeLessThanOrEqual(100);
      expect(Math.fround(v)).toBe(v);
    }
  });

  plainTest('bad constraints are refused up front, saying what is wrong', () => {
    expect(() => pointsWithMinGap({ minN: 5, maxN: 2 })).toThrow(/maxN \(2\) should be equal or greater than minN \(5\)/);
    expect(() => pointsWithMinGap({ minN: 4, d: 1, minGap: 1, maxAbs: 1 })).toThrow(InputError);
    expect(() => pointsWithMinGap({ minN: 4, d: 1, minGap: 1, maxAbs: 1 })).toThrow(/only 3 points of the lattice/);
    expect(() => gappedLine({ minGap: 2, maxGap: 1 })).toThrow(/maxGap \(1\) should be equal or greater than minGap \(2\)/);
    expect(() => oneHotLabels({ k: 1 })).toThrow(/k must be an integer ≥ 2/);
    expect(() => float32Matrix({ minRows: 0 })).toThrow(/minRows must be an integer ≥ 1/);
  });
});
