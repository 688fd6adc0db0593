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
});
