import { describe, expect, test } from 'vitest';
import { runJson } from './helpers.js';


describe('rethink sgd-min-norm and rethink kernel', () => {
  test('SGD from zero reaches X⁺y; from a random start it reaches X⁺y + (I − P_row)w₀ instead', async () => {
    const zero = await runJson(['sgd-min-norm', '--n', '20', '--d', '60', '--seed', '4']);
    expect(zero.distanceToMinNorm as number).toBeLessThan(1e-8);
    const random = await runJson(['sgd-min-norm', '--n', '20', '--d', '60', '--w0', 'random', '--seed', '4']);
    expect(random.distanceToPredictedLimit as number).toBeLessThan(1e-8);
    expect(random.distanceToMinNorm as number).toBeGreaterThan(1);
    expect(random.normW as number).toBeGreaterThan(random.normMinNorm as number);
  });
  test('kernel: JSON fields, zero training error, better than chance on the MNIST test set', async () => {
    const r = await runJson(['kernel', '--n', '200', '--test-n', '500', '--seed', '2']);
    expect(r).toMatchObject({ n: 200, trainError: 0, seed: 2 });
    expect(r.testError as number).toBeLessThan(0.3);
    for (const key of ['rkhsNorm', 'solveMs', 'peakBytes']) expect(typeof r[key]).toBe('number');
  });

  test('kernel --solver cg runs on the engine, reports iterations and residual, and matches Cholesky\'s test error', async () => {
    const args = ['kernel', '--n', '600', '--test-n', '500', '--seed', '3'];
    const cg = await runJson([...args, '--solver', 'cg', '--tol', '0.01', '--backend', 'wasm']);
    const chol = await runJson([...args, '--solver', 'cholesky']);
    expect(cg).toMatchObject({ n: 600, trainError: 0, solver: 'cg', backend: 'wasm', seed: 3 });
    expect(cg.relativeResidual as number).toBeLessThanOrEqual(0.01);
    expect(cg.iterations as number).toBeGreaterThan(0);
    expect(Math.abs((cg.testError as number) - (chol.testError as number))).toBeLessThanOrEqual(0.004); // ≤ 2 of 500 images
    expect((cg.rkhsNorm as number) / (chol.rkhsNorm as number)).toBeGreaterThan(0.97);
  });
});
