import { loadDataset } from '../src/data/dataset.js';
import { scaleMatrix, type Matrix } from '../src/data/matrix.js';
import { drawSigns, estimateRademacher, estimateRademacherAsync, exhaustiveRademacher } from '../src/rademacher/estimate.js';
import { Rng } from '../src/random/rng.js';
import { intervals, linearL2, thresholds } from '../src/rademacher/oracles.js';
import { WorkerPool } from '../src/workers/pool.js';
import { compare, time, type Bench } from './harness.js';

/** Milliseconds of the fastest of `repeats` runs of an async function after one warm-up, and the cold (first) time. */
async function timeAsync<T>(fn: () => Promise<T>, repeats = 1): Promise<{ ms: number; coldMs: number; result: T }> {
  let t = performance.now();
  let result = await fn();
  const coldMs = performance.now() - t;
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    t = performance.now();
    result = await fn();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, coldMs, result };
}

/**
 * The reference: sup_‖w‖≤1 ⟨w, Xᵀσ⟩/n = ‖Xᵀσ‖/n by one plain pass over the dense rows per draw.
 * (m, d) work per draw: what "looping over draws" costs.
 */
function denseReference(X: Matrix, sigma: Int8Array, m: number): number {
  const { rows: n, cols: d, data } = X;
  let sum = 0;
  const v = new Float64Array(d);
  for (let t = 0; t < m; t++) {
    v.fill(0);
    for (let i = 0; i < n; i++) {
      const s = sigma[t * n + i] as number;
      for (let j = 0; j < d; j++) v[j] = (v[j] as number) + s * (data[i * d + j] as number);
    }
    let sq = 0;
    for (let j = 0; j < d; j++) sq += (v[j] as number) ** 2;
    sum += Math.sqrt(sq) / n;
  }
  return sum / m;
}

/**
 * Targets (issue): linear-l2 on 10,000 MNIST images with 1,000 draws ≤ 5 s — the positive rows of
 * each draw summed over compressed rows (half the work, no multiplications), on the worker pool
 * (estimateRademacherAsync, two threads); exact enumeration of all 2^20 sign vectors for thresholds
 * and intervals ≤ 5 s. References: the plain loop (one pass over the dense rows per draw) and the
 * same estimate on one thread (estimateRademacher), in the same run.
 */
export const rademacherBench: Bench = {
  description: 'Rademacher estimation and enumeration at the reference sizes',
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const notes: string[] = [];
    const raw = loadDataset({ source: 'mnist', n: 10_000, seed: 1, test: false }).matrix('train');
    const X = scaleMatrix(raw, 1 / 255);
    const pool = new WorkerPool({ threads: 2 });
    const est = await timeAsync(() => estimateRademacherAsync(linearL2(X, 1), { draws: 1000, seed: 1, pool }), 1).finally(() => pool.close());
    rows.push({ case: 'linear-l2, MNIST 10000×784, 1000 draws, worker pool (2 threads)', ms: est.ms, coldMs: est.coldMs, value: est.result.estimate, targetMs: 5000 });
    const single = time(() => estimateRademacher(linearL2(X, 1), { draws: 1000, seed: 1 }), 1);
    rows.push({ case: 'linear-l2, MNIST 10000×784, 1000 draws, one thread', ms: single.ms, coldMs: single.coldMs, value: single.result.estimate, targetMs: null });
    if (single.result.estimate !== est.result.estimate) throw new Error('bench: the pool\'s estimate differs from the single thread\'s');
    notes.push(`worker pool vs one thread, same run: ${est.ms.toFixed(0)} ms vs ${single.ms.toFixed(0)} ms → ratio ${(est.ms / single.ms).toFixed(2)} (identical estimates)`);
    // Reference: 100 draws, one pass over the dense rows per draw, on the same sign vectors.
    const sigma = drawSigns(X.rows, 100, new Rng(1).fork('sigma'));
    const ref = time(() => denseReference(X, sigma, 100), 1);
    rows.push({ case: 'reference: dense rows, 100 draws', ms: ref.ms, coldMs: ref.coldMs, value: ref.result, targetMs: null });
    notes.push(`per draw: ours ${(est.ms / 1000).toFixed(2)} ms, dense reference ${(ref.ms / 100).toFixed(2)} ms → ${((ref.ms / 100) / (est.ms / 1000)).toFixed(1)}× faster`);
    const comparisons = [
      compare('linear-l2 on 10,000 MNIST images, per draw (1000 draws)', 'ms', Number((est.ms / 1000).toFixed(3)), Number((ref.ms / 100).toFixed(3)), 'dense loop per draw', '1000 draws ≤ 5000 ms'),
      compare('linear-l2 on 10,000 MNIST images, 1000 draws: worker pool vs one thread', 'ms', Math.round(est.ms), Math.round(single.ms), 'estimateRademacher on one thread'),
    ];
    const x = Array.from({ length: 20 }, (_, i) => i);
    for (const [name, oracle] of [['thresholds', thresholds(x)], ['intervals', intervals(x)]] as const) {
      const e = time(() => exhaustiveRademacher(oracle), 1);
      rows.push({ case: `exact ${name}, n = 20 (2^20 σ)`, ms: e.ms, coldMs: e.coldMs, value: e.result.value, targetMs: 5000 });
      comparisons.push(compare(`exact ${name}, n = 20 (all 2^20 sign vectors)`, 'ms', Math.round(e.ms), null, null, '≤ 5000 ms'));
      notes.push(`${name} n = 20: exact value ${e.result.exact?.toFraction()}`);
    }
    return { rows, notes, comparisons };
  },
};
