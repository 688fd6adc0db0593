/**
 * Kernel interpolation by CG on the tfjs engine against the exact float64 Cholesky solve, and its
 * stopping rule, test predictions (second core), memory plan and bad input.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { mnistMatrix } from '../../src/data/mnist.js';
import { startBackend } from '../../src/engine/backend.js';
import { gram, kernelInterpolate } from '../../src/implicit/kernel.js';
import { fastKernelBytes, kernelInterpolateFast, largestFastN } from '../../src/implicit/kernel-fast.js';

const n = 300;
const { X, labels } = mnistMatrix('train', n, 2);
const X64 = { rows: n, cols: 784, data: X.data.map((v) => v / 255) };
const X32 = Float32Array.from(X64.data);
const test_ = mnistMatrix('test', 200, 3);
const Z32 = Float32Array.from(test_.X.data, (v) => v / 255);
const kernel = { kind: 'gaussian', gamma: 0.02 } as const;

beforeAll(async () => {
  await startBackend('wasm');
});

/** ‖Y − Kα‖/‖Y‖ per class, in float64, with K recomputed exactly. */
function residuals(alpha: Float32Array, k: number): number[] {
  const K = gram(X64, X64, kernel);
  const num = new Float64Array(k);
  const den = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += K[i * n + j]! * alpha[j * k + c]!;
      const y = labels[i] === c ? 1 : 0;
      num[c] = num[c]! + (y - v) ** 2;
      den[c] = den[c]! + y * y;
    }
  }
  return Array.from(num, (v, c) => Math.sqrt(v / den[c]!));
}

describe('kernel interpolation on the engine (CG, float32)', () => {
  test('converges to the exact minimum-norm interpolant: α, RKHS norm and predictions agree with float64 Cholesky', async () => {
    const exact = kernelInterpolate(X64, labels, { kernel, solver: 'cholesky' });
    const f = await kernelInterpolateFast(X32, labels, n, 784, { kernel, tol: 1e-4 });
    f.dispose();
    expect(f.relativeResidual).toBeLessThanOrEqual(1e-4);
    expect(f.trainError).toBe(0);
    let diff = 0;
    let norm = 0;
    for (let t = 0; t < n * 10; t++) {
      diff += (f.alpha[t]! - exact.alpha[t]!) ** 2;
      norm += exact.alpha[t]! ** 2;
    }
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-2);
    expect(f.rkhsNorm / exact.rkhsNorm).toBeCloseTo(1, 3);
  });

  test('stops at the requested relative residual, which a float64 recomputation confirms', async () => {
    for (const tol of [0.3, 0.05]) {
      const f = await kernelInterpolateFast(X32, labels, n, 784, { kernel, tol });
      f.dispose();
      expect(f.relativeResidual).toBeLessThanOrEqual(tol);
      for (const r of residuals(f.alpha, 10)) expect(r).toBeLessThan(tol * 1.01 + 1e-4);
    }
  });

  test('test predictions computed on the second core equal the ones computed afterwards on this thread', async () => {
    const f = await kernelInterpolateFast(X32, labels, n, 784, { kernel, tol: 0.01, test: { Z: Z32, m: 200 } });
    const again = await f.predict(Z32, 200);
    f.dispose();
    expect(Array.from(f.testPredictions!)).toEqual(Array.from(again));
    const wrong = Array.from(again).filter((c, i) => c !== test_.labels[i]).length;
    expect(wrong / 200).toBeLessThan(0.2); // 300 training images: a real classifier, not chance
  });

  test('memory is planned before allocating; bad input is named', async () => {
    await expect(kernelInterpolateFast(X32, labels, n, 784, { kernel, memoryBudget: 500_000 })).rejects.toThrow(/n = 300 needs \d\.\d\d GiB .* the largest n that fits is \d+/);
    const largest = largestFastN(500_000, 784);
    expect(fastKernelBytes(largest, 784)).toBeLessThanOrEqual(500_000);
    expect(fastKernelBytes(largest + 1, 784)).toBeGreaterThan(500_000);
    await expect(kernelInterpolateFast(X32, labels, n, 784, { kernel: { kind: 'gaussian', gamma: 0 } })).rejects.toThrow(/γ must be positive/);
    const bad = X32.slice();
    bad[784 * 5 + 3] = NaN;
    await expect(kernelInterpolateFast(bad, labels, n, 784, { kernel })).rejects.toThrow(/X\[5\]\[3\] is NaN; the data must be finite/);
  });
});
