/**
 * The paper's randomizations (Zhang et al. 2017, §2.1) as a registry, each generated ONCE from its own
 * seeded stream and kept for the whole run: true labels, partially corrupted labels (probability p),
 * random labels, shuffled pixels (one permutation for train and test), random pixels (one
 * permutation per image), and Gaussian inputs with the data's per-channel mean and variance. Adding a
 * randomization is adding an entry: the CLI's choices, its help and the data layer follow.
 *
 * `random-signs` (not in the paper's list) gives two-class labels σ_i ∈ {−1, +1} (classes 0, 1): fitting
 * them measures a network class's empirical Rademacher complexity from below (paper §2.2).
 *
 * Test sets: label randomizations leave the test set clean (test error is against true labels;
 * `random-signs` draws test signs too, since the classes change);
 * input randomizations transform the test inputs the same way (shuffled pixels with the SAME
 * permutation; random pixels and Gaussian with fresh draws), so test error measures the model on
 * the input distribution it was trained on.
 */
import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';

/** Points of one split as the randomizations see them: raw values (n, d), labels, image shape. */
export interface Points {
  readonly n: number;
  readonly d: number;
  /** (height, width, channels) with h·w·c = d, or null for tabular data */
  readonly shape: readonly [number, number, number] | null;
  /** float32 for images (pixel values are exact in it), float64 for tables read from a file */
  readonly values: Float32Array | Float64Array; // (n, d)
  readonly labels: Float64Array; // (n)
  /** k when the labels are classes 0 … k−1, else null */
  readonly classes: number | null;
}

/** What a randomization returns. */
export interface Randomized {
  train: Points;
  test: Points | null;
  /** corruption probability p (1 for random labels, 0 for true labels, null for input randomizations) */
  p: number | null;
  /**
   * measured fraction of training labels that differ from the true ones (random-signs: 1 — every
   * label is replaced by a sign, a class of another task, even where its number matches the digit's)
   */
  labelsChanged: number;
}

/** A randomization of the registry. */
export interface RandomizationSpec {
  readonly description: string;
  /** 'labels': changes labels only (applies to any labelled data); 'inputs': changes the inputs (image data) */
  readonly kind: 'labels' | 'inputs';
  /** whether it takes the corruption probability --p */
  readonly takesP: boolean;
  /** applies it; `rng` is the run's stream for this randomization */
  apply(train: Points, test: Points | null, p: number | undefined, rng: Rng): Randomized;
}

/**
 * Each label independently, with probability p, replaced by a uniform random class (which can be
 * the old one: about (1 − 1/k)·p of the labels change).
 *
 * @returns the labels and the measured fraction changed
 * @example
 * corruptLabels(Float64Array.from([0, 1, 2, 3]), 1, 10, 7).labels; // four seeded random digits
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

function classesOf(points: Points, id: string): number {
  if (points.classes === null) throw new InputError(`--randomization ${id} needs class labels 0 … k−1; these labels are not classes`);
  return points.classes;
}

function shapeOf(points: Points, id: string): readonly [number, number, number] {
  if (points.shape === null) throw new InputError(`--randomization ${id} permutes or redraws pixels: it needs image data (mnist, cifar10, synthetic), not a table`);
  return points.shape;
}

/** A zeroed array of the same type and length. */
function like(values: Float32Array | Float64Array): Float32Array | Float64Array {
  return values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length);
}

/** The points with pixel positions permuted (channels kept together): out[q] = x[π_i(q)]. */
function permutePixels(points: Points, permFor: (i: number) => Int32Array, id: string): Points {
  const [, , c] = shapeOf(points, id);
  const values = like(points.values);
  const { d } = points;
  for (let i = 0; i < points.n; i++) {
    const perm = permFor(i);
    for (let q = 0; q < perm.length; q++) {
      const from = i * d + (perm[q] as number) * c;
      for (let ch = 0; ch < c; ch++) values[i * d + q * c + ch] = points.values[from + ch] as number;
    }
  }
  return { ...points, values };
}

/** Per-channel mean and standard deviation of the points' values. */
export function channelMoments(points: Points, c: number): { mean: Float64Array; std: Float64Array } {
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let t = 0; t < points.values.length; t++) {
    const v = points.values[t] as number;
    sum[t % c]! += v;
    sq[t % c]! += v * v;
  }
  const count = points.values.length / c;
  const mean = sum.map((s) => s / count);
  const std = sq.map((s, ch) => Math.sqrt(Math.max(s / count - (mean[ch] as number) ** 2, 0)));
  return { mean, std };
}

function gaussianPoints(points: Points, mean: Float64Array, std: Float64Array, rng: Rng): Points {
  const c = mean.length;
  const values = like(points.values);
  for (let t = 0; t < values.length; t++) values[t] = (mean[t % c] as number) + (std[t % c] as number) * rng.gaussian();
  return { ...points, values };
}

