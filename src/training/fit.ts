/**
 * One training run end to end, as `rethink fit` does it: load and subset the data, apply a
 * randomization, start the backend, build the model, write `config.json`, train (checkpointing),
 * evaluate on the clean test set, write `summary.json`.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { loadDataset } from '../data/dataset.js';
import { startBackend, type BackendName } from '../engine/backend.js';
import { MODELS, buildModel, type ModelId } from '../models/zoo.js';
import { provenance, type Provenance } from '../provenance.js';
import type { RandomizationId } from '../randomization/registry.js';
import { FIT_DEFAULTS } from './defaults.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { DirectoryRunStore, RUN_FILES, type RunStore } from './run-store.js';
import { corruptLabels } from '../randomization/registry.js';
import { SPLIT_SIZES } from '../data/images.js';
import { Rng } from '../random/rng.js';
import { predict, train, type EpochRecord, type TrainHooks, type TrainOptions } from './trainer.js';

/** Randomizations that corrupt labels with a probability p (their test labels can be corrupted alike). */
const LABEL_NOISE = new Set<RandomizationId>(['corrupt-labels', 'random-labels']);

/** Fraction of predictions that differ from the labels. */
function errorOf(predictions: Uint8Array, labels: Uint8Array): number {
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] !== labels[i]) wrong++;
  return labels.length === 0 ? 0 : wrong / labels.length;
}

/**
 * A run's configuration: every field is stored in config.json before training starts. The
 * optimisation fields (momentum, batch size, decay, weight decay, dropout, budgets, seed) mean what
 * they mean in {@link TrainOptions}.
 */
export interface FitConfig extends Pick<TrainOptions, 'momentum' | 'batchSize' | 'decay' | 'decaySteps' | 'weightDecay' | 'dropout' | 'epochs' | 'maxSteps' | 'seed'> {
  /** 'mnist' | 'cifar10' | 'synthetic' */
  data: string;
  /** CIFAR-10 directory */
  dataDir?: string;
  /** training images (stratified, seeded subset); null = the whole split */
  n: number | null;
  /** test images evaluated at the end (the first testN of the test split); null = all */
  testN: number | null;
  model: ModelId;
  randomization: RandomizationId;
  /** corruption probability for corrupt-labels */
  p?: number;
  backend: BackendName;
  /** η₀; null = the paper's (0.1 Inception, 0.01 otherwise) */
  lr: number | null;
  /** 'none' | 'crop' (random shifts of up to 4 pixels) */
  augment: 'none' | 'crop';
  /** output directory; null = no files */
  out: string | null;
  /** continue the run in `out` from its last checkpoint */
  resume: boolean;
  /** replace a run in `out` (or, with resume, start one where there is nothing to resume); default false */
  force?: boolean;
  /**
   * seed of the initialisation, the batch order, augmentation and dropout; default `seed`. With the
   * same `seed` (the data subset and its randomization) and different `modelSeed`s, runs train the
   * same data from different initialisations (Arpit et al. 2017's per-example difficulty).
   */
  modelSeed?: number;
  /** store which training examples are classified correctly at the end (`trainCorrect` in the result) */
  recordExamples?: boolean;
  /** seconds of training between two checkpoints (TrainOptions.checkpointSeconds; not stored in config.json: it does not change the run) */
  checkpointSeconds?: number;
}

export { FIT_DEFAULTS };

/** The result, as `rethink fit --json` prints it and summary.json stores it. */
export interface FitResult {
  backend: string;
  versions: Record<string, string>;
  /** threads of the wasm engine (same seed, backend and thread count → the same numbers); null on other backends */
  threads: number | null;
  model: ModelId;
  parameterCount: number;
  randomization: RandomizationId;
  p: number | null;
  labelsChanged: number;
  n: number;
  testN: number;
  /** identifies the training points (the data layer's fingerprint): equal across commands for the same data flags */
  dataFingerprint: string;
  epochs: number;
  steps: number;
  stepsToFit: number | null;
  /** error on a full re-evaluation of the training set after the last epoch (0: fitted) */
  trainError: number;
  /** error on the test images against their clean labels (input randomizations transform them alike) */
  testError: number;
  /**
   * label randomizations with p > 0: the error against test labels corrupted the same way (each
   * replaced with probability p by a uniform class, drawn once from the seed) — what one public
   * reproduction reports as "test error"; null otherwise
   */
  testErrorCorruptedLabels: number | null;
  /** with `recordExamples`: one character per training example, '1' classified correctly at the end, '0' not */
  trainCorrect?: string;
  history: EpochRecord[];
  seed: number;
  lr: number;
  resumed: boolean;
  /** wall time of the whole run, data loading included (this process's part of it when resumed) */
  wallMs: number;
  provenance: Provenance;
  /** set when the latest checkpoint was damaged and the run continued from the one before */
  fellBack?: string;
}

