/**
 * The trainer: SGD with momentum on a fixed (randomized) training set until a full re-evaluation of
 * the training set reaches 100% accuracy, or a step/epoch budget runs out. Per epoch it appends a
 * row to `metrics.csv` and writes a checkpoint, so a killed run continues with `resume` and loses at
 * most the epoch in progress.
 */
import * as tf from '@tensorflow/tfjs';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { ImageSet } from '../data/images.js';
import type { ApplyOptions, Model } from '../models/zoo.js';
import { cropShifts, epochOrder, gatherBatch, stepsPerEpoch } from './batches.js';
import { MomentumSgd, crossEntropy, learningRate } from './sgd.js';

/** Optimisation settings (Zhang et al. 2017, Appendix A: SGD with momentum 0.9, η₀ 0.1 or 0.01, × 0.95 per epoch). */
export interface TrainOptions {
  /** η₀: 0.01 for MLPs and AlexNet, 0.1 for Inception */
  lr: number;
  /** μ (0.9) */
  momentum: number;
  /** batch size (128) */
  batchSize: number;
  /** γ: learning rate multiplied by γ every `decaySteps` steps (0.95) */
  decay: number;
  /** T (391: one epoch of 50,000 CIFAR images at batch 128) */
  decaySteps: number;
  /** λ on kernels (0: none, as in the randomization runs) */
  weightDecay: number;
  /** dropout rate on hidden fully-connected activations (0: none) */
  dropout: number;
  /** random-crop augmentation: maximum shift in pixels (0: none) */
  cropPad: number;
  /** epoch budget (an epoch is ⌈n / batch⌉ steps) */
  epochs: number;
  /** step budget; null for none */
  maxSteps: number | null;
  /** stop as soon as the training set is fitted (100% on a full re-evaluation) */
  stopWhenFitted: boolean;
  /** the run's seed: batch order, augmentation and dropout streams */
  seed: number;
}

/** One epoch of history (a partial last epoch under maxSteps counts as one). */
export interface EpochRecord {
  epoch: number;
  /** total steps so far */
  steps: number;
  /** mean training loss over this epoch's steps */
  loss: number;
  /** accuracy on a full re-evaluation of the training set (evaluation mode) */
  trainAccuracy: number;
  /** learning rate at the epoch's last step */
  lr: number;
  /** wall time of this epoch, evaluation included */
  ms: number;
}

/** What the trainer returns. */
export interface TrainResult {
  history: EpochRecord[];
  steps: number;
  /** steps until the training set was first fitted; null if never */
  stepsToFit: number | null;
  trainAccuracy: number;
  /** true when this run continued from a checkpoint */
  resumed: boolean;
}

/** Callbacks for logs and progress. */
export interface TrainHooks {
  onEpoch?(record: EpochRecord): void;
  onStep?(stepInEpoch: number, stepsInEpoch: number, epoch: number): void;
}

interface CheckpointMeta {
  format: 'rethink-checkpoint-1';
  epoch: number;
  steps: number;
  stepsToFit: number | null;
  history: EpochRecord[];
  tensors: { name: string; shape: number[]; offset: number }[];
}

/**
 * Accuracy of the model on a set, in evaluation mode, in batches.
 *
 * @returns the fraction of images whose arg-max logit equals the label
 */
export async function evaluate(model: Model, set: ImageSet, batchSize = 500): Promise<number> {
  if (set.n === 0) return NaN;
  const [h, w, c] = set.shape;
  const size = h * w * c;
  let correct = 0;
  for (let from = 0; from < set.n; from += batchSize) {
    const to = Math.min(set.n, from + batchSize);
    const hits = tf.tidy(() => {
      const x = tf.tensor4d(set.images.subarray(from * size, to * size), [to - from, h, w, c]);
      const y = tf.tensor1d(set.labels.subarray(from, to), 'int32');
      return tf.sum(tf.cast(tf.equal(tf.argMax(model.apply(x, { training: false }), 1), y), 'int32'));
    });
    correct += (await hits.data())[0] as number; // data(), not dataSync(): webgpu reads asynchronously
    hits.dispose();
  }
  return correct / set.n;
}

