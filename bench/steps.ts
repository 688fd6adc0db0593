/** Training steps of batch 128 for the benches (bench/training.ts, bench/engine.ts): one seeded model on one set. */
import type { ImageSet } from '../src/data/images.js';
import { buildModel, type Model, type ModelId } from '../src/models/zoo.js';
import { MomentumSgd } from '../src/training/sgd.js';
import { trainingStep } from '../src/training/trainer.js';
import { epochOrder, gatherBatch, stepsPerEpoch } from '../src/training/batches.js';

/** A model, its optimizer, and `step(s)`: SGD step s of an epoch (batches in a seeded order, cycling). */
export interface Stepper {
  model: Model;
  /** images per step (the last step of an epoch may take fewer) */
  batch: number;
  /** steps per epoch, the partial last one included */
  perEpoch: number;
  step(s: number): Promise<void>;
  dispose(): void;
}

/** The benches' batch size (the paper's). */
export const BENCH_BATCH = 128;

export function stepper(id: ModelId, set: ImageSet): Stepper {
  const model = buildModel(id, set.shape, { seed: 1 });
  const sgd = new MomentumSgd(model.store.params, 0.9, 0);
  const B = BENCH_BATCH;
  const [h, w, c] = set.shape;
  const x = new Float32Array(B * h * w * c);
  const y = new Int32Array(B);
  const order = epochOrder(set.n, 1, 0);
  const perEpoch = stepsPerEpoch(set.n, B);
  return {
    model,
    batch: B,
    perEpoch,
    async step(s) {
      const from = (s % perEpoch) * B;
      const to = Math.min(set.n, from + B);
      gatherBatch(set, order, from, to, x, y);
      await trainingStep(model, sgd, x, y, to - from, 0.01, { training: true });
    },
    dispose() {
      sgd.dispose();
      model.dispose();
    },
  };
}

/** Effective GFLOP/s of an epoch: 6 × the registry's multiply-adds per image (forward and the two backward products) × n, per second. */
export function effectiveGflops(model: Model, set: ImageSet, msPerEpoch: number): number {
  return (6 * model.spec.macsPerExample(set.shape, set.classes) * set.n) / (msPerEpoch * 1e6);
}
