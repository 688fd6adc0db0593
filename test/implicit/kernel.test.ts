import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { gram, kernelInterpolate, kernelSolveBytes, largestFeasibleN } from '../../src/implicit/kernel.js';
import { minNormSolution, sgdLeastSquares } from '../../src/implicit/least-squares.js';

describe('kernel interpolation', () => {
  const ds = loadDataset({ source: 'mnist', n: 300, seed: 2, test: false });
  const [X, labels] = [ds.matrix('train'), ds.train.labels];
  const scaled = { rows: X.rows, cols: X.cols, data: X.data.map((v) => v / 255) };

  test('Cholesky and CG agree, interpolate every label, and the RKHS norm is yᵀK⁻¹y', () => {
    const kernel = { kind: 'gaussian', gamma: 0.02 } as const;
    const a = kernelInterpolate(scaled, labels, { kernel, solver: 'cholesky' });
    const b = kernelInterpolate(scaled, labels, { kernel, solver: 'cg' });
    expect(a.trainError).toBe(0);
    expect(b.trainError).toBe(0);
    expect(b.rkhsNorm).toBeCloseTo(a.rkhsNorm, 6);
    // K α = Y at the training points
    const out = a.predict({ rows: 5, cols: 784, data: scaled.data.slice(0, 5 * 784) });
    for (let i = 0; i < 5; i++) for (let c = 0; c < 10; c++) expect(out[i * 10 + c]).toBeCloseTo(labels[i] === c ? 1 : 0, 6);
  });

  test('random labels are interpolated too, with a larger norm', () => {
    const kernel = { kind: 'gaussian', gamma: 0.02 } as const;
    const random = Float64Array.from(labels, (_, i) => (i * 7 + 3) % 10);
    const t = kernelInterpolate(scaled, labels, { kernel });
    const r = kernelInterpolate(scaled, random, { kernel });
    expect(r.trainError).toBe(0);
    expect(r.rkhsNorm).toBeGreaterThan(t.rkhsNorm);
  });

  test('a singular system (linear kernel, n > d) is named with its remedy; memory is planned before allocating', () => {
    const X2 = { rows: 5, cols: 2, data: Float64Array.from([1, 0, 0, 1, 1, 1, 2, 1, 1, 2]) };
    expect(() => kernelInterpolate(X2, [0, 1, 0, 1, 0], { kernel: { kind: 'polynomial', degree: 1, c: 0 } })).toThrow(
      /kernel matrix is singular .* use a nonlinear kernel \(e\.g\. gaussian\), fewer points/,
    );
    expect(() => kernelInterpolate(scaled, labels, { kernel: { kind: 'gaussian', gamma: 0.02 }, memoryBudget: 1e6 })).toThrow(
      /n = 300 needs \d+\.\d MiB for the cholesky solve but \d+\.\d MiB are available; the largest n that fits is 204/,
    );
    expect(largestFeasibleN(kernelSolveBytes(1000, 'cg'), 'cg')).toBe(1000);
    expect(() => gram(scaled, scaled, { kind: 'gaussian', gamma: 0 })).toThrow(/gamma must be positive/);
  });
});

describe('least squares', () => {
  test('SGD refuses an unstable step and a wrong-size w0; the minimum-norm solution interpolates', () => {
    const X = [[1, 0, 1], [0, 1, 1]];
    expect(() => sgdLeastSquares(X, [1, 2], { lr: 1 })).toThrow(/step size 1 must lie in \(0, 2\/max‖x‖²\) = \(0, 1\)/);
    expect(() => sgdLeastSquares(X, [1, 2], { w0: [0, 0] })).toThrow(/w0 has 2 entries but the data have d = 3/);
    const w = minNormSolution(X, [1, 2]);
    expect(w[0]! + w[2]!).toBeCloseTo(1, 12);
    expect(w[1]! + w[2]!).toBeCloseTo(2, 12);
    // X⁺y for this X: (0, 1, 1)
    [0, 1, 1].forEach((v, j) => expect(w[j]).toBeCloseTo(v, 12));
  });
});
