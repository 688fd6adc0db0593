/**
 * Image data sets for training: MNIST (embedded), CIFAR-10 (from a directory the user names) and
 * synthetic Gaussian clusters, as float32 NHWC arrays with byte labels, plus a stratified seeded
 * subset. The test split is never subsetted by the training `--n`.
 */
import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';
import { readCifar10, type CifarOptions } from './cifar.js';
import { loadMnist } from './mnist.js';

/** n images of shape (height, width, channels), values as float32, and their labels 0 … k−1. */
export interface ImageSet {
  readonly images: Float32Array; // (n, h, w, c)
  readonly labels: Uint8Array; // (n)
  readonly n: number;
  readonly shape: [number, number, number];
  readonly classes: number;
}

/** Data set ids accepted by `rethink fit --data`. */
export const DATASETS = ['mnist', 'cifar10', 'synthetic'] as const;
export type DatasetId = (typeof DATASETS)[number];

/** Where and how to load. */
export interface ImageDataOptions extends CifarOptions {
  /** directory of the CIFAR-10 binary batches (required for cifar10) */
  dataDir?: string;
  /** seed of synthetic data */
  seed?: number;
}

/**
 * Loads one split of a data set. MNIST pixels are scaled to [0, 1] and standardized with the training split's mean and deviation; CIFAR-10 follows
 * {@link readCifar10}; synthetic data are 28×28×1 Gaussian clusters (2,000 train / 500 test).
 *
 * @example
 * const train = loadImages('mnist', 'train'); // n 60000, shape [28, 28, 1]
 */
export function loadImages(data: string, split: 'train' | 'test', options: ImageDataOptions = {}): ImageSet {
  switch (data) {
    case 'mnist': {
      // Standardized with the training split's pixel mean and standard deviation (both splits alike):
      // on [0, 1] pixels MLP 1×512 needed > 200 epochs to fit 1,000 random labels, standardized 65.
      const raw = loadMnist(split);
      const { mean, std } = mnistMoments(split === 'train' ? raw.images : undefined);
      const images = new Float32Array(raw.images.length);
      for (let i = 0; i < images.length; i++) images[i] = ((raw.images[i] as number) / 255 - mean) / std;
      return { images, labels: raw.labels, n: raw.n, shape: [28, 28, 1], classes: 10 };
    }
    case 'cifar10': {
      if (options.dataDir === undefined) {
        throw new InputError('cifar10: no directory given; pass --data-dir DIR with data_batch_1..5.bin and test_batch.bin (the CIFAR-10 binary version)');
      }
      return readCifar10(options.dataDir, split, options);
    }
    case 'synthetic':
      return syntheticImages(split === 'train' ? 2000 : 500, options.seed ?? 1, split);
    default:
      throw new InputError(`unknown data set '${data}': valid data sets are ${DATASETS.join(', ')}`);
  }
}

let moments: { mean: number; std: number } | null = null;

/**
 * Mean and standard deviation of MNIST's 60,000 training pixels on the [0, 1] scale (≈ 0.1307,
 * 0.3081), computed once; pass the training images when they are already loaded.
 */
export function mnistMoments(trainImages?: Uint8Array): { mean: number; std: number } {
  if (moments === null) {
    const images = trainImages ?? loadMnist('train').images;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < images.length; i++) {
      const v = (images[i] as number) / 255;
      sum += v;
      sq += v * v;
    }
    const mean = sum / images.length;
    moments = { mean, std: Math.sqrt(sq / images.length - mean * mean) };
  }
  return moments;
}

/** 28×28×1 images from 10 Gaussian clusters (centres shared across splits), for fast tests. */
export function syntheticImages(n: number, seed: number, stream = 'train'): ImageSet {
  const d = 784;
  const centres = new Rng(7).fork('synthetic-images/centres');
  const mu = new Float32Array(10 * d);
  for (let i = 0; i < mu.length; i++) mu[i] = centres.gaussian();
  const rng = new Rng(seed).fork('synthetic-images').fork(stream);
  const images = new Float32Array(n * d);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let j = 0; j < d; j++) images[i * d + j] = (mu[c * d + j] as number) + 2 * rng.gaussian();
  }
  return { images, labels, n, shape: [28, 28, 1], classes: 10 };
}

/**
 * A stratified, seeded subset of n images: each class keeps its share (largest remainders), the
 * choice within a class is a seeded shuffle, and the result keeps the original order.
 *
 * @throws InputError when n is not in 1 … set.n
 */
export function subset(set: ImageSet, n: number, seed: number): ImageSet {
  if (!Number.isInteger(n) || n < 1 || n > set.n) {
    throw new InputError(`--n ${n}: the training split has ${set.n} images; choose 1 … ${set.n}`);
  }
  if (n === set.n) return set;
  const byClass: number[][] = Array.from({ length: set.classes }, () => []);
  for (let i = 0; i < set.n; i++) byClass[set.labels[i] as number]!.push(i);
  const rng = new Rng(seed).fork('subset');
  const quota = byClass.map((members) => (members.length * n) / set.n);
  const take = quota.map(Math.floor);
  let rest = n - take.reduce((a, b) => a + b, 0);
  const order = quota.map((q, c) => [q - Math.floor(q), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, c] of order) {
    if (rest === 0) break;
    take[c]!++;
    rest--;
  }
  const chosen: number[] = [];
  byClass.forEach((members, c) => chosen.push(...rng.fork(`class-${c}`).shuffle(members.slice()).slice(0, take[c])));
  chosen.sort((a, b) => a - b);
  return pick(set, chosen);
}

/** The images at the given indices, in that order. */
export function pick(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  const images = new Float32Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r] as number;
    images.set(set.images.subarray(i * size, (i + 1) * size), r * size);
    labels[r] = set.labels[i] as number;
  }
  return { images, labels, n: indices.length, shape: set.shape, classes: set.classes };
}
