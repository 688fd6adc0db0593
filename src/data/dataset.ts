/**
 * One data layer for every command: a {@link Dataset} is a source (MNIST, CIFAR-10, synthetic
 * clusters or a CSV file), a seeded subset of its training and test splits, and a randomization,
 * applied once — with two views of the same points: a float64 {@link Matrix} for the theory
 * (Theorem 1, Rademacher complexity, kernels) and float32 NHWC images for training. The same
 * `--data --n --seed --randomization` therefore selects the same images and labels in
 * `expressivity`, `rademacher`, `kernel` and `fit` (tested).
 *
 * Values are kept as the source has them (pixels 0 … 255 for MNIST and CIFAR-10, so projections of
 * integer pixels stay exact in float64); each view scales them: `matrix(split, { unit: true })`
 * divides pixels by 255, `images(split)` applies the training preprocessing (MNIST: standardized
 * with the training split's moments; CIFAR-10: per-image whitening after a centre crop to 28×28).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { Rng } from '../random/rng.js';
import { randomizePoints, type Points, type RandomizationId } from '../randomization/registry.js';
import { whitenImage } from './cifar.js';
import { readCsv } from './csv.js';
import type { ImageSet } from './images.js';
import type { Matrix } from './matrix.js';
import { rawSource, type RawSplit } from './shared.js';

/** Where the points come from. */
export type SourceId = 'mnist' | 'cifar10' | 'synthetic';

/** What to load. Only `source` and `seed` are required. */
export interface DatasetSpec {
  /** 'mnist', 'cifar10', 'synthetic', or the path of a CSV file (one point per row, label last) */
  source: string;
  /** CIFAR-10: the directory of the binary batches */
  dataDir?: string;
  /** training points: a stratified seeded subset (a CSV file: its first n rows); null/undefined = all (synthetic: 2,000) */
  n?: number | null;
  /** test points, likewise (synthetic: 500); CSV files have no test split */
  testN?: number | null;
  /** synthetic data: features (default 784 = 28×28×1 images; other values give tabular points) */
  d?: number;
  /** the run's seed: subsets, synthetic draws and the randomization come from its streams */
  seed: number;
  /** default 'true-labels' */
  randomization?: RandomizationId;
  /** the corruption probability of 'corrupt-labels' */
  p?: number;
  /** load the test split too (default true; a CSV file never has one) */
  test?: boolean;
}

/** One split of a dataset. */
export interface DataSplit extends Points {
  /** rows of the source split each point came from (before the randomization, which keeps the order) */
  readonly indices: Int32Array;
}

/** A loaded dataset: the two splits and how they were made. */
export interface Dataset {
  readonly spec: Readonly<DatasetSpec>;
  readonly source: SourceId | 'csv';
  /** what was loaded, for logs and saved results */
  readonly description: string;
  readonly train: DataSplit;
  readonly test: DataSplit | null;
  readonly randomization: RandomizationId;
  /** the corruption probability applied (1 for random labels, 0 for true labels, null for input randomizations) */
  readonly p: number | null;
  /** measured fraction of training labels that differ from the source's */
  readonly labelsChanged: number;
  /**
   * 16 hex digits identifying the training points: a SHA-256 of the source, the chosen rows, their
   * labels and the randomization. Every command reports it, so two results can be checked to come
   * from the same data.
   */
  readonly fingerprint: string;
  /** the split as a float64 matrix (n, d); `unit`: pixels divided by 255 (other sources unchanged). Cached. */
  matrix(split: 'train' | 'test', options?: { unit?: boolean }): Matrix;
  /** the split as float32 NHWC images with the training preprocessing (needs image data). Cached. */
  images(split: 'train' | 'test'): ImageSet;
}

/** Sizes of the synthetic splits when no n is given. */
export const SYNTHETIC_TRAIN_N = 2000;
export const SYNTHETIC_TEST_N = 500;

/** A source split before subsetting: image sources keep their bytes (shared between workers, see shared.ts). */
type SourcePoints = Omit<Points, 'values'> & { readonly values: Uint8Array | Float32Array | Float64Array };

