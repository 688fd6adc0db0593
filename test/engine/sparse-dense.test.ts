/**
 * The sparse products of a dense layer on data (src/engine/sparse-dense.ts): against a float64
 * reference on random background-plus-sparse matrices of every shape class (N below 4, not a
 * multiple of 4, above one 32-column block), the refusals (too dense, NaN, −∞) that leave the
 * output untouched, the wasm kernels (y; ∂W and ∂b) against the cpu backend on MNIST (the sparse path) and on
 * Gaussian inputs (the dense fallback).
 */
import { fc, test } from '@fast-check/vitest';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { startBackend } from '../../src/engine/backend.js';
import { SPARSE_MAX_DENSITY, sparseDense, sparseDenseGradW } from '../../src/engine/sparse-dense.js';
import { DATA_DENSE, DATA_DENSE_GRAD_W } from '../../src/engine/wasm-ops.js';
import { Rng } from '../../src/random/rng.js';
import { maxRelErr } from '../helpers/numbers.js';

/** x (M, K): v0 everywhere but `nnz` seeded positions, which hold values above v0 (so v0 is the minimum). */
function backgroundMatrix(M: number, K: number, v0: number, nnz: number, rng: Rng): Float32Array {
  const x = new Float32Array(M * K).fill(v0);
  const order = Array.from({ length: M * K }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (let p = 0; p < nnz; p++) x[order[p]!] = v0 + 0.01 + Math.abs(rng.gaussian());
  return x;
}

const gaussian = (n: number, rng: Rng): Float32Array => Float32Array.from({ length: n }, () => rng.gaussian());

/** |ours − reference| ≤ 1e-5 × the sum of the magnitudes of the terms (the decomposition's terms included), entry by entry. */
function expectClose(ours: Float32Array, ref: Float64Array, scale: Float64Array): void {
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(ours[i]! - ref[i]!);
    if (!(err <= 1e-5 * scale[i]! + 1e-30)) expect.fail(`entry ${i}: ${ours[i]} vs ${ref[i]} (scale ${scale[i]})`);
  }
}

const problem = fc.record({
  M: fc.integer({ min: 1, max: 24 }),
  K: fc.integer({ min: 1, max: 40 }),
  N: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 70 })),
  v0: fc.constantFrom(-0.4240739, 0, 3.5, -2),
  density: fc.double({ min: 0, max: SPARSE_MAX_DENSITY, noNaN: true }),
  relu: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe('sparse products against a float64 reference', () => {
  test.prop([problem])('y = act(x·W + b) and ∂W = xᵀ·g, x mostly its minimum', ({ M, K, N, v0, density, relu, seed }) => {
    const rng = new Rng(seed);
    const x = backgroundMatrix(M, K, v0, Math.floor(density * M * K), rng);
    const W = gaussian(K * N, rng);
    const bias = gaussian(N, rng);
    const g = gaussian(M * N, rng);
    const y = new Float32Array(M * N);
    expect(sparseDense(x, M, K, W, N, bias, relu, y)).toBe(true);
    const yRef = new Float64Array(M * N);
    const yScale = new Float64Array(M * N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = bias[j]!;
        let a = Math.abs(bias[j]!);
        for (let k = 0; k < K; k++) {
          s += x[i * K + k]! * W[k * N + j]!;
          a += (Math.abs(x[i * K + k]! - v0) + Math.abs(v0)) * Math.abs(W[k * N + j]!);
        }
        yRef[i * N + j] = relu ? Math.max(s, 0) : s;
        yScale[i * N + j] = a;
      }
    }
    expectClose(y, yRef, yScale);
    const dW = new Float32Array(K * N);
    expect(sparseDenseGradW(x, M, K, g, N, dW)).toBe(true);
    const dRef = new Float64Array(K * N);
    const dScale = new Float64Array(K * N);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        let a = 0;
        for (let i = 0; i < M; i++) {
          s += x[i * K + k]! * g[i * N + j]!;
          a += (Math.abs(x[i * K + k]! - v0) + Math.abs(v0)) * Math.abs(g[i * N + j]!);
        }
        dRef[k * N + j] = s;
        dScale[k * N + j] = a;
      }
    }
    expectClose(dW, dRef, dScale);
  });

  it('refuses, writing nothing, when more than SPARSE_MAX_DENSITY of x differs from its minimum, or x holds NaN or −∞', () => {
    const [M, K, N] = [6, 10, 9];
    const rng = new Rng(3);
    const W = gaussian(K * N, rng);
    const bias = gaussian(N, rng);
    const g = gaussian(M * N, rng);
    const limit = Math.floor(SPARSE_MAX_DENSITY * M * K);
    expect(sparseDense(backgroundMatrix(M, K, 0, limit, new Rng(4)), M, K, W, N, bias, false, new Float32Array(M * N))).toBe(true); // at the limit
    const tooDense = backgroundMatrix(M, K, 0, limit + 1, new Rng(4));
    const withNaN = backgroundMatrix(M, K, 0, 3, new Rng(5));
    withNaN[17] = NaN;
    const withMinusInf = backgroundMatrix(M, K, 0, 3, new Rng(5));
    withMinusInf[40] = -Infinity;
    const nanInTail = backgroundMatrix(M, K, 0, 3, new Rng(5));
    nanInTail[M * K - 1] = NaN;
    for (const x of [tooDense, withNaN, withMinusInf, nanInTail]) {
      const y = new Float32Array(M * N).fill(7);
      const dW = new Float32Array(K * N).fill(7);
      expect(sparseDense(x, M, K, W, N, bias, true, y)).toBe(false);
      expect(sparseDenseGradW(x, M, K, g, N, dW)).toBe(false);
      expect(y.every((v) => v === 7) && dW.every((v) => v === 7)).toBe(true);
    }
    expect(() => sparseDense(tooDense, M, K + 1, W, N, bias, true, new Float32Array(M * N))).toThrow(/x has 60 entries, \(its shape\) needs 66; W has 90 entries, \(its shape\) needs 99/);
  });
});

