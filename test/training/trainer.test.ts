/**
 * The trainer: fits random labels, is deterministic for a seed and backend, resumes from a
 * checkpoint exactly, leaks no tensors, and trains the same on wasm (with the project's kernels) as
 * on the cpu reference backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from '../../src/engine/backend.js';
import { loadDataset } from '../../src/data/dataset.js';
import type { ImageSet } from '../../src/data/images.js';
import { MODEL_IDS, buildModel, type ModelId } from '../../src/models/zoo.js';
import { Rng } from '../../src/random/rng.js';
import { LOSS_READS_EVERY, evaluate, stepAheadEvaluates, train, trainingStep, type TrainHooks, type TrainOptions } from '../../src/training/trainer.js';
import { MomentumSgd, learningRate } from '../../src/training/sgd.js';
import { epochOrder, gatherBatch } from '../../src/training/batches.js';
import { DirectoryRunStore } from '../../src/training/run-store.js';
import { FIT_DEFAULTS, fit } from '../../src/training/fit.js';
import { lossesOn, options, tiny } from '../helpers/training.js';


let small: ImageSet;
beforeAll(async () => {
  await startBackend('wasm');
  small = loadDataset({ source: 'synthetic', n: 96, seed: 3, randomization: 'random-labels', test: false }).images('train');
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'rethink-train-'));
}

describe('trainer', () => {
  it('MLP 1×512 fits 300 random-labelled MNIST images (train accuracy 1, test accuracy near chance)', async () => {
    const r = await fit({ ...FIT_DEFAULTS, data: 'mnist', n: 300, testN: 2000, model: 'mlp-1x512', randomization: 'random-labels', backend: 'wasm', seed: 3, out: null });
    expect(r.trainError).toBe(0);
    expect(r.stepsToFit).toBe(r.steps);
    expect(r.history.at(-1)!.trainError).toBe(0);
    expect(r.history.slice(0, -1).every((h) => h.trainError > 0)).toBe(true); // it stopped at the first fit
    expect(r.labelsChanged).toBeGreaterThan(0.8);
    expect(r.testError).toBeGreaterThan(0.8); // chance is 0.9 error: nothing about the test set was learned
    expect(r.parameterCount).toBe(407_050);
  });

  it('the same seed and backend give the same losses; another seed does not', async () => {
    const run = async (seed: number) => {
      const m = buildModel('mlp-1x512', [28, 28, 1], { seed });
      const r = await train(m, small, options({ seed }), null, false);
      m.dispose();
      return r.history.map((h) => h.loss);
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('a run stopped after 2 epochs and resumed to 4 equals an uninterrupted 4-epoch run (weights, velocities, BN state)', async () => {
    for (const id of ['mlp-1x512', 'small-inception'] as ModelId[]) {
      const set = id === 'mlp-1x512' ? small : tiny(24, 8);
      const straight = buildModel(id, set.shape, { seed: 9 });
      const full = await train(straight, set, options({ epochs: 4, batchSize: 12 }), null, false);
      straight.dispose();
      const dir = tmp();
      try {
        const first = buildModel(id, set.shape, { seed: 9 });
        await train(first, set, options({ epochs: 2, batchSize: 12 }), new DirectoryRunStore(dir), false);
        first.dispose();
        // A kill after epoch 3 had started would leave a row the checkpoint does not know: resume drops it.
        appendFileSync(join(dir, 'metrics.csv'), '3,99,0.5,0.5,0.01,1\n');
        const second = buildModel(id, set.shape, { seed: 9 });
        const resumed = await train(second, set, options({ epochs: 4, batchSize: 12 }), new DirectoryRunStore(dir), true);
        second.dispose();
        expect(resumed.resumed).toBe(true);
        expect(resumed.history.map((h) => [h.loss, h.trainError])).toEqual(full.history.map((h) => [h.loss, h.trainError]));
        const csv = readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
        expect(csv.length).toBe(1 + 4);
        expect(csv.map((line) => line.split(',')[0])).toEqual(['epoch', '1', '2', '3', '4']);
        expect(csv).not.toContain('3,99,0.5,0.5,0.01,1');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('checkpoints: after the last epoch, and every checkpointSeconds (0: every epoch); an interrupt writes the last finished epoch', async () => {
    const checkpointEpoch = (dir: string, name: string): number | null => {
      const path = join(dir, name);
      if (!existsSync(path)) return null;
      const bytes = readFileSync(path);
      const headerLength = bytes.readUInt32LE(8);
      return (JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as { epoch: number }).epoch;
    };
    const run = async (o: Partial<TrainOptions>, hooks: TrainHooks = {}): Promise<string> => {
      const dir = tmp();
      const m = buildModel('mlp-1x512', [28, 28, 1], { seed: 9 });
      try {
        await train(m, small, options({ epochs: 3, ...o }), new DirectoryRunStore(dir), false, hooks).catch((e: Error) => expect(['InterruptedError', 'InputError']).toContain(e.name));
      } finally {
        m.dispose();
      }
      return dir;
    };
    const dirs: string[] = [];
    try {
      // The default interval (seconds) is far longer than these epochs: one checkpoint, of the last epoch.
      dirs.push(await run({}));
      expect([checkpointEpoch(dirs[0]!, 'checkpoint.bin'), checkpointEpoch(dirs[0]!, 'checkpoint.prev.bin')]).toEqual([3, null]);
      dirs.push(await run({ checkpointSeconds: 0 }));
      expect([checkpointEpoch(dirs[1]!, 'checkpoint.bin'), checkpointEpoch(dirs[1]!, 'checkpoint.prev.bin')]).toEqual([3, 2]);
      // A clock that reads 4 s per epoch, 10 s between checkpoints: epoch 3 (12 s), then the last, 5 (20 s; 8 s after it).
      let epochsStarted = 0;
      dirs.push(await run({ epochs: 5, checkpointSeconds: 10 }, { now: () => 4000 * epochsStarted, onProgress: (p) => p.step === 1 && p.stepFraction === 0 && epochsStarted++ }));
      expect([checkpointEpoch(dirs[2]!, 'checkpoint.bin'), checkpointEpoch(dirs[2]!, 'checkpoint.prev.bin')]).toEqual([5, 3]);
      // Interrupted in epoch 3: epoch 2, finished but not written, is written before the error.
      const before = tf.memory().numTensors;
      const aborting = new AbortController();
      dirs.push(await run({ epochs: 5 }, { signal: aborting.signal, onProgress: (p) => p.epoch === 3 && p.step === 1 && aborting.abort() }));
      expect(aborting.signal.aborted).toBe(true);
      expect([checkpointEpoch(dirs[3]!, 'checkpoint.bin'), checkpointEpoch(dirs[3]!, 'checkpoint.prev.bin')]).toEqual([2, null]);
      expect(tf.memory().numTensors).toBe(before); // the epoch's copy of the tensors is freed
      // A loss that turns non-finite (η × 10⁶ from step 7, epoch 3 on): the last finished epoch is written before the error.
      dirs.push(await run({ epochs: 6, batchSize: 32, lr: 0.01, decay: 1e6, decaySteps: 6 }));
      const finished = readFileSync(join(dirs[4]!, 'metrics.csv'), 'utf8').trim().split('\n').length - 1;
      expect(finished).toBeGreaterThanOrEqual(2);
      expect(finished).toBeLessThan(6); // it did stop on the error
      expect([checkpointEpoch(dirs[4]!, 'checkpoint.bin'), checkpointEpoch(dirs[4]!, 'checkpoint.prev.bin')]).toEqual([finished, null]);
      // …and it is that epoch's state: resuming it to 3 epochs gives the uninterrupted run's losses.
      const m = buildModel('mlp-1x512', [28, 28, 1], { seed: 9 });
      const resumed = await train(m, small, options({ epochs: 3 }), new DirectoryRunStore(dirs[3]!), true);
      m.dispose();
      const straight = buildModel('mlp-1x512', [28, 28, 1], { seed: 9 });
      const full = await train(straight, small, options({ epochs: 3 }), null, false);
      straight.dispose();
      expect(resumed.resumed).toBe(true);
      expect(resumed.history.map((h) => h.loss)).toEqual(full.history.map((h) => h.loss));
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  it('resuming refuses a checkpoint that names another run (runId); one without a name, or the same, continues', async () => {
    const dir = tmp();
    try {
      const a = buildModel('mlp-1x512', [28, 28, 1], { seed: 1 });
      await train(a, small, options({ epochs: 1, runId: 'run-a' }), new DirectoryRunStore(dir), false);
      a.dispose();
      const again = async (runId: string | undefined) => {
        const m = buildModel('mlp-1x512', [28, 28, 1], { seed: 1 });
        try {
          return await train(m, small, options({ epochs: 2, ...(runId !== undefined ? { runId } : {}) }), new DirectoryRunStore(dir), true);
        } finally {
          m.dispose();
        }
      };
      await expect(again('run-b')).rejects.toThrow(/its checkpoint was written by another run \(run run-a; the settings in this directory make run run-b\)/);
      expect((await again(undefined)).resumed).toBe(true); // a library caller that names no run
      expect((await again('run-a')).resumed).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resuming with a checkpoint of another model is refused with the reason', async () => {
    const dir = tmp();
    try {
      const a = buildModel('mlp-1x512', [28, 28, 1], { seed: 1 });
      await train(a, small, options({ epochs: 1 }), new DirectoryRunStore(dir), false);
      a.dispose();
      const b = buildModel('mlp-3x512', [28, 28, 1], { seed: 1 });
      await expect(train(b, small, options({ epochs: 2 }), new DirectoryRunStore(dir), true)).rejects.toThrow(/checkpoint holds 8 tensors, this model 16/);
      b.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the tensor count is flat across epochs (no leaks), BatchNorm and dropout included', async () => {
    const m = buildModel('small-inception', [8, 8, 1], { seed: 1 });
    const o = options({ epochs: 3, batchSize: 8, dropout: 0.3, cropPad: 2 });
    await train(m, tiny(16, 8), o, null, false); // warm-up: tfjs creates a few tensors once per process
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await train(m, tiny(16, 8), o, null, false, { onEpoch: () => counts.push(tf.memory().numTensors) });
    expect(counts.length).toBe(3);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before); // the velocities are freed at the end
    m.dispose();
  });

  /** The steps of train()'s first epoch one by one, each loss read as it is taken: [loss of each step]. */
  async function stepByStep(set: ImageSet, o: ReturnType<typeof options>, steps: number): Promise<number[]> {
    const m = buildModel('mlp-1x512', [28, 28, 1], { seed: o.seed });
    const sgd = new MomentumSgd(m.store.params, o.momentum, o.weightDecay, (name) => m.spec.decays(name));
    const order = epochOrder(set.n, o.seed, 0);
    const x = new Float32Array(o.batchSize * 784);
    const y = new Int32Array(o.batchSize);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const to = Math.min(set.n, (s + 1) * o.batchSize);
      gatherBatch(set, order, s * o.batchSize, to, x, y);
      losses.push(await trainingStep(m, sgd, x, y, to - s * o.batchSize, learningRate(s, o.lr, o.decay, o.decaySteps), { training: true, dropout: 0 }));
    }
    sgd.dispose();
    m.dispose();
    return losses;
  }

  it('the step losses, read LOSS_READS_EVERY at a time, average to the same epoch loss as reading each step', async () => {
    const o = options({ epochs: 1, batchSize: 4 }); // 24 steps: one full read window and a partial one
    expect(small.n / o.batchSize).toBeGreaterThan(LOSS_READS_EVERY);
    const m = buildModel('mlp-1x512', [28, 28, 1], { seed: o.seed });
    const before = tf.memory().numTensors;
    const r = await train(m, small, o, null, false);
    expect(tf.memory().numTensors).toBe(before); // every step's loss tensor was disposed
    m.dispose();
    const losses = await stepByStep(small, o, small.n / o.batchSize);
    expect(r.history[0]!.loss).toBe(losses.reduce((a, b) => a + b, 0) / losses.length);
  });

  it('a loss that turns non-finite inside a read window is reported at its own step, and no tensor is left', async () => {
    const o = options({ epochs: 1, batchSize: 4, lr: 0.05, decay: 1e6, decaySteps: 1 }); // η grows ×10⁶ a step
    const losses = await stepByStep(small, o, small.n / o.batchSize);
    const first = losses.findIndex((l) => !Number.isFinite(l)) + 1;
    expect(first).toBeGreaterThan(1); // finite at first: the bad step is inside the window, not its first
    expect(first).toBeLessThan(LOSS_READS_EVERY);
    const m = buildModel('mlp-1x512', [28, 28, 1], { seed: o.seed });
    const before = tf.memory().numTensors;
    const error = await train(m, small, o, null, false).then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/^the training loss became (NaN|-?Infinity) at step \d+ /);
    expect(error?.message).toContain(` at step ${first} (epoch 1, learning rate ${learningRate(first - 1, o.lr, o.decay, o.decaySteps)}): `);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('a step budget or an abort inside a read window: every loss taken is counted, none is left on the device', async () => {
    const o = options({ epochs: 1, batchSize: 4, maxSteps: 19 }); // stops 3 steps into the second window
    const before = tf.memory().numTensors;
    const m = buildModel('mlp-1x512', [28, 28, 1], { seed: o.seed });
    const r = await train(m, small, o, null, false);
    m.dispose();
    const losses = await stepByStep(small, o, 19);
    expect(r.history[0]!.loss).toBe(losses.reduce((a, b) => a + b, 0) / 19);
    const aborting = new AbortController();
    const m2 = buildModel('mlp-1x512', [28, 28, 1], { seed: o.seed });
    const error = await train(m2, small, options({ epochs: 1, batchSize: 4 }), null, false, {
      signal: aborting.signal,
      onProgress: (p) => p.step === 7 && p.stepFraction === 0 && aborting.abort(),
    }).then(() => null, (e: Error) => e);
    expect(error?.name).toBe('InterruptedError');
    m2.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an abort after a non-finite loss reports the loss, not the interruption', async () => {
    const o = options({ epochs: 1, batchSize: 4, lr: 0.05, decay: 1e6, decaySteps: 1 });
    const first = (await stepByStep(small, o, 12)).findIndex((l) => !Number.isFinite(l)) + 1;
    expect(first).toBeGreaterThan(1);
    const aborting = new AbortController();
    const m = buildModel('mlp-1x512', [28, 28, 1], { seed: o.seed });
    const error = await train(m, small, o, null, false, { signal: aborting.signal, onProgress: (p) => p.step === first + 2 && aborting.abort() }).then(
      () => null,
      (e: Error) => e,
    );
    m.dispose();
    expect(error?.message).toContain(`the training loss became`);
    expect(error?.message).toContain(` at step ${first} (epoch 1,`);
  });

  it('one batch per epoch: the next step, computed ahead, re-evaluates the set — the same history, stop and weights as a step, then a full evaluation, per epoch', async () => {
    // 40 true-labelled MNIST images, batch 64: it fits after a few epochs, so the run stops at an
    // epoch whose step ahead was computed and must not be applied.
    const set = loadDataset({ source: 'mnist', n: 40, seed: 2, test: false }).images('train');
    const o = options({ epochs: 30, batchSize: 64, lr: 0.05, decay: 0.97, decaySteps: 1, stopWhenFitted: true }); // a new rate every step
    const before = tf.memory().numTensors;
    const m = buildModel('mlp-1x512', [28, 28, 1], { seed: o.seed });
    const r = await train(m, set, o, null, false);
    // The reference: the trainer's loop as it is for several batches an epoch.
    const ref = buildModel('mlp-1x512', [28, 28, 1], { seed: o.seed });
    const sgd = new MomentumSgd(ref.store.params, o.momentum, o.weightDecay, (name) => ref.spec.decays(name));
    const [x, y] = [new Float32Array(64 * 784), new Int32Array(64)];
    const history: { loss: number; trainError: number }[] = [];
    for (let e = 0; e < o.epochs; e++) {
      gatherBatch(set, epochOrder(set.n, o.seed, e), 0, set.n, x, y);
      const loss = await trainingStep(ref, sgd, x, y, set.n, learningRate(e, o.lr, o.decay, o.decaySteps), { training: true, dropout: 0 });
      history.push({ loss, trainError: await evaluate(ref, set) });
      if (history.at(-1)!.trainError === 0) break;
    }
    expect(r.stepsToFit).not.toBeNull();
    expect(r.history.length).toBeGreaterThan(2);
    expect(r.history.length).toBeLessThan(o.epochs); // it stopped at the fit, with a step ahead in hand
    expect(r.history.map((h) => [h.loss, h.trainError])).toEqual(history.map((h) => [h.loss, h.trainError]));
    for (const [i, p] of m.store.params.entries()) expect(Array.from(await p.variable.data())).toEqual(Array.from(await ref.store.params[i]!.variable.data()));
    sgd.dispose();
    ref.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before); // the unapplied step's loss, gradients and count are gone
  });

  it('the step ahead is taken only where training mode computes what evaluation mode does: one batch an epoch, no dropout, no crops, no BatchNorm', () => {
    const o = { batchSize: 64, dropout: 0, cropPad: 0 };
    const models = Object.fromEntries((['mlp-1x512', 'small-alexnet', 'small-inception', 'small-inception-no-bn'] as ModelId[]).map((id) => [id, buildModel(id, [28, 28, 1], { seed: 1 })]));
    expect(stepAheadEvaluates(models['mlp-1x512']!, 64, o)).toBe(true);
    expect(stepAheadEvaluates(models['small-alexnet']!, 40, o)).toBe(true);
    expect(stepAheadEvaluates(models['small-inception-no-bn']!, 40, o)).toBe(true);
    expect(stepAheadEvaluates(models['small-inception']!, 40, o)).toBe(false); // BatchNorm: batch statistics in training mode
    expect(stepAheadEvaluates(models['mlp-1x512']!, 65, o)).toBe(false); // two batches an epoch
    expect(stepAheadEvaluates(models['mlp-1x512']!, 64, { ...o, dropout: 0.5 })).toBe(false);
    expect(stepAheadEvaluates(models['mlp-1x512']!, 64, { ...o, cropPad: 4 })).toBe(false);
    for (const m of Object.values(models)) m.dispose();
  });

  it('a checkpoint written while a step ahead is held, interrupted there and resumed, ends as the uninterrupted run (history and weights)', async () => {
    const set = loadDataset({ source: 'mnist', n: 40, seed: 4, randomization: 'random-labels', test: false }).images('train');
    const o = options({ epochs: 5, batchSize: 64, checkpointSeconds: 0 });
    const straight = buildModel('mlp-1x512', [28, 28, 1], { seed: 9 });
    const full = await train(straight, set, o, null, false);
    const dir = tmp();
    try {
      const aborting = new AbortController();
      const first = buildModel('mlp-1x512', [28, 28, 1], { seed: 9 });
      const stopped = await train(first, set, o, new DirectoryRunStore(dir), false, { signal: aborting.signal, onEpoch: (r) => r.epoch === 2 && aborting.abort() }).then(
        () => null,
        (e: Error) => e,
      );
      first.dispose();
      expect(stopped?.name).toBe('InterruptedError'); // epoch 3's step was computed ahead, not applied
      const second = buildModel('mlp-1x512', [28, 28, 1], { seed: 9 });
      const resumed = await train(second, set, o, new DirectoryRunStore(dir), true);
      expect(resumed.resumed).toBe(true);
      expect(resumed.history.map((h) => [h.loss, h.trainError])).toEqual(full.history.map((h) => [h.loss, h.trainError]));
      for (const [i, p] of straight.store.params.entries()) expect(Array.from(await second.store.params[i]!.variable.data())).toEqual(Array.from(await p.variable.data()));
      second.dispose();
    } finally {
      straight.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a step budget ends the run mid-epoch and counts the partial epoch', async () => {
    const m = buildModel('mlp-1x512', [28, 28, 1], { seed: 1 });
    const r = await train(m, small, options({ epochs: 10, maxSteps: 7 }), null, false); // 3 steps per epoch
    m.dispose();
    expect(r.steps).toBe(7);
    expect(r.history.map((h) => h.steps)).toEqual([3, 6, 7]);
  });
});