interface Source {
  train: SourcePoints;
  test: SourcePoints | null;
  id: SourceId | 'csv';
  /** 255 for pixel sources: what `unit` divides by */
  pixelScale: number;
  description: string;
  /** the training split's pixel moments on [0, 1] (image sources) */
  moments?: { mean: number; std: number };
}

/** A split of bytes as source points (labels as float64 for the randomizations). */
function bytePoints(split: RawSplit): SourcePoints {
  const [h, w, c] = split.shape;
  return { n: split.n, d: h * w * c, shape: split.shape, values: split.pixels, labels: Float64Array.from(split.labels), classes: 10 };
}

/**
 * Loads a dataset: the source's splits, a seeded subset of each, then the randomization.
 *
 * @throws InputError naming the problem: an unknown source, a missing file or directory, an n above
 *   what the split holds, a randomization that does not apply to the data
 * @example
 * const ds = loadDataset({ source: 'mnist', n: 1000, seed: 1, randomization: 'random-labels' });
 * ds.matrix('train').rows;          // 1000, raw pixels 0 … 255
 * ds.images('train').shape;         // [28, 28, 1], standardized
 */
export function loadDataset(spec: DatasetSpec): Dataset {
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed >= 2 ** 32) throw new InputError(`--seed ${spec.seed}: must be an integer in [0, 4294967295]`);
  if (spec.d !== undefined && spec.source !== 'synthetic') throw new InputError(`--d applies to synthetic data only (the dimension of ${spec.source} is fixed by the data)`);
  const src = loadSource(spec);
  const rng = new Rng(spec.seed);
  const train = subsetOf(src.train, spec.n ?? null, rng.fork('subset/train'), 'training', spec.source);
  const test = src.test === null ? null : subsetOf(src.test, spec.testN ?? null, rng.fork('subset/test'), 'test', spec.source);
  if (src.test === null && spec.testN !== undefined && spec.testN !== null) throw new InputError(`--test-n: ${spec.source} has no test split`);
  const randomization = spec.randomization ?? 'true-labels';
  const r = randomizePoints(train, test, randomization, spec.p, spec.seed);
  const parts = [src.description, `${train.n} training${test !== null ? ` / ${test.n} test` : ''} points`];
  const caches = new Map<string, Matrix | ImageSet>();
  const ds: Dataset = {
    spec: { ...spec },
    source: src.id,
    description: parts.join(', '),
    train: { ...r.train, indices: train.indices },
    test: r.test === null || test === null ? null : { ...r.test, indices: test.indices },
    randomization,
    p: r.p,
    labelsChanged: r.labelsChanged,
    fingerprint: fingerprintOf(src, spec, randomization, train.indices, r.train.labels),
    matrix(split, options = {}) {
      const unit = options.unit === true && src.pixelScale !== 1;
      const key = `matrix/${split}/${unit}`;
      const cached = caches.get(key) as Matrix | undefined;
      if (cached) return cached;
      const points = splitOf(ds, split);
      const data = new Float64Array(points.values.length);
      for (let t = 0; t < data.length; t++) data[t] = unit ? (points.values[t] as number) / src.pixelScale : (points.values[t] as number);
      const m: Matrix = { rows: points.n, cols: points.d, data };
      caches.set(key, m);
      return m;
    },
    images(split) {
      const key = `images/${split}`;
      const cached = caches.get(key) as ImageSet | undefined;
      if (cached) return cached;
      const set = imagesOf(src, splitOf(ds, split));
      caches.set(key, set);
      return set;
    },
  };
  return ds;
}

function fingerprintOf(src: Source, spec: DatasetSpec, randomization: RandomizationId, indices: Int32Array, labels: Float64Array): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ source: src.id, file: src.id === 'csv' ? spec.source : null, d: spec.d ?? null, randomization, p: spec.p ?? null, seed: randomization === 'true-labels' && src.id !== 'synthetic' ? null : spec.seed }));
  h.update(new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength));
  h.update(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  return h.digest('hex').slice(0, 16);
}

function splitOf(ds: Dataset, split: 'train' | 'test'): DataSplit {
  const s = split === 'train' ? ds.train : ds.test;
  if (s === null) throw new InputError(`${ds.spec.source} has no test split`);
  return s;
}

