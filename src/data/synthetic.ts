import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';
import type { LabelledData } from './csv.js';

/**
 * Gaussian clusters: k centres drawn from N(0, 4·I_d), each point a centre plus N(0, I_d) noise,
 * labelled with its cluster. Seeded.
 *
 * @param n - points
 * @param d - features
 * @param k - clusters (classes)
 * @param seed - seed of the draws
 * @example
 * gaussianClusters(100, 5, 3, 7).X.rows; // 100
 */
export function gaussianClusters(n: number, d: number, k: number, seed: number): LabelledData {
  for (const [label, v] of [['n', n], ['d', d], ['k', k]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InputError(`synthetic data: ${label} must be a positive integer, got ${v}`);
  }
  const rng = new Rng(seed).fork('synthetic');
  const centres = new Float64Array(k * d); // (k, d)
  for (let t = 0; t < centres.length; t++) centres[t] = 2 * rng.gaussian();
  const data = new Float64Array(n * d); // (n, d)
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k);
    y[i] = c;
    for (let j = 0; j < d; j++) data[i * d + j] = (centres[c * d + j] as number) + rng.gaussian();
  }
  return { X: { rows: n, cols: d, data }, y };
}
