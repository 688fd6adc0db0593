/**
 * The paper's randomizations (§2.1), each generated ONCE from its own seeded stream and kept for
 * the whole run: true labels, partially corrupted labels (probability p), random labels, shuffled
 * pixels (one permutation for train and test), random pixels (one permutation per image), and
 * Gaussian inputs with the data set's per-channel mean and variance.
 *
 * Test sets: label randomizations leave the test set clean (test error is against true labels);
 * input randomizations transform the test images the same way (shuffled pixels with the SAME
 * permutation; random pixels and Gaussian with fresh draws), so test error measures the model on
 * the input distribution it was trained on.
 */
import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';
import type { ImageSet } from '../data/images.js';

import { RANDOMIZATIONS, type RandomizationId } from './names.js';

export { RANDOMIZATIONS, type RandomizationId };

/** Checks a randomization id, listing the valid ones when it is not. */
export function parseRandomization(id: string): RandomizationId {
  if (!(RANDOMIZATIONS as readonly string[]).includes(id)) {
    throw new InputError(`unknown randomization '${id}': valid randomizations are ${RANDOMIZATIONS.join(', ')}`);
  }
  return id as RandomizationId;
}

/** The randomized training and test sets and what was changed. */
export interface Randomized {
  train: ImageSet;
  test: ImageSet;
  /** corruption probability p (1 for random labels, 0 for true labels, null for input randomizations) */
  p: number | null;
  /** measured fraction of training labels that differ from the true ones */
  labelsChanged: number;
}

/**
 * Each label independently, with probability p, replaced by a uniform random class (which can be
 * the old one: about (1 − 1/k)·p of the labels change).
 *
 * @returns the labels and the measured fraction changed
 */
export function corruptLabels<T extends Uint8Array | Float64Array>(labels: T, p: number, k: number, seed: number): { labels: T; changed: number } {
  if (!(p >= 0 && p <= 1)) throw new InputError(`--p ${p}: the corruption probability must be in [0, 1]`);
  if (labels instanceof Uint8Array && k > 256) throw new RangeError(`corruptLabels: k = ${k} classes do not fit byte labels`);
  const rng = new Rng(seed).fork('corrupt-labels');
  const out = (labels instanceof Uint8Array ? new Uint8Array(labels.length) : new Float64Array(labels.length)) as T;
  let changed = 0;
  for (let i = 0; i < labels.length; i++) {
    // Two draws per label whatever happens, so label i does not depend on p's effect on labels < i.
    const u = rng.uniform();
    const c = rng.int(k);
    out[i] = u < p ? c : (labels[i] as number);
    if (out[i] !== labels[i]) changed++;
  }
  return { labels: out, changed: labels.length === 0 ? 0 : changed / labels.length };
}

/** A seeded permutation of 0 … m−1. */
export function permutation(m: number, rng: Rng): Int32Array {
  return Int32Array.from(rng.shuffle(Array.from({ length: m }, (_, i) => i)));
}

/** Applies a pixel-position permutation π (over h·w positions, channels kept together) to one image: out[q] = x[π(q)]. */
function permuteImage(src: Float32Array, dst: Float32Array, perm: Int32Array, c: number): void {
  for (let q = 0; q < perm.length; q++) {
    const from = (perm[q] as number) * c;
    for (let ch = 0; ch < c; ch++) dst[q * c + ch] = src[from + ch] as number;
  }
}

function mapImages(set: ImageSet, permFor: (i: number) => Int32Array): ImageSet {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  const images = new Float32Array(set.images.length);
  for (let i = 0; i < set.n; i++) {
    permuteImage(set.images.subarray(i * size, (i + 1) * size), images.subarray(i * size, (i + 1) * size), permFor(i), c);
  }
  return { ...set, images };
}

/** Gaussian images with the given per-channel mean and standard deviation. */
function gaussianImages(set: ImageSet, mean: Float64Array, std: Float64Array, rng: Rng): ImageSet {
  const c = set.shape[2];
  const images = new Float32Array(set.images.length);
  for (let i = 0; i < images.length; i++) images[i] = (mean[i % c] as number) + (std[i % c] as number) * rng.gaussian();
  return { ...set, images };
}

/** Per-channel mean and standard deviation of a set's pixels. */
export function channelMoments(set: ImageSet): { mean: Float64Array; std: Float64Array } {
  const c = set.shape[2];
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < set.images.length; i++) {
    const v = set.images[i] as number;
    sum[i % c]! += v;
    sq[i % c]! += v * v;
  }
  const count = set.images.length / c;
  const mean = sum.map((s) => s / count);
  const std = sq.map((s, ch) => Math.sqrt(Math.max(s / count - (mean[ch] as number) ** 2, 0)));
  return { mean, std };
}

/**
 * Applies a randomization to a training/test pair.
 *
 * @param id which randomization
 * @param p corruption probability, for 'corrupt-labels' only (required there)
 * @param seed the run's seed; each randomization draws from its own fork of it
 * @example
 * const r = randomize(train, test, 'corrupt-labels', 0.5, 1);
 * r.labelsChanged; // ≈ 0.45 for 10 classes
 */
export function randomize(train: ImageSet, test: ImageSet, id: RandomizationId, p: number | undefined, seed: number): Randomized {
  const rng = new Rng(seed).fork(`randomization/${id}`);
  const [h, w] = train.shape;
  switch (id) {
    case 'true-labels':
      return { train, test, p: 0, labelsChanged: 0 };
    case 'corrupt-labels':
    case 'random-labels': {
      const q = id === 'random-labels' ? 1 : p;
      if (q === undefined) throw new InputError('corrupt-labels needs --p, the corruption probability in [0, 1]');
      const { labels, changed } = corruptLabels(train.labels, q, train.classes, rng.nextUint32());
      return { train: { ...train, labels }, test, p: q, labelsChanged: changed };
    }
    case 'shuffled-pixels': {
      const perm = permutation(h * w, rng);
      return { train: mapImages(train, () => perm), test: mapImages(test, () => perm), p: null, labelsChanged: 0 };
    }
    case 'random-pixels': {
      const trainRng = rng.fork('train');
      const testRng = rng.fork('test');
      return {
        train: mapImages(train, () => permutation(h * w, trainRng)),
        test: mapImages(test, () => permutation(h * w, testRng)),
        p: null,
        labelsChanged: 0,
      };
    }
    case 'gaussian': {
      const { mean, std } = channelMoments(train);
      return { train: gaussianImages(train, mean, std, rng.fork('train')), test: gaussianImages(test, mean, std, rng.fork('test')), p: null, labelsChanged: 0 };
    }
  }
}
