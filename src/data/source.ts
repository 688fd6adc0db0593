import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { readCsv } from './csv.js';
import type { Matrix } from './matrix.js';
import { mnistMatrix } from './mnist.js';
import { gaussianClusters } from './synthetic.js';

/** A labelled data set as the commands use it. */
export interface LabelledSource {
  readonly X: Matrix; // (n, d)
  /** Labels as given (class indices for MNIST and synthetic data). */
  readonly y: Float64Array; // (n)
  /** Number of classes when the labels are class indices 0 … k−1, else null. */
  readonly classes: number | null;
  /** What was loaded, for logs and saved results. */
  readonly description: string;
}

/** Options of {@link loadSource}. */
export interface SourceOptions {
  /** Number of points (default: all of MNIST or the file; 1000 for synthetic). */
  readonly n?: number;
  /** Features of synthetic data (default 20). */
  readonly d?: number;
  /** Seed for subsets and synthetic draws. */
  readonly seed: number;
}

/**
 * Loads `mnist` (training split, raw pixels 0 … 255), `synthetic` (Gaussian clusters, 10 classes) or
 * a CSV file (one point per row, label last).
 *
 * @param data - `mnist`, `synthetic`, or a path to a .csv file
 * @param options - n, d, seed
 * @example
 * loadSource('synthetic', { n: 100, d: 5, seed: 1 }).X.rows; // 100
 */
export function loadSource(data: string, options: SourceOptions): LabelledSource {
  const { n, seed } = options;
  if (options.d !== undefined && data !== 'synthetic') {
    throw new InputError(`--d applies to synthetic data only (the dimension of ${data} is fixed by the data)`);
  }
  if (data === 'mnist') {
    const m = mnistMatrix('train', n, seed);
    return {
      X: m.X,
      y: Float64Array.from(m.labels),
      classes: 10,
      description: n === undefined ? 'MNIST train (60000 images, pixels 0-255)' : `MNIST train, seeded subset of ${n} (pixels 0-255)`,
    };
  }
  if (data === 'synthetic') {
    const count = n ?? 1000;
    const d = options.d ?? 20;
    const s = gaussianClusters(count, d, 10, seed);
    return { X: s.X, y: s.y, classes: 10, description: `synthetic Gaussian clusters (n = ${count}, d = ${d}, 10 classes)` };
  }
  if (!data.toLowerCase().endsWith('.csv') && !existsSync(data)) {
    throw new InputError(`--data '${data}' is not mnist, synthetic or an existing .csv file`);
  }
  const csv = readCsv(data);
  let X = csv.X;
  let y = csv.y;
  if (n !== undefined) {
    if (!Number.isInteger(n) || n < 1 || n > X.rows) {
      throw new InputError(`--n ${n}: the file ${data} has ${X.rows} rows; choose 1 … ${X.rows}`);
    }
    X = { rows: n, cols: X.cols, data: X.data.slice(0, n * X.cols) };
    y = y.slice(0, n);
  }
  let classes: number | null = null;
  if (y.every((v) => Number.isInteger(v) && v >= 0)) classes = y.reduce((m, v) => Math.max(m, v), 0) + 1;
  return { X, y, classes, description: `${data} (${X.rows} rows, ${X.cols} features${n !== undefined ? ', first n' : ''})` };
}