describe('the paper\'s models at their real size', () => {
  // 28×28×3 inputs (cropped CIFAR-10) at the paper's batch size 128, on wasm. Before the conv units
  // became single ops, small Inception with BatchNorm exhausted the 4 GiB wasm heap here.
  const batch: ImageSet = (() => {
    const rng = new Rng(12);
    return { images: Float32Array.from({ length: 128 * 28 * 28 * 3 }, () => rng.gaussian()), labels: Uint8Array.from({ length: 128 }, (_, i) => i % 10), n: 128, shape: [28, 28, 3], classes: 10 };
  })();
  it.each(MODEL_IDS.map((id) => [id]))('%s takes one SGD step of batch 128 on 28×28×3, reporting progress within the step', async (id) => {
    await startBackend('wasm');
    const m = buildModel(id, [28, 28, 3], { seed: 2 });
    const before = Float32Array.from(m.store.params[0]!.variable.dataSync());
    const fractions: number[] = [];
    const r = await train(m, batch, options({ epochs: 1, maxSteps: 1, batchSize: 128 }), null, false, { onProgress: (p) => fractions.push(p.stepFraction) });
    expect(r.steps).toBe(1);
    expect(Number.isFinite(r.history[0]!.loss)).toBe(true);
    expect(Array.from(m.store.params[0]!.variable.dataSync())).not.toEqual(Array.from(before)); // the step changed the weights
    const within = fractions.filter((f) => f > 0);
    // Conv nets: every conv unit reports its forward and backward pass (2 per unit); MLPs: the step only.
    expect(within.length).toBe(2 * m.units);
    expect(within).toEqual([...within].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(0); // and the step's end
    m.dispose();
  });
});

describe('training on wasm matches the cpu backend', () => {
  const mnist = (): ImageSet => {
    return loadDataset({ source: 'mnist', n: 8, seed: 1, test: false }).images('train');
  };
  // The cpu backend's convolution gradients run at ~20 MFLOP/s, so the conv nets get tiny inputs.
  // On 4×4 inputs Inception's last maps are 1×1: BatchNorm over 8 values amplifies float32 rounding
  // (1e-3 apart after 3 steps at η = 0.01, 1e-7 on 8×8 inputs), so the BN model takes η = 0.001 there.
  const cases: [ModelId, () => ImageSet, number][] = [
    ['mlp-1x512', mnist, 0.01],
    ['small-alexnet', () => tiny(8, 8), 0.01],
    ['small-inception-no-bn', () => tiny(8, 4), 0.01],
    ['small-inception', () => tiny(8, 4), 0.001],
  ];
  it.each(cases)('%s: three steps give the same losses (relative 1e-4)', async (id, data, lr) => {
    const set = data();
    const cpu = await lossesOn('cpu', id, set, lr);
    const wasm = await lossesOn('wasm', id, set, lr);
    cpu.forEach((l, i) => expect(Math.abs(wasm[i]! - l) / l).toBeLessThan(1e-4));
    expect(new Set(cpu).size).toBe(3); // the weights did change between steps
  });
});
