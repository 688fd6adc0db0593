/** Shared pieces of the training tests: small options, tiny image sets, losses of a short run on a backend. */
import { expect } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import type { ImageSet } from '../../src/data/images.js';
import { startBackend } from '../../src/engine/backend.js';
import { buildModel, type ModelId } from '../../src/models/zoo.js';
import { train, type TrainOptions } from '../../src/training/trainer.js';

/** Training options for tests (3 epochs of batch 32, no stopping), with overrides. */
export const options = (o: Partial<TrainOptions> = {}): TrainOptions => ({
  lr: 0.01, momentum: 0.9, batchSize: 32, decay: 0.95, decaySteps: 391, weightDecay: 0, dropout: 0, cropPad: 0,
  epochs: 3, maxSteps: null, stopWhenFitted: false, seed: 5, ...o,
});

/** The centre side × side pixels of 28×28×1 images (small enough for the conv nets on the slow backends). */
export function centreCrop(set: ImageSet, side: number): ImageSet {
  const o = Math.floor((28 - side) / 2);
  const images = new Float32Array(set.n * side * side);
  for (let i = 0; i < set.n; i++) for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) images[(i * side + y) * side + x] = set.images[i * 784 + (y + o) * 28 + x + o]!;
  return { ...set, images, shape: [side, side, 1] };
}

/** n random-labelled synthetic images cropped to side × side × 1. */
export function tiny(n: number, side: number): ImageSet {
  return centreCrop(loadDataset({ source: 'synthetic', n, seed: 11, randomization: 'random-labels', test: false }).images('train'), side);
}

/** Per-epoch losses of 3 epochs of batch 8 on the given backend (seeded model and batches). */
export async function lossesOn(backend: 'cpu' | 'wasm' | 'webgpu' | 'tensorflow', id: ModelId, set: ImageSet, lr = 0.01): Promise<number[]> {
  const info = await startBackend(backend);
  expect(info.name).toBe(backend);
  const m = buildModel(id, set.shape, { seed: 4 });
  const r = await train(m, set, options({ epochs: 3, batchSize: 8, lr }), null, false);
  m.dispose();
  return r.history.map((h) => h.loss);
}