function loadSource(spec: DatasetSpec): Source {
  const wantTest = spec.test !== false;
  switch (spec.source) {
    case 'mnist': {
      // Raw bytes, read once per process or attached from shared memory (shared.ts).
      const raw = rawSource('mnist');
      return { id: 'mnist', train: bytePoints(raw.train), test: wantTest ? bytePoints(raw.test) : null, pixelScale: 255, description: 'MNIST (pixels 0–255)', moments: raw.moments };
    }
    case 'cifar10': {
      if (spec.dataDir === undefined) {
        throw new InputError('cifar10: no directory given; pass --data-dir DIR with data_batch_1..5.bin and test_batch.bin (the CIFAR-10 binary version)');
      }
      const raw = rawSource('cifar10', spec.dataDir);
      return { id: 'cifar10', train: bytePoints(raw.train), test: wantTest ? bytePoints(raw.test) : null, pixelScale: 255, description: `CIFAR-10 from ${spec.dataDir} (centre crop 28×28, pixels 0–255)`, moments: raw.moments };
    }
    case 'synthetic': {
      const d = spec.d ?? 784;
      const trainN = spec.n ?? SYNTHETIC_TRAIN_N;
      const testN = spec.testN ?? SYNTHETIC_TEST_N;
      return {
        id: 'synthetic',
        train: syntheticPoints(trainN, d, spec.seed, 'train'),
        test: wantTest ? syntheticPoints(testN, d, spec.seed, 'test') : null,
        pixelScale: 1,
        description: `synthetic Gaussian clusters (d = ${d}, 10 classes)`,
      };
    }
    default: {
      if (!spec.source.toLowerCase().endsWith('.csv')) {
        throw new InputError(`--data '${spec.source}' is not mnist, cifar10, synthetic or a .csv file`);
      }
      const csv = readCsv(spec.source);
      const labels = csv.y;
      const integral = labels.every((v) => Number.isInteger(v) && v >= 0);
      const classes = integral ? labels.reduce((m, v) => Math.max(m, v), 0) + 1 : null;
      return {
        id: 'csv',
        train: { n: csv.X.rows, d: csv.X.cols, shape: null, values: Float64Array.from(csv.X.data), labels, classes },
        test: null,
        pixelScale: 1,
        description: `${spec.source} (${csv.X.rows} rows, ${csv.X.cols} features)`,
      };
    }
  }
}

/**
 * Synthetic data: 10 Gaussian clusters in d dimensions — centres N(0, I_d) shared by both splits,
 * points a centre plus N(0, 4·I_d), labels 0, 1, …, 9, 0, 1, … — drawn from the seed's streams, so
 * the first n points do not depend on how many are drawn. d = 784 gives 28×28×1 images.
 */
