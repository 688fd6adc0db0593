/**
 * The trainer: SGD with momentum on a fixed (randomized) training set until a full re-evaluation of
 * the training set reaches 100% accuracy, or a step/epoch budget runs out. Per epoch it appends a
 * metrics row to its {@link RunStore}; it writes a checkpoint at the end of an epoch once
 * {@link CHECKPOINT_SECONDS} have passed since the last one, after the last epoch, and — from a copy
 * of the last finished epoch's tensors — when training stops with an error or an interruption. So an
 * interrupted run continues with `resume` and loses only the epoch in progress; a killed one at most
 * `checkpointSeconds` (default CHECKPOINT_SECONDS) more.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError, InterruptedError } from '../errors.js';

export { InterruptedError };
import type { ImageSet } from '../data/images.js';
import type { ApplyOptions, Model } from '../models/zoo.js';
import { cropShifts, epochOrder, gatherBatch, stepsPerEpoch } from './batches.js';
import type { Checkpoint, CheckpointMeta, EpochRecord, RunStore } from './run-store.js';
import { MomentumSgd, crossEntropy, learningRate } from './sgd.js';
import { Rng } from '../random/rng.js';
import { CHECKPOINT_SECONDS } from './defaults.js';

export type { EpochRecord };

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
  /** seconds of training between two checkpoints (default {@link CHECKPOINT_SECONDS}; 0: after every epoch) */
  checkpointSeconds?: number;
  /**
   * identifies the run in its checkpoints (`fit` passes a digest of the settings that define it): a
   * resume refuses a checkpoint that names another run — one copied in from elsewhere would continue
   * with the wrong weights and history and report them as this run's
   */
  runId?: string;
}

/** What the trainer returns. */
export interface TrainResult {
  history: EpochRecord[];
  steps: number;
  /** steps until the training set was first fitted; null if never */
  stepsToFit: number | null;
  trainError: number;
  /** true when this run continued from a checkpoint */
  resumed: boolean;
  /** set when the latest checkpoint was damaged and the run continued from the one before (what happened) */
  fellBack?: string;
}

/** Where training stands, for a progress display: called after each step, and within a step of a conv net after each conv unit's forward and backward pass. */
export interface Progress {
  /** the epoch in progress (1-based) */
  epoch: number;
  /** steps of this epoch completed */
  step: number;
  stepsInEpoch: number;
  /** how much of the step in flight is done, in [0, 1) (0 between steps) */
  stepFraction: number;
}

/** Callbacks for logs and progress, and a signal that stops training between two steps. */
export interface TrainHooks {
  onEpoch?(record: EpochRecord): void;
  onProgress?(progress: Progress): void;
  /** called once a resumed run has restored its checkpoint (with the fallback note when the latest one was damaged), before its first step */
  onResume?(info: { epoch: number; fellBack?: string }): void;
  /** when it is aborted, training stops before the next step with an {@link InterruptedError} */
  signal?: AbortSignal;
  /** the clock (milliseconds) that times the interval between checkpoints; default `performance.now` (tests pass their own) */
  now?(): number;
}

/**
 * Error of the model on a set, in evaluation mode, in batches.
 *
 * @returns the fraction of images whose arg-max logit is not the label
 * @throws InputError on an empty set (there is no error rate to report)
 */
export async function evaluate(model: Model, set: ImageSet, batchSize = 500): Promise<number> {
  if (set.n === 0) throw new InputError('evaluation needs at least one image (the set is empty)');
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
  return (set.n - correct) / set.n;
}

/**
 * The model's predicted class (arg-max logit) for every image of a set, in evaluation mode.
 *
 * @example
 * const yPred = await predict(model, testSet); // (n) classes
 */
export async function predict(model: Model, set: ImageSet, batchSize = 500): Promise<Uint8Array> {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  const out = new Uint8Array(set.n);
  for (let from = 0; from < set.n; from += batchSize) {
    const to = Math.min(set.n, from + batchSize);
    const classes = tf.tidy(() => tf.argMax(model.apply(tf.tensor4d(set.images.subarray(from * size, to * size), [to - from, h, w, c]), { training: false }), 1));
    out.set(await classes.data(), from);
    classes.dispose();
  }
  return out;
}

function checkpointTensors(model: Model, sgd: MomentumSgd): { name: string; variable: tf.Variable }[] {
  return [
    ...model.store.params.map((p) => ({ name: p.name, variable: p.variable })),
    ...sgd.velocities.map((v, i) => ({ name: `velocity/${i}`, variable: v })),
  ];
}