/**
 * Checks a configuration before anything is loaded or printed: ranges, flag combinations, and the
 * sizes of the real datasets' splits (the CLI calls it first, so bad input is its one line; {@link fit}
 * calls it too, so library callers get the same messages).
 *
 * @throws InputError naming the flag, its value and the fix
 * @example
 * checkFitConfig({ ...FIT_DEFAULTS, data: 'mnist', n: 60001, seed: 1, out: null }); // throws: --n 60001: the mnist training split has 60000 points; …
 */
export function checkFitConfig(config: FitConfig): void {
  validate(config);
  const sizes = (SPLIT_SIZES as Record<string, { train: number; test: number } | undefined>)[config.data];
  if (sizes !== undefined) {
    if (config.n !== null && config.n > sizes.train) throw new InputError(`--n ${config.n}: the ${config.data} training split has ${sizes.train} points; choose 1 … ${sizes.train} or all`);
    if (config.testN !== null && config.testN > sizes.test) throw new InputError(`--test-n ${config.testN}: the ${config.data} test split has ${sizes.test} points; choose 1 … ${sizes.test} or all`);
  }
  if (config.data === 'cifar10' && config.dataDir === undefined) throw new InputError('cifar10: no directory given; pass --data-dir DIR with data_batch_1..5.bin and test_batch.bin (the CIFAR-10 binary version)');
}

/** Checks a configuration's ranges (the CLI checks them earlier; library callers get the same messages). */
function validate(config: FitConfig): void {
  const positive: [string, number][] = [['--epochs', config.epochs], ['--batch-size', config.batchSize], ['--decay-steps', config.decaySteps]];
  for (const [flag, v] of positive) if (!Number.isInteger(v) || v < 1) throw new InputError(`${flag} ${v}: must be an integer ≥ 1`);
  for (const [flag, v] of [['--n', config.n], ['--test-n', config.testN], ['--max-steps', config.maxSteps]] as const) {
    if (v !== null && (!Number.isInteger(v) || v < 1)) throw new InputError(`${flag} ${v}: must be an integer ≥ 1`);
  }
  if (config.lr !== null && !(config.lr > 0 && Number.isFinite(config.lr))) throw new InputError(`--lr ${config.lr}: the learning rate must be a finite number > 0`);
  if (!(config.momentum >= 0 && config.momentum < 1)) throw new InputError(`--momentum ${config.momentum}: must be in [0, 1) (the paper's is 0.9)`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new InputError(`--dropout ${config.dropout}: must be in [0, 1)`);
  if (!(config.weightDecay >= 0 && Number.isFinite(config.weightDecay))) throw new InputError(`--weight-decay ${config.weightDecay}: must be a finite number ≥ 0`);
  if (config.checkpointSeconds !== undefined && !(config.checkpointSeconds >= 0 && Number.isFinite(config.checkpointSeconds))) throw new InputError(`--checkpoint-every ${config.checkpointSeconds}: must be a finite number of seconds ≥ 0 (0: after every epoch)`);
  if (!(config.decay > 0 && config.decay <= 1)) throw new InputError(`decay ${config.decay}: the learning-rate decay factor must be in (0, 1]`);
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed >= 2 ** 32) throw new InputError(`--seed ${config.seed}: must be an integer in [0, 4294967295]`);
  if (config.modelSeed !== undefined && (!Number.isInteger(config.modelSeed) || config.modelSeed < 0 || config.modelSeed >= 2 ** 32)) throw new InputError(`modelSeed ${config.modelSeed}: must be an integer in [0, 4294967295]`);
  if (config.p !== undefined && !(config.p >= 0 && config.p <= 1)) throw new InputError(`--p ${config.p}: the corruption probability must be in [0, 1]`);
  if (config.p !== undefined && config.randomization !== 'corrupt-labels') throw new InputError(`--p is for --randomization corrupt-labels (got ${config.randomization})`);
  if (config.randomization === 'corrupt-labels' && config.p === undefined) throw new InputError('--randomization corrupt-labels needs --p, the corruption probability in [0, 1]');
  if (config.dataDir !== undefined && config.data !== 'cifar10') throw new InputError(`--data-dir is for --data cifar10 (got --data ${config.data})`);
  if (config.resume && config.out === null) throw new InputError('--resume needs --out DIR, the directory of the run to continue');
}

