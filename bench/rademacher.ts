import { mnistMatrix } from '../src/data/mnist.js';
import { scaleMatrix, type Matrix } from '../src/data/matrix.js';
import { estimateRademacher, exhaustiveRademacher } from '../src/rademacher/estimate.js';
import { intervals, linearL2, thresholds } from '../src/rademacher/oracles.js';
import { time, type Bench } from './harness.js';

/**
 * Targets (issue): linear-l2 on 10,000 MNIST images with 1,000 draws ≤ 5 s — one blocked
 * (m × n)·(n × d) product over the sparse rows, not m separate passes; exact enumeration of all 2^20
 * sign vectors for thresholds and intervals ≤ 5 s. The reference is the unblocked loop: one pass
 * over X per draw.
 */
export const rademacherBench: Bench = {
  description: 'Rademacher estimation and enumeration at the reference sizes',
  async run() {
    const rows: Record<string, string | number | null>[] = [];
    const notes: string[] = [];
    const raw = mnistMatrix('train', 10_000, 1).X;
    const X = scaleMatrix(raw, 1 / 255);
    const est = time(() => estimateRademacher(linearL2(X, 1), { draws: 1000, seed: 1 }), 1);
    rows.push({ case: 'linear-l2, MNIST 10000×784, 1000 draws', ms: est.ms, coldMs: est.coldMs, value: est.result.estimate, targetMs: 5000 });
    // Reference: 100 draws, one pass over the dense rows per draw (what "looping over draws" costs).
    const dense: Matrix = { rows: X.rows, cols: X.cols, data: X.data };
    const ref = time(() => estimateRademacher(linearL2(dense, 1), { draws: 100, seed: 1 }), 1);
    rows.push({ case: 'reference: dense rows, 100 draws', ms: ref.ms, coldMs: ref.coldMs, value: ref.result.estimate, targetMs: null });
    notes.push(`per draw: ours ${(est.ms / 1000).toFixed(2)} ms, dense reference ${(ref.ms / 100).toFixed(2)} ms → ${((ref.ms / 100) / (est.ms / 1000)).toFixed(1)}× faster`);
    const x = Array.from({ length: 20 }, (_, i) => i);
    for (const [name, oracle] of [['thresholds', thresholds(x)], ['intervals', intervals(x)]] as const) {
      const e = time(() => exhaustiveRademacher(oracle), 1);
      rows.push({ case: `exact ${name}, n = 20 (2^20 σ)`, ms: e.ms, coldMs: e.coldMs, value: e.result.value, targetMs: 5000 });
      notes.push(`${name} n = 20: exact value ${e.result.exact?.toFraction()}`);
    }
    return { rows, notes };
  },
};