/** The checkpoint's tensors held on the device (copies: the training goes on updating the variables) with its meta-data, not yet read. */
interface Snapshot {
  meta: Omit<CheckpointMeta, 'tensors'>;
  entries: { name: string; variable: tf.Tensor }[];
}

function snapshotOf(model: Model, sgd: MomentumSgd, meta: Omit<CheckpointMeta, 'tensors'>): Snapshot {
  return { meta, entries: checkpointTensors(model, sgd).map((e) => ({ name: e.name, variable: tf.clone(e.variable) })) };
}

function disposeSnapshot(s: Snapshot | null): void {
  for (const e of s?.entries ?? []) e.variable.dispose();
}

async function checkpointOf(model: Model, sgd: MomentumSgd, meta: Omit<CheckpointMeta, 'tensors'>): Promise<Checkpoint> {
  return read({ meta, entries: checkpointTensors(model, sgd) });
}

async function read({ meta, entries }: Snapshot): Promise<Checkpoint> {
  const data = new Float32Array(entries.reduce((s, e) => s + e.variable.size, 0));
  const tensors: CheckpointMeta['tensors'] = [];
  let offset = 0;
  for (const e of entries) {
    data.set((await e.variable.data()) as Float32Array, offset);
    tensors.push({ name: e.name, shape: e.variable.shape, offset });
    offset += e.variable.size;
  }
  return { meta: { ...meta, tensors }, data };
}

function restore(checkpoint: Checkpoint, model: Model, sgd: MomentumSgd, where: string): void {
  const { meta, data } = checkpoint;
  const entries = checkpointTensors(model, sgd);
  if (entries.length !== meta.tensors.length) {
    throw new InputError(`${where}: the checkpoint holds ${meta.tensors.length} tensors, this model ${entries.length}: was it written for another model? Use a fresh --out or drop --resume`);
  }
  entries.forEach((e, i) => {
    const t = meta.tensors[i]!;
    if (t.name !== e.name || t.shape.join('x') !== e.variable.shape.join('x') || t.offset + e.variable.size > data.length) {
      throw new InputError(`${where}: tensor ${i} is '${t.name}' (${t.shape.join('×')}), the model expects '${e.name}' (${e.variable.shape.join('×')})`);
    }
  });
  entries.forEach((e, i) => {
    const t = meta.tensors[i]!;
    tf.tidy(() => e.variable.assign(tf.tensor(data.subarray(t.offset, t.offset + e.variable.size), t.shape)));
  });
}

/**
 * One SGD step on the first `count` images of a gathered batch; returns the batch's mean loss as a
 * scalar tensor that the caller reads (or not) and disposes — nothing waits for the device here.
 *
 * @example
 * const loss = trainingStepLoss(model, sgd, x, labels, 128, 0.01, { training: true });
 * const value = (await loss.data())[0]; loss.dispose();
 */
export function trainingStepLoss(model: Model, sgd: MomentumSgd, x: Float32Array, labels: Int32Array, count: number, lr: number, apply: ApplyOptions): tf.Scalar {
  const [h, w, c] = model.inputShape;
  return tf.tidy(() => {
    const xs = tf.tensor4d(x.subarray(0, count * h * w * c), [count, h, w, c]); // (B, h, w, c)
    const ys = tf.oneHot(tf.tensor1d(labels.subarray(0, count), 'int32'), model.classes) as tf.Tensor2D; // (B, k)
    return sgd.step(() => crossEntropy(model.apply(xs, apply), ys), lr);
  });
}

/**
 * The next epoch's step computed ahead, nothing updated yet: its loss, its gradients and how many of
 * its images the current weights misclassify. When an epoch is one batch, that batch is the whole
 * training set, so with no dropout, no BatchNorm and no augmentation (training mode then computes
 * what evaluation mode does) the misclassified count is the full re-evaluation that ends the epoch
 * before it — one forward pass over the set less per epoch (small AlexNet on 40 images: a forward
 * pass is about a third of a step; bench/records/training.md).
 */
interface StepAhead {
  loss: tf.Scalar;
  grads: tf.NamedTensorMap;
  wrong: tf.Scalar;
  lr: number;
}

