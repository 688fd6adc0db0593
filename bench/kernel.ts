import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadMnist, mnistDirectory } from '../src/data/mnist.js';
import { kernelInterpolate } from '../src/implicit/kernel.js';
import { time, type Bench } from './harness.js';

/**
 * Kernel interpolation solve time against n (Gaussian kernel γ = 0.02 on the first n MNIST images,
 * pixels/255, one-hot targets): ours (Gram in JS + ml-matrix Cholesky) and, where python3 with
 * numpy and scipy exists, the same computation in numpy/OpenBLAS in the same run.
 */
export const kernelBench: Bench = {
  description: 'minimum-norm kernel interpolation: solve time vs n, ours and numpy',
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const notes: string[] = [];
    const raw = loadMnist('train');
    for (const n of [500, 1000, 2000]) {
      const X = { rows: n, cols: 784, data: Float64Array.from(raw.images.subarray(0, n * 784), (v) => v / 255) };
      const labels = raw.labels.subarray(0, n);
      const ours = time(() => kernelInterpolate(X, labels, { kernel: { kind: 'gaussian', gamma: 0.02 } }), 1);
      let numpyMs: number | null = null;
      try {
        const out = execFileSync('python3', [join(import.meta.dirname, 'reference/kernel_numpy.py'), mnistDirectory(), String(n), '0.02'], { encoding: 'utf8' });
        numpyMs = (JSON.parse(out) as { ms: number }).ms;
      } catch {
        notes.push('python3 with numpy/scipy not available: no reference column');
      }
      rows.push({ n, oursMs: ours.ms, numpyMs, ratio: numpyMs === null ? null : ours.ms / numpyMs, rkhsNorm: ours.result.rkhsNorm });
    }
    notes.push('ours is O(n³) Cholesky in plain JavaScript; the issue target (≤ 3× numpy at n = 8000) needs the fast matMul of the tfjs wasm/native engine');
    return { rows, notes: [...new Set(notes)] };
  },
};