function checkpointTensors(model: Model, sgd: MomentumSgd): { name: string; variable: tf.Variable }[] {
  return [
    ...model.store.params.map((p) => ({ name: p.name, variable: p.variable })),
    ...sgd.velocities.map((v, i) => ({ name: `velocity/${i}`, variable: v })),
  ];
}

async function saveCheckpoint(dir: string, model: Model, sgd: MomentumSgd, meta: Omit<CheckpointMeta, 'tensors' | 'format'>): Promise<void> {
  const entries = checkpointTensors(model, sgd);
  const total = entries.reduce((s, e) => s + e.variable.size, 0);
  const data = new Float32Array(total);
  const tensors: CheckpointMeta['tensors'] = [];
  let offset = 0;
  for (const e of entries) {
    data.set((await e.variable.data()) as Float32Array, offset);
    tensors.push({ name: e.name, shape: e.variable.shape, offset });
    offset += e.variable.size;
  }
  // Write-then-rename: a kill during the write leaves the previous checkpoint intact.
  writeFileSync(join(dir, 'checkpoint.bin.tmp'), new Uint8Array(data.buffer));
  writeFileSync(join(dir, 'checkpoint.json.tmp'), JSON.stringify({ format: 'rethink-checkpoint-1', ...meta, tensors } satisfies CheckpointMeta));
  renameSync(join(dir, 'checkpoint.bin.tmp'), join(dir, 'checkpoint.bin'));
  renameSync(join(dir, 'checkpoint.json.tmp'), join(dir, 'checkpoint.json'));
}

function loadCheckpoint(dir: string, model: Model, sgd: MomentumSgd): CheckpointMeta | null {
  const metaPath = join(dir, 'checkpoint.json');
  if (!existsSync(metaPath)) return null;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMeta;
  if (meta.format !== 'rethink-checkpoint-1') throw new InputError(`${metaPath}: unknown checkpoint format '${String(meta.format)}'`);
  const bytes = readFileSync(join(dir, 'checkpoint.bin'));
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const entries = checkpointTensors(model, sgd);
  if (entries.length !== meta.tensors.length) {
    throw new InputError(`${metaPath}: the checkpoint holds ${meta.tensors.length} tensors, this model ${entries.length}: was it written for another model? Use a fresh --out or drop --resume`);
  }
  entries.forEach((e, i) => {
    const t = meta.tensors[i]!;
    if (t.name !== e.name || t.shape.join('x') !== e.variable.shape.join('x')) {
      throw new InputError(`${metaPath}: tensor ${i} is '${t.name}' (${t.shape.join('×')}), the model expects '${e.name}' (${e.variable.shape.join('×')})`);
    }
    tf.tidy(() => e.variable.assign(tf.tensor(data.slice(t.offset, t.offset + e.variable.size), t.shape)));
  });
  return meta;
}

/**
 * One SGD step on the first `count` images of a gathered batch; returns the batch's mean loss.
 * (Read with `await data()`: dataSync throws on webgpu in Node.)
 */
export async function trainingStep(model: Model, sgd: MomentumSgd, x: Float32Array, labels: Int32Array, count: number, lr: number, apply: ApplyOptions): Promise<number> {
  const [h, w, c] = model.inputShape;
  const loss = tf.tidy(() => {
    const xs = tf.tensor4d(x.subarray(0, count * h * w * c), [count, h, w, c]); // (B, h, w, c)
    const ys = tf.oneHot(tf.tensor1d(labels.subarray(0, count), 'int32'), model.classes) as tf.Tensor2D; // (B, k)
    return sgd.step(() => crossEntropy(model.apply(xs, apply), ys), lr);
  });
  const value = (await loss.data())[0] as number;
  loss.dispose();
  return value;
}

const CSV_HEADER = 'epoch,steps,loss,train_accuracy,lr,ms\n';