/**
 * Whether the next epoch's step, computed ahead, re-evaluates the training set (see StepAhead): one
 * batch per epoch, no dropout, no random crops, and only kernels and biases (no BatchNorm, whose
 * training mode normalizes with the batch's statistics) — training mode then computes what evaluation
 * mode does.
 *
 * @example
 * stepAheadEvaluates(buildModel('small-alexnet', [28, 28, 1], { seed: 1 }), 40, { batchSize: 128, dropout: 0, cropPad: 0 }); // true
 */
export function stepAheadEvaluates(model: Model, n: number, options: Pick<TrainOptions, 'batchSize' | 'dropout' | 'cropPad'>): boolean {
  return stepsPerEpoch(n, options.batchSize) === 1 && options.dropout === 0 && options.cropPad === 0 && model.store.params.every((p) => p.kind === 'weight');
}

function stepAhead(model: Model, sgd: MomentumSgd, x: Float32Array, labels: Int32Array, count: number, lr: number, apply: ApplyOptions): StepAhead {
  const [h, w, c] = model.inputShape;
  const out = tf.tidy(() => {
    const xs = tf.tensor4d(x.subarray(0, count * h * w * c), [count, h, w, c]); // (B, h, w, c)
    const y = tf.tensor1d(labels.subarray(0, count), 'int32'); // (B)
    const ys = tf.oneHot(y, model.classes) as tf.Tensor2D; // (B, k): made out here, as the loss's gradient reads it after the closure's tensors are gone
    let wrong: tf.Scalar | null = null;
    const { value, grads } = sgd.gradients(() => {
      const logits = model.apply(xs, apply); // (B, k)
      wrong = tf.keep(tf.sum(tf.cast(tf.notEqual(tf.argMax(logits, 1), y), 'int32')) as tf.Scalar);
      return crossEntropy(logits, ys);
    });
    return { loss: value, grads, wrong: wrong! as tf.Scalar };
  });
  return { ...out, lr };
}

/**
 * {@link trainingStepLoss}, read: returns the batch's mean loss as a number (one wait for the device).
 * (Read with `await data()`: dataSync throws on webgpu in Node.)
 */
export async function trainingStep(model: Model, sgd: MomentumSgd, x: Float32Array, labels: Int32Array, count: number, lr: number, apply: ApplyOptions): Promise<number> {
  const loss = trainingStepLoss(model, sgd, x, labels, count, lr, apply);
  const value = (await loss.data())[0] as number;
  loss.dispose();
  return value;
}

/**
 * Steps between two reads of the step losses in {@link train}: a read waits for the device to finish
 * the queued work (on webgpu, a stall of its command queue; not measured here, where no GPU is lent),
 * so the losses stay on it and are read LOSS_READS_EVERY at a time, at the end of each epoch, and
 * before an interruption. A non-finite loss is still reported with its own step; the steps taken after
 * it and before the read are lost with the rest of the epoch (its checkpoint is never written).
 */
export const LOSS_READS_EVERY = 16;

/**
 * Trains `model` on `train`.
 *
 * @param model a built model (its weights are updated in place)
 * @param train the (randomized) training set
 * @param options optimisation settings
 * @param store where metrics and checkpoints go ({@link DirectoryRunStore}, {@link MemoryRunStore}); null for nowhere
 * @param resume continue from the store's latest checkpoint (none there: start from the beginning)
 * @param hooks per-epoch and progress callbacks, and an abort signal
 * @throws InputError when the loss becomes non-finite (the learning rate is too large) — the
 *   checkpoint of the last finished epoch stays; InterruptedError when the signal is aborted
 * @example
 * const result = await train(buildModel('mlp-1x512', [28, 28, 1], { seed: 1 }), trainSet, options, new DirectoryRunStore('runs/a'), false);
 * result.stepsToFit; // e.g. 400
 */
