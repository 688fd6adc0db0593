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

  test('kernel --randomization random-signs is scored against random test signs, as fit is: chance is 50%', async () => {
    const r = await runJson(['kernel', '--n', '300', '--test-n', '2000', '--randomization', 'random-signs', '--seed', '1']);
    expect(r).toMatchObject({ randomization: 'random-signs', trainError: 0 });
    expect(Math.abs((r.testError as number) - 0.5)).toBeLessThan(0.05); // against the clean digits it was ≈ 0.9
  });

  test('kernel --solver cg: preconditioned, blocked, reports iterations, the float64 check, memory planned and measured, and matches Cholesky\'s test error', async () => {
    const args = ['kernel', '--n', '600', '--test-n', '500', '--seed', '3'];
    const cg = await runJson([...args, '--solver', 'cg', '--tol', '0.01', '--backend', 'wasm', '--landmarks', '150']);
    const chol = await runJson([...args, '--solver', 'cholesky']);
    expect(cg).toMatchObject({ n: 600, trainError: 0, solver: 'cg', backend: 'wasm', seed: 3, tol: 0.01, preconditioner: { s: 150, q: 149 }, resumedFrom: null });
    expect(cg.relativeResidual as number).toBeLessThanOrEqual(0.01);
    expect(cg.iterations as number).toBeGreaterThan(0);
    expect(cg.residualCheck).toMatchObject({ rows: 256, seed: 3, float64TrainError: 0 });
    expect(cg.peakRssBytes as number).toBeGreaterThan(4 * 600 * 600);
    expect(cg.peakBytes as number).toBeGreaterThan(4 * 600 * 600);
    for (const key of ['kernelMs', 'preconditionerMs', 'iterateMs', 'predictMs', 'checkMs', 'solveMs', 'wallMs']) expect(typeof cg[key], key).toBe('number');
    expect(Math.abs((cg.testError as number) - (chol.testError as number))).toBeLessThanOrEqual(0.004); // ≤ 2 of 500 images
    expect((cg.rkhsNorm as number) / (chol.rkhsNorm as number)).toBeGreaterThan(0.99);
  });

  test('kernel --compare-norms --ps 0,1 with cg: both labellings on one K, training error 0 for both, the norm ratio', async () => {
    const r = await runJson(['kernel', '--n', '500', '--test-n', '200', '--solver', 'cg', '--tol', '0.01', '--landmarks', '120', '--compare-norms', '--ps', '0,1', '--seed', '4']);
    const rows = r.compare as { p: number; trainError: number; rkhsNorm: number; testError: number }[];
    expect(rows.map((x) => x.p)).toEqual([0, 1]);
    for (const x of rows) expect(x.trainError).toBe(0);
    expect(r.normRatio as number).toBeCloseTo(rows[1]!.rkhsNorm / rows[0]!.rkhsNorm, 10);
    expect(r.normRatio as number).toBeGreaterThan(2);
    expect(rows[1]!.testError).toBeGreaterThan(0.8); // random labels: chance on clean test labels
  });
});