/**
 * Trains `model` on `train`.
 *
 * @param model a built model (its weights are updated in place)
 * @param train the (randomized) training set
 * @param options optimisation settings
 * @param outDir directory for metrics.csv and the checkpoint; null for none
 * @param resume continue from the checkpoint in outDir
 * @param hooks per-epoch and per-step callbacks
 * @example
 * const result = await train(buildModel('mlp-1x512', [28, 28, 1], { seed: 1 }), trainSet, options, 'runs/a', false);
 * result.stepsToFit; // e.g. 400
 */
export async function train(model: Model, trainSet: ImageSet, options: TrainOptions, outDir: string | null, resume: boolean, hooks: TrainHooks = {}): Promise<TrainResult> {
  const [h, w, c] = trainSet.shape;
  if (h !== model.inputShape[0] || w !== model.inputShape[1] || c !== model.inputShape[2]) {
    throw new InputError(`model ${model.id} expects ${model.inputShape.join('×')} images, the data are ${trainSet.shape.join('×')}`);
  }
  const sgd = new MomentumSgd(model.store.params, options.momentum, options.weightDecay);
  try {
    let epoch = 0;
    let steps = 0;
    let stepsToFit: number | null = null;
    let history: EpochRecord[] = [];
    let resumed = false;
    if (outDir !== null) {
      mkdirSync(outDir, { recursive: true });
      const meta = resume ? loadCheckpoint(outDir, model, sgd) : null;
      if (meta !== null) {
        ({ epoch, steps, stepsToFit, history } = meta);
        resumed = true;
      }
      // metrics.csv mirrors the checkpointed history: rows of an epoch lost in a kill are dropped.
      writeFileSync(join(outDir, 'metrics.csv'), CSV_HEADER + history.map(csvRow).join(''));
    }
    const size = h * w * c;
    const B = options.batchSize;
    const perEpoch = stepsPerEpoch(trainSet.n, B);
    const xBuf = new Float32Array(B * size);
    const yBuf = new Int32Array(B);
    const fitted = (): boolean => options.stopWhenFitted && stepsToFit !== null;
    const budgetLeft = (): boolean => epoch < options.epochs && (options.maxSteps === null || steps < options.maxSteps);
    while (!fitted() && budgetLeft()) {
      const t0 = performance.now();
      const order = epochOrder(trainSet.n, options.seed, epoch);
      const shift = options.cropPad > 0 ? cropShifts(options.seed, epoch, options.cropPad) : undefined;
      let lossSum = 0;
      let taken = 0;
      let lr = learningRate(steps, options.lr, options.decay, options.decaySteps);
      for (let s = 0; s < perEpoch && (options.maxSteps === null || steps < options.maxSteps); s++) {
        const from = s * B;
        const to = Math.min(trainSet.n, from + B);
        gatherBatch(trainSet, order, from, to, xBuf, yBuf, shift);
        lr = learningRate(steps, options.lr, options.decay, options.decaySteps);
        const stepSeed = (options.seed * 1_000_003 + steps) >>> 0;
        lossSum += await trainingStep(model, sgd, xBuf, yBuf, to - from, lr, { training: true, dropout: options.dropout, seed: stepSeed });
        taken++;
        steps++;
        hooks.onStep?.(s + 1, perEpoch, epoch + 1);
      }
      const trainAccuracy = await evaluate(model, trainSet);
      if (trainAccuracy === 1 && stepsToFit === null) stepsToFit = steps;
      const record: EpochRecord = { epoch: epoch + 1, steps, loss: lossSum / Math.max(taken, 1), trainAccuracy, lr, ms: Math.round(performance.now() - t0) };
      history = [...history, record];
      epoch++;
      if (outDir !== null) {
        appendFileSync(join(outDir, 'metrics.csv'), csvRow(record));
        await saveCheckpoint(outDir, model, sgd, { epoch, steps, stepsToFit, history });
      }
      hooks.onEpoch?.(record);
    }
    const last = history[history.length - 1];
    return { history, steps, stepsToFit, trainAccuracy: last?.trainAccuracy ?? (await evaluate(model, trainSet)), resumed };
  } finally {
    sgd.dispose();
  }
}

function csvRow(r: EpochRecord): string {
  return `${r.epoch},${r.steps},${r.loss},${r.trainAccuracy},${r.lr},${r.ms}\n`;
}