/**
 * Fields that define a run: a resume must keep them (the budget, the backend, the test set's size
 * and the output flags may change).
 */
export const RUN_KEYS = ['data', 'dataDir', 'n', 'model', 'randomization', 'p', 'lr', 'momentum', 'batchSize', 'decay', 'decaySteps', 'weightDecay', 'dropout', 'augment', 'seed', 'modelSeed'] as const satisfies readonly (keyof FitConfig)[];

/** The digest that names a run in its checkpoints: SHA-256 (16 hex digits) of its {@link RUN_KEYS} values. */
function runIdOf(config: FitConfig): string {
  return createHash('sha256').update(JSON.stringify(RUN_KEYS.map((k) => config[k] ?? null))).digest('hex').slice(0, 16);
}

/**
 * The configuration stored with the run in `dir` (its config.json), or null when there is none.
 *
 * @throws InputError when config.json is damaged or `dir` is a file
 * @example
 * const stored = readRunConfig('runs/a'); // { data: 'mnist', n: 1000, model: 'mlp-1x512', … }
 */
export function readRunConfig(dir: string): Partial<FitConfig> | null {
  return new DirectoryRunStore(dir).readConfig() as Partial<FitConfig> | null;
}

/** The entries of `dir` that are not a run's own (its files, their temporary copies, the CLI's lock); [] when `dir` does not exist. */
function otherFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).filter((f) => !RUN_FILES.includes(f.replace(/\.tmp$/, '')) && !/^\.lock(\..*\.tmp)?$/.test(f)).sort();
}

/**
 * Prepares the run's store according to `out`, `resume` and `force`: a run is never replaced without
 * `force`, and `resume` without a checkpoint is refused without it.
 */
function openStore(config: FitConfig): { store: RunStore | null; resume: boolean } {
  if (config.out === null) return { store: null, resume: false };
  const store = new DirectoryRunStore(config.out);
  const state = store.state();
  const force = config.force === true;
  let resume = false;
  if (config.resume) {
    if (state.checkpoint === 'none') {
      if (!force) {
        const what = !state.started ? 'it holds no run' : state.finished ? 'the run finished without a checkpoint' : 'the run stopped before its first epoch ended';
        throw new InputError(`--resume: ${config.out} has no checkpoint to continue from (${what}); start the run again without --resume${state.started ? ' and with --force (it replaces the run\'s files there)' : ''}`);
      }
      store.clear();
    } else {
      const stored = store.readConfig();
      if (stored !== null) {
        for (const k of RUN_KEYS) {
          if (JSON.stringify(stored[k] ?? null) !== JSON.stringify(config[k] ?? null)) {
            throw new InputError(`--resume: ${k} is ${JSON.stringify(stored[k] ?? null)} in ${config.out}/config.json but ${JSON.stringify(config[k] ?? null)} now; resume with the run's settings (omit the flag) or start a new run in another --out`);
          }
        }
      }
      resume = true;
    }
  } else if (state.started) {
    if (!force) {
      const what = state.finished ? 'a finished run' : state.checkpointEpoch !== null ? `a run checkpointed at epoch ${state.checkpointEpoch}` : 'a run';
      throw new InputError(`--out ${config.out} already holds ${what}; continue it with --resume, replace it with --force, or choose another --out`);
    }
    store.clear();
  } else if (!force) {
    const others = otherFiles(config.out);
    if (others.length > 0) {
      throw new InputError(`--out ${config.out} is not empty and holds no run (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}); choose a new or empty --out, or add --force to write the run beside those files (none of them is removed)`);
    }
  }
  store.ensure(); // an --out that cannot be created fails now, before any work (and none is created for a refused run)
  return { store, resume };
}

