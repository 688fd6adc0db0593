/**
 * The sparse products of a dense layer on data (src/engine/sparse-dense.ts, threshold lifted) against
 * XNNPACK's dense products on the wasm backend, as the fraction of x that differs from its minimum
 * grows: where the sparse form stops paying, which is what SPARSE_MAX_DENSITY is set from. x is an
 * MNIST batch whose foreground pixels are kept or spread to reach each density; W a fresh tensor
 * per call (as after every SGD step). Prints the mean of 20 calls (after 5) of each product.
 *
 *   node --import tsx bench/sparse-dense.ts [--threads 1] [--shape M,K,N]   (default 128,784,512)
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../src/data/dataset.js';
import { startBackend } from '../src/engine/backend.js';
import { SPARSE_MAX_DENSITY, sparseDense, sparseDenseGradW } from '../src/engine/sparse-dense.js';
import { Rng } from '../src/random/rng.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const shape = flag('shape', '128,784,512').split(',').map(Number);
if (shape.length !== 3 || !shape.every((v) => Number.isInteger(v) && v > 0) || shape[1] !== 784) {
  console.error(`bench/sparse-dense.ts: --shape must be M,784,N (positive integers; K is MNIST's 784), got '${flag('shape', '')}'`);
  process.exit(2);
}
const [M, K, N] = shape as [number, number, number];
const info = await startBackend('wasm', { threads: Number(flag('threads', '1')) });
const mnist = loadDataset({ source: 'mnist', n: M, seed: 1, test: false }).images('train').images;
const rng = new Rng(7);
const W = Float32Array.from({ length: K * N }, () => 0.05 * rng.gaussian());
const bias = tf.zeros([N]) as tf.Tensor1D;
const g = tf.randomNormal([M, N], 0, 1, 'float32', 3) as tf.Tensor2D;

/** MNIST's batch with background pixels turned on at random until `density` of x differs from the minimum. */
function atDensity(density: number): Float32Array {
  const x = mnist.slice();
  let v0 = Infinity;
  for (const v of x) v0 = Math.min(v0, v);
  let nnz = x.reduce((c, v) => c + (v !== v0 ? 1 : 0), 0);
  const r = new Rng(11);
  while (nnz < density * x.length) {
    const i = Math.floor(r.uniform() * x.length);
    if (x[i] === v0) {
      x[i] = v0 + 1;
      nnz++;
    }
  }
  return x;
}

function time(f: () => void): number {
  for (let i = 0; i < 5; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) f();
  return (performance.now() - t0) / 20;
}

console.log(`wasm ×${info.threads}, x (${M}, ${K}) · W (${K}, ${N}); SPARSE_MAX_DENSITY = ${SPARSE_MAX_DENSITY}`);
console.log('density | forward sparse ms | forward XNNPACK ms | ∂W sparse ms | ∂W XNNPACK ms | path the kernel takes');
const mnistDensity = (() => {
  let v0 = Infinity;
  for (const v of mnist) v0 = Math.min(v0, v);
  return mnist.reduce((c, v) => c + (v !== v0 ? 1 : 0), 0) / mnist.length;
})();
for (const density of [mnistDensity, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6]) {
  const xv = atDensity(density);
  const x = tf.tensor2d(xv, [M, K]);
  const fresh = (): tf.Tensor2D => tf.tensor2d(W, [K, N]);
  const read = (t: tf.Tensor): void => {
    t.dataSync();
  };
  const y = new Float32Array(M * N);
  const dW = new Float32Array(K * N);
  const b0 = new Float32Array(N);
  const gv = g.dataSync() as Float32Array;
  // ours without the threshold (maxDensity 1), on arrays: the same module and code as the kernel, plus copying x and W into its memory (≈ 0.05 ms)
  const oursF = time(() => sparseDense(xv, M, K, W, N, b0, true, y, 1));
  const denseF = time(() => tf.tidy(() => read(tf.fused.matMul({ a: x, b: fresh(), bias, activation: 'relu' }))));
  const oursG = time(() => sparseDenseGradW(xv, M, K, gv, N, dW, 1));
  const denseG = time(() => tf.tidy(() => read(tf.matMul(x, g, true, false))));
  const path = sparseDense(xv, M, K, W, N, b0, true, y);
  console.log(`${density.toFixed(3)} | ${oursF.toFixed(2)} | ${denseF.toFixed(2)} | ${oursG.toFixed(2)} | ${denseG.toFixed(2)} | ${path ? 'sparse' : 'dense'}`);
  x.dispose();
}
