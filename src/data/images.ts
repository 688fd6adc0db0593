/**
 * Images as the trainer takes them: float32 NHWC with byte labels (the data layer's image view,
 * src/data/dataset.ts, makes them), and the data sets `fit` accepts.
 */

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

/** The sizes of the real datasets' splits (MNIST: LeCun et al. 1998; CIFAR-10: Krizhevsky 2009). */
export const SPLIT_SIZES = { mnist: { train: 60_000, test: 10_000 }, cifar10: { train: 50_000, test: 10_000 } } as const;