/**
 * Runs one training.
 *
 * @param config the run's configuration (see {@link FIT_DEFAULTS})
 * @param hooks progress callbacks and an abort signal
 * @throws InputError for bad settings, an `out` that holds a run (without `resume` or `force`), a
 *   damaged checkpoint, or a loss that became non-finite; InterruptedError when the signal aborts it
 * @example
 * const r = await fit({ ...FIT_DEFAULTS, data: 'mnist', n: 1000, model: 'mlp-1x512', randomization: 'random-labels', backend: 'auto', seed: 1, out: null });
 * r.trainError; // 0
 */
export async function fit(config: FitConfig, hooks: TrainHooks = {}): Promise<FitResult> {
  checkFitConfig(config);
  const t0 = performance.now();
  const { store, resume } = openStore(config);
  const info = await startBackend(config.backend);
  const ds = loadDataset({
    source: config.data,
    ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
    n: config.n,
    testN: config.testN,
    seed: config.seed,
    randomization: config.randomization,
    ...(config.p !== undefined ? { p: config.p } : {}),
  });
  const trainSet = ds.images('train');
  const testSet = ds.images('test');
  const lr = config.lr ?? MODELS[config.model].defaultLearningRate;
  store?.writeConfig({ ...config, resume: undefined, force: undefined, checkpointSeconds: undefined, lrResolved: lr, backendResolved: info.name });
  const modelSeed = config.modelSeed ?? config.seed;
  const model = buildModel(config.model, trainSet.shape, { seed: modelSeed, classes: trainSet.classes });
  try {
    const result = await train(
      model,
      trainSet,
      {
        lr,
        momentum: config.momentum,
        batchSize: config.batchSize,
        decay: config.decay,
        decaySteps: config.decaySteps,
        weightDecay: config.weightDecay,
        dropout: config.dropout,
        cropPad: config.augment === 'crop' ? 4 : 0,
        epochs: config.epochs,
        maxSteps: config.maxSteps,
        stopWhenFitted: true,
        seed: modelSeed,
        ...(config.checkpointSeconds !== undefined ? { checkpointSeconds: config.checkpointSeconds } : {}),
        runId: runIdOf(config),
      },
      store,
      resume,
      hooks,
    );
    const testPredictions = await predict(model, testSet);
    const testError = errorOf(testPredictions, testSet.labels);
    // The other reading of Fig. 1c: test labels corrupted like the training labels (their own stream).
    const corruptedTest = LABEL_NOISE.has(config.randomization) && (ds.p ?? 0) > 0 ? corruptLabels(testSet.labels, ds.p as number, testSet.classes, new Rng(config.seed).fork(`randomization/${config.randomization}/test-labels`).nextUint32()).labels : null;
    const trainCorrect = config.recordExamples === true ? Array.from(await predict(model, trainSet), (c, i) => (c === trainSet.labels[i] ? '1' : '0')).join('') : undefined;
    const summary: FitResult = {
      backend: info.name,
      versions: info.versions,
      threads: info.threads,
      model: config.model,
      parameterCount: model.parameterCount,
      randomization: config.randomization,
      p: ds.p,
      labelsChanged: ds.labelsChanged,
      n: trainSet.n,
      testN: testSet.n,
      dataFingerprint: ds.fingerprint,
      epochs: result.history.length,
      steps: result.steps,
      stepsToFit: result.stepsToFit,
      trainError: result.trainError,
      testError,
      testErrorCorruptedLabels: corruptedTest === null ? null : errorOf(testPredictions, corruptedTest),
      ...(trainCorrect !== undefined ? { trainCorrect } : {}),
      history: result.history,
      seed: config.seed,
      lr,
      resumed: result.resumed,
      wallMs: Math.round(performance.now() - t0),
      provenance: provenance(),
      ...(result.fellBack !== undefined ? { fellBack: result.fellBack } : {}),
    };
    store?.writeSummary(summary);
    return summary;
  } finally {
    model.dispose();
  }
}