export async function train(model: Model, trainSet: ImageSet, options: TrainOptions, store: RunStore | null, resume: boolean, hooks: TrainHooks = {}): Promise<TrainResult> {
  const [h, w, c] = trainSet.shape;
  if (h !== model.inputShape[0] || w !== model.inputShape[1] || c !== model.inputShape[2]) {
    throw new InputError(`model ${model.id} expects ${model.inputShape.join('×')} images, the data are ${trainSet.shape.join('×')}`);
  }
  const sgd = new MomentumSgd(model.store.params, options.momentum, options.weightDecay, (name) => model.spec.decays(name));
  try {
    let epoch = 0;
    let steps = 0;
    let stepsToFit: number | null = null;
    let history: EpochRecord[] = [];
    let resumed = false;
    let fellBack: string | undefined;
    if (store !== null) {
      const checkpoint = resume ? store.loadCheckpoint() : null;
      if (checkpoint !== null && checkpoint.meta.run !== undefined && options.runId !== undefined && checkpoint.meta.run !== options.runId) {
        throw new InputError(`${store.location}: its checkpoint was written by another run (run ${checkpoint.meta.run}; the settings in this directory make run ${options.runId}): a checkpoint copied from elsewhere? Put this run's checkpoint back, or start the run over with --force`);
      }
      if (checkpoint !== null) {
        restore(checkpoint, model, sgd, store.location);
        ({ epoch, steps, stepsToFit, history } = checkpoint.meta);
        resumed = true;
        fellBack = checkpoint.fellBack;
        hooks.onResume?.({ epoch, ...(fellBack !== undefined ? { fellBack } : {}) });
      }
      // The metrics mirror the checkpointed history: rows of an epoch lost in a kill are dropped.
      store.writeMetrics(history);
    }
    const size = h * w * c;
    const B = options.batchSize;
    const perEpoch = stepsPerEpoch(trainSet.n, B);
    const xBuf = new Float32Array(B * size);
    const yBuf = new Int32Array(B);
    const fitted = (): boolean => options.stopWhenFitted && stepsToFit !== null;
    const budgetLeft = (): boolean => epoch < options.epochs && (options.maxSteps === null || steps < options.maxSteps);
    const units = 2 * model.units; // forward and backward pass of each conv unit
    const dropoutStream = new Rng(options.seed).fork('dropout');
    const checkpointMs = 1000 * (options.checkpointSeconds ?? CHECKPOINT_SECONDS);
    const now = hooks.now ?? (() => performance.now());
    let lastCheckpoint = now();
    // The last finished epoch when it is not on disk yet: written if training stops before the next checkpoint.
    let unsaved: Snapshot | null = null;
    // One batch per epoch, and training mode computing what evaluation mode does: the next epoch's
    // step, computed ahead, re-evaluates the set for the epoch before it (see StepAhead).
    const aheadEvaluates = stepAheadEvaluates(model, trainSet.n, options);
    let ahead: StepAhead | null = null;
    const dropAhead = (): void => {
      if (ahead !== null) tf.dispose([ahead.loss, ahead.wrong, ...Object.values(ahead.grads)]);
      ahead = null;
    };
    try {
      while (!fitted() && budgetLeft()) {
        const t0 = performance.now();
        const order = epochOrder(trainSet.n, options.seed, epoch);
        const shift = options.cropPad > 0 ? cropShifts(options.seed, epoch, options.cropPad) : undefined;
        let lossSum = 0;
        let taken = 0;
        let lr = learningRate(steps, options.lr, options.decay, options.decaySteps);
        // Losses of steps not read yet (see LOSS_READS_EVERY), each with its step number and rate.
        let pending: { loss: tf.Scalar; step: number; lr: number }[] = [];
        const readLosses = async (): Promise<void> => {
          if (pending.length === 0) return;
          const batch = pending;
          pending = [];
          let values: Float32Array;
          let stacked: tf.Tensor | null = null;
          try {
            stacked = tf.stack(batch.map((p) => p.loss)); // (pending)
            values = (await stacked.data()) as Float32Array;
          } finally {
            stacked?.dispose();
            for (const p of batch) p.loss.dispose();
          }
          batch.forEach(({ step, lr: rate }, i) => {
            const loss = values[i]!;
            if (!Number.isFinite(loss)) {
              throw new InputError(
                `the training loss became ${loss} at step ${step} (epoch ${epoch + 1}, learning rate ${rate}): the learning rate is too large for this model; lower --lr ` +
                  `(the paper's: 0.1 for Inception, 0.01 otherwise)${store !== null ? `: start the run in ${store.location} over with a lower --lr and --force (a run keeps its learning rate, so ${epoch > 0 ? `its checkpoint of epoch ${epoch}` : 'it'} cannot continue with another)` : ''}`,
              );
            }
            lossSum += loss; // in step order, as each was read
          });
        };
        try {
          for (let s = 0; s < perEpoch && (options.maxSteps === null || steps < options.maxSteps); s++) {
            // A turn of the event loop, so that a signal (delivered as an event) can abort between steps:
            // the step itself only awaits already-resolved promises on the CPU backends.
            if (hooks.signal !== undefined) await new Promise((resolve) => setImmediate(resolve));
            if (hooks.signal?.aborted === true) {
              await readLosses(); // a non-finite loss already taken is the error to report, not the interruption
              throw new InterruptedError(epoch);
            }
            lr = learningRate(steps, options.lr, options.decay, options.decaySteps);
            if (ahead !== null) {
              // computed at the end of the epoch before, from these weights, this batch and this rate
              const a: StepAhead = ahead;
              ahead = null;
              tf.dispose(a.wrong);
              sgd.update(a.grads, a.lr);
              pending.push({ loss: a.loss, step: steps + 1, lr: a.lr });
            } else {
              const from = s * B;
              const to = Math.min(trainSet.n, from + B);
              gatherBatch(trainSet, order, from, to, xBuf, yBuf, shift);
              const stepSeed = dropoutStream.fork(String(steps)).nextUint32(); // a function of (seed, step): resumes exactly
              let unitsDone = 0;
              const onUnit =
                hooks.onProgress !== undefined && units > 0
                  ? () => hooks.onProgress?.({ epoch: epoch + 1, step: s, stepsInEpoch: perEpoch, stepFraction: Math.min(++unitsDone / units, 0.999) })
                  : undefined;
              pending.push({ loss: trainingStepLoss(model, sgd, xBuf, yBuf, to - from, lr, { training: true, dropout: options.dropout, seed: stepSeed, ...(onUnit ? { onUnit } : {}) }), step: steps + 1, lr });
            }
            if (pending.length >= LOSS_READS_EVERY) await readLosses();
            taken++;
            steps++;
            hooks.onProgress?.({ epoch: epoch + 1, step: s + 1, stepsInEpoch: perEpoch, stepFraction: 0 });
          }
          await readLosses();
        } finally {
          for (const p of pending) p.loss.dispose();
        }
        let trainError: number;
        if (aheadEvaluates && epoch + 1 < options.epochs && (options.maxSteps === null || steps < options.maxSteps)) {
          gatherBatch(trainSet, epochOrder(trainSet.n, options.seed, epoch + 1), 0, trainSet.n, xBuf, yBuf);
          const next = stepAhead(model, sgd, xBuf, yBuf, trainSet.n, learningRate(steps, options.lr, options.decay, options.decaySteps), { training: true });
          ahead = next;
          trainError = ((await next.wrong.data())[0] as number) / trainSet.n;
        } else trainError = await evaluate(model, trainSet);
        if (trainError === 0 && stepsToFit === null) stepsToFit = steps;
        const record: EpochRecord = { epoch: epoch + 1, steps, loss: lossSum / Math.max(taken, 1), trainError, lr, ms: Math.round(performance.now() - t0) };
        history = [...history, record];
        epoch++;
        if (store !== null) {
          store.appendMetrics(record);
          const meta = { epoch, steps, stepsToFit, history, ...(options.runId !== undefined ? { run: options.runId } : {}) };
          disposeSnapshot(unsaved);
          unsaved = null;
          if (fitted() || !budgetLeft() || now() - lastCheckpoint >= checkpointMs) {
            store.saveCheckpoint(await checkpointOf(model, sgd, meta));
            lastCheckpoint = now();
          } else unsaved = snapshotOf(model, sgd, meta);
        }
        hooks.onEpoch?.(record);
      }
    } catch (err) {
      // Nothing already computed is lost: the last finished epoch goes to disk before the error does.
      if (store !== null && unsaved !== null) {
        const last = unsaved;
        unsaved = null;
        try {
          store.saveCheckpoint(await read(last));
        } catch (writeErr) {
          // The error to report is the one that stopped training; this one is said beside it, since a
          // resume will then start from an older checkpoint than the caller's message implies.
          process.stderr.write(`note: the checkpoint of epoch ${last.meta.epoch} could not be written (${(writeErr as Error).message.split('\n')[0]}); a resume continues from the last checkpoint on disk\n`);
        } finally {
          disposeSnapshot(last);
        }
      }
      throw err;
    } finally {
      disposeSnapshot(unsaved);
      dropAhead();
    }
    const last = history[history.length - 1];
    return { history, steps, stepsToFit, trainError: last?.trainError ?? (await evaluate(model, trainSet)), resumed, ...(fellBack !== undefined ? { fellBack } : {}) };
  } finally {
    sgd.dispose();
  }
}