describe('the wasm kernels of a dense layer on data match the cpu backend', () => {
  let mnist: Float32Array;
  beforeAll(async () => {
    await startBackend('cpu');
    await startBackend('wasm');
    mnist = loadDataset({ source: 'mnist', n: 40, seed: 2, test: false }).images('train').images;
  });

  const run = async (backend: 'cpu' | 'wasm', sparse: boolean, x: Float32Array, W: Float32Array, b: Float32Array, g: Float32Array, M: number, K: number, N: number) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const [xs, ws, bs, gs] = [tf.tensor2d(x, [M, K]), tf.tensor2d(W, [K, N]), tf.tensor1d(b), tf.tensor2d(g, [M, N])];
      if (backend === 'cpu') return [tf.relu(tf.add(tf.matMul(xs, ws), bs)), tf.matMul(xs, gs, true, false), tf.sum(gs, 0)].map((t) => t.dataSync() as Float32Array);
      const [y, csr] = tf.engine().runKernel(DATA_DENSE, { x: xs, w: ws, bias: bs }, { activation: 'relu' }) as tf.Tensor[];
      expect(csr!.dtype).toBe('int32');
      expect(csr!.size > 0).toBe(sparse); // the forward's CSR of x, or empty where its product was dense
      const alone = tf.engine().runKernel(DATA_DENSE_GRAD_W, { x: xs, dy: gs }) as tf.Tensor[]; // finds v₀ and the CSR itself
      const reused = tf.engine().runKernel(DATA_DENSE_GRAD_W, { x: xs, dy: gs, sparse: csr! }) as tf.Tensor[]; // takes the forward's
      expect(alone.map((t) => t.shape)).toEqual([[K, N], [N]]);
      alone.forEach((t, i) => expect(t.dataSync()).toEqual(reused[i]!.dataSync())); // the same products, bit for bit
      expect(() => tf.engine().runKernel(DATA_DENSE_GRAD_W, { x: xs, dy: gs, sparse: tf.zeros([5], 'int32') })).toThrow(/sparse \(5, int32\) is not RethinkDataDense's second output for x \(40, 784\)/);
      return [y!, ...reused].map((t) => t.dataSync() as Float32Array);
    });
  };

  it.each([
    ['MNIST images (the sparse path)', true],
    ['Gaussian inputs (the dense fallback)', false],
  ])('%s', async (_name, sparse) => {
    const [M, K, N] = [40, 784, 37];
    const rng = new Rng(8);
    const x = sparse ? mnist : gaussian(M * K, rng);
    const W = gaussian(K * N, rng).map((v) => v * 0.05);
    const b = gaussian(N, rng);
    const g = gaussian(M * N, rng);
    expect(sparseDense(x, M, K, W, N, b, true, new Float32Array(M * N))).toBe(sparse); // the path the kernel takes
    const before = tf.memory().numTensors;
    const wasmBuffers = (): number => (tf.findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds(); // counts the kernels' own temporaries too
    const buffersBefore = wasmBuffers();
    const [ours, ref] = [await run('wasm', sparse, x, W, b, g, M, K, N), await run('cpu', sparse, x, W, b, g, M, K, N)];
    expect(tf.memory().numTensors).toBe(before);
    expect(wasmBuffers()).toBe(buffersBefore);
    expect(maxRelErr(ours[0]!, ref[0]!)).toBeLessThan(1e-5);
    expect(maxRelErr(ours[1]!, ref[1]!)).toBeLessThan(1e-5);
    expect(maxRelErr(ours[2]!, ref[2]!)).toBeLessThan(1e-5); // ∂b
  });
});