export function syntheticPoints(n: number, d: number, seed: number, split: 'train' | 'test'): Points {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`synthetic data: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(d) || d < 1) throw new InputError(`synthetic data: d must be a positive integer, got ${d}`);
  const rng = new Rng(seed).fork('synthetic');
  const centresRng = rng.fork('centres');
  const mu = new Float64Array(10 * d); // (10, d)
  for (let t = 0; t < mu.length; t++) mu[t] = centresRng.gaussian();
  const draws = rng.fork(split);
  const values = new Float32Array(n * d); // (n, d)
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let j = 0; j < d; j++) values[i * d + j] = (mu[c * d + j] as number) + 2 * draws.gaussian();
  }
  return { n, d, shape: d === 784 ? [28, 28, 1] : null, values, labels, classes: 10 };
}

/**
 * A subset of n points: with class labels, stratified (each class keeps its share, largest
 * remainders; a seeded shuffle within each class), else the first n; in the source's order.
 */
function subsetOf(points: SourcePoints, n: number | null, rng: Rng, name: string, source: string): DataSplit {
  const all = (): Int32Array => Int32Array.from({ length: points.n }, (_, i) => i);
  if (n === null || n === points.n) {
    const values = points.values instanceof Uint8Array ? (name === 'test' ? testFloatsOf(points.values) : Float32Array.from(points.values)) : points.values;
    return { ...points, values, indices: all() };
  }
  if (!Number.isInteger(n) || n < 1 || n > points.n) {
    throw new InputError(`--${name === 'test' ? 'test-n' : 'n'} ${n}: the ${source} ${name} split has ${points.n} points; choose 1 … ${points.n} or all`);
  }
  let chosen: number[];
  if (points.classes === null) chosen = Array.from({ length: n }, (_, i) => i);
  else {
    const byClass: number[][] = Array.from({ length: points.classes }, () => []);
    for (let i = 0; i < points.n; i++) byClass[points.labels[i] as number]!.push(i);
    const quota = byClass.map((members) => (members.length * n) / points.n);
    const take = quota.map(Math.floor);
    let rest = n - take.reduce((a, b) => a + b, 0);
    const order = quota.map((q, c) => [q - Math.floor(q), c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, c] of order) {
      if (rest === 0) break;
      take[c]!++;
      rest--;
    }
    chosen = [];
    byClass.forEach((members, c) => chosen.push(...rng.fork(`class-${c}`).shuffle(members.slice()).slice(0, take[c])));
    chosen.sort((a, b) => a - b);
  }
  const { d } = points;
  const values = points.values instanceof Float64Array ? new Float64Array(n * d) : new Float32Array(n * d);
  const labels = new Float64Array(n);
  chosen.forEach((i, r) => {
    values.set(points.values.subarray(i * d, (i + 1) * d), r * d);
    labels[r] = points.labels[i] as number;
  });
  return { ...points, n, values, labels, indices: Int32Array.from(chosen) };
}

/** The training view of a split: float32 NHWC with the source's preprocessing. */
function imagesOf(src: Source, points: DataSplit): ImageSet {
  if (points.shape === null) throw new InputError(`${src.description}: training needs image data (28×28 inputs); these points are a table`);
  if (points.classes === null) throw new InputError(`${src.description}: training needs class labels`);
  const labels = Uint8Array.from(points.labels);
  const shape = [...points.shape] as [number, number, number];
  const cached = preprocessed.get(points.values);
  if (cached !== undefined && cached.source === src.id) return { images: cached.images, labels, n: points.n, shape, classes: points.classes };
  const images = new Float32Array(points.values.length);
  if (src.id === 'mnist') {
    // Standardized with the training split's moments (both splits alike): on [0, 1] pixels MLP 1×512
    // needed > 200 epochs to fit 1,000 random labels, standardized 65.
    const { mean, std } = src.moments as { mean: number; std: number }; // ≈ 0.1307, 0.3081
    for (let t = 0; t < images.length; t++) images[t] = ((points.values[t] as number) / 255 - mean) / std;
  } else if (src.id === 'cifar10') {
    // The paper's Appendix A: pixels / 255, then per-image whitening.
    for (let t = 0; t < images.length; t++) images[t] = (points.values[t] as number) / 255;
    for (let i = 0; i < points.n; i++) whitenImage(images.subarray(i * points.d, (i + 1) * points.d));
  } else images.set(points.values);
  preprocessed.set(points.values, { source: src.id, images });
  return { images, labels, n: points.n, shape, classes: points.classes };
}

/*
 * A worker of `reproduce` loads the same whole test split for run after run, and most randomizations
 * leave it as it is (they change labels, or training points only). Points and images are never
 * written after they are made, so the whole test split's float copy is kept for the source's bytes
 * (which the process keeps: shared.ts), and preprocessed images for the points they were made from
 * (they go with those points unless these are that copy): MNIST's 10,000 test images hold 2 × 31 MB
 * for the process, and save ≈ 70 ms of each run's set-up. Training splits are not kept (MNIST's
 * whole one would hold 188 MB).
 */
const floatCopies = new WeakMap<Uint8Array, Float32Array>();
const preprocessed = new WeakMap<Float32Array | Float64Array, { source: string; images: Float32Array }>();

/** A whole test split's bytes as float32 (pixel values are exact in it), made once per byte array. */
function testFloatsOf(bytes: Uint8Array): Float32Array {
  let f = floatCopies.get(bytes);
  if (f === undefined) {
    f = Float32Array.from(bytes);
    floatCopies.set(bytes, f);
  }
  return f;
}