function labelNoise(id: 'corrupt-labels' | 'random-labels'): RandomizationSpec & { kind: 'labels' } {
  return {
    description: id === 'random-labels' ? 'every training label a uniform random class (p = 1)' : 'each training label replaced with probability --p by a uniform random class',
    kind: 'labels',
    takesP: id === 'corrupt-labels',
    apply(train, test, p, rng) {
      const q = id === 'random-labels' ? 1 : p;
      if (q === undefined) throw new InputError('--randomization corrupt-labels needs --p, the corruption probability in [0, 1]');
      const { labels, changed } = corruptLabels(train.labels, q, classesOf(train, id), rng.nextUint32());
      return { train: { ...train, labels }, test, p: q, labelsChanged: changed };
    },
  };
}

/** The registry. */
export const RANDOMIZATION_SPECS = {
  'true-labels': {
    description: 'the data as it is',
    kind: 'labels',
    takesP: false,
    apply: (train, test) => ({ train, test, p: 0, labelsChanged: 0 }),
  },
  'corrupt-labels': labelNoise('corrupt-labels'),
  'random-labels': labelNoise('random-labels'),
  'random-signs': {
    description: 'binary labels: every training and test label a uniform random sign, classes 0 and 1 for −1 and +1 (Rademacher variables σ)',
    kind: 'labels',
    takesP: false,
    apply(train, test, _p, rng) {
      // The test labels are signs too (fresh draws): a two-class model is scored against two classes, at chance 50%.
      const signs = (points: Points, stream: Rng): Points => ({ ...points, labels: Float64Array.from({ length: points.n }, () => stream.int(2)), classes: 2 });
      const out = signs(train, rng.fork('train'));
      return { train: out, test: test && signs(test, rng.fork('test')), p: 1, labelsChanged: train.n === 0 ? 0 : 1 };
    },
  },
  'shuffled-pixels': {
    description: 'one random permutation of pixel positions, applied to every training and test image',
    kind: 'inputs',
    takesP: false,
    apply(train, test, _p, rng) {
      const [h, w] = shapeOf(train, 'shuffled-pixels');
      const perm = permutation(h * w, rng);
      return { train: permutePixels(train, () => perm, 'shuffled-pixels'), test: test && permutePixels(test, () => perm, 'shuffled-pixels'), p: null, labelsChanged: 0 };
    },
  },
  'random-pixels': {
    description: 'an independent random permutation of pixel positions for each image',
    kind: 'inputs',
    takesP: false,
    apply(train, test, _p, rng) {
      const [h, w] = shapeOf(train, 'random-pixels');
      const trainRng = rng.fork('train');
      const testRng = rng.fork('test');
      return {
        train: permutePixels(train, () => permutation(h * w, trainRng), 'random-pixels'),
        test: test && permutePixels(test, () => permutation(h * w, testRng), 'random-pixels'),
        p: null,
        labelsChanged: 0,
      };
    },
  },
  gaussian: {
    description: 'pixels drawn from a Gaussian with the training images\' per-channel mean and variance',
    kind: 'inputs',
    takesP: false,
    apply(train, test, _p, rng) {
      const [, , c] = shapeOf(train, 'gaussian');
      const { mean, std } = channelMoments(train, c);
      return { train: gaussianPoints(train, mean, std, rng.fork('train')), test: test && gaussianPoints(test, mean, std, rng.fork('test')), p: null, labelsChanged: 0 };
    },
  },
} as const satisfies Record<string, RandomizationSpec>;

export type RandomizationId = keyof typeof RANDOMIZATION_SPECS;

/** Every randomization, in the registry's order. */
export const RANDOMIZATIONS = Object.keys(RANDOMIZATION_SPECS) as RandomizationId[];

/** The randomizations that change labels only: they apply to any labelled data. */
export type LabelRandomizationId = { [K in RandomizationId]: (typeof RANDOMIZATION_SPECS)[K]['kind'] extends 'labels' ? K : never }[RandomizationId];
export const LABEL_RANDOMIZATIONS = RANDOMIZATIONS.filter((id): id is LabelRandomizationId => RANDOMIZATION_SPECS[id].kind === 'labels');

/** Checks a randomization id, listing the valid ones when it is not. */
export function parseRandomization(id: string): RandomizationId {
  if (!Object.hasOwn(RANDOMIZATION_SPECS, id)) throw new InputError(`unknown randomization '${id}': valid randomizations are ${RANDOMIZATIONS.join(', ')}`);
  return id as RandomizationId;
}

/**
 * Applies a randomization to a training/test pair, from the run's seed (each randomization has its
 * own stream, `randomization/<id>`).
 *
 * @param p corruption probability, for randomizations that take it (required there, refused elsewhere)
 * @example
 * randomizePoints(train, test, 'corrupt-labels', 0.5, 1).labelsChanged; // ≈ 0.45 for 10 classes
 */
export function randomizePoints(train: Points, test: Points | null, id: RandomizationId, p: number | undefined, seed: number): Randomized {
  const spec: RandomizationSpec = RANDOMIZATION_SPECS[parseRandomization(id)];
  if (spec.takesP && p === undefined) throw new InputError(`--randomization ${id} needs --p, the corruption probability in [0, 1]`);
  if (!spec.takesP && p !== undefined) throw new InputError(`--p is for --randomization corrupt-labels (got ${id})`);
  return spec.apply(train, test, p, new Rng(seed).fork(`randomization/${id}`));
}
