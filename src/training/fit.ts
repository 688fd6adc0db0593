/**
 * One training run end to end, as `rethink fit` does it: load and subset the data, apply a
 * randomization, start the backend, build the model, write `config.json`, train (checkpointing),
 * evaluate on the clean test set, write `summary.json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { loadImages, subset, type ImageSet } from '../data/images.js';
import { startBackend, type BackendName } from '../engine/backend.js';
import { buildModel, type ModelId } from '../models/zoo.js';
import { randomize, type RandomizationId } from '../randomization/images.js';
import { FIT_DEFAULTS } from './defaults.js';
import { evaluate, train, type EpochRecord, type TrainHooks, type TrainOptions } from './trainer.js';

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
  resume: boolean;
}

export { FIT_DEFAULTS };

/** The result, as `rethink fit --json` prints it and summary.json stores it. */
export interface FitResult {
  backend: string;
  versions: Record<string, string>;
  model: ModelId;
  parameterCount: number;
  randomization: RandomizationId;
  p: number | null;
  labelsChanged: number;
  n: number;
  testN: number;
  epochs: number;
  steps: number;
  stepsToFit: number | null;
  trainAccuracy: number;
  testAccuracy: number;
  history: EpochRecord[];
  seed: number;
  lr: number;
  resumed: boolean;
  wallMs: number;
  gitCommit: string | null;
}

function gitCommit(): string | null {
  try {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

function validate(config: FitConfig): void {
  const positive: [string, number][] = [['--epochs', config.epochs], ['--batch-size', config.batchSize], ['--decay-steps', config.decaySteps]];
  for (const [flag, v] of positive) if (!Number.isInteger(v) || v < 1) throw new InputError(`${flag} ${v}: must be a positive integer`);
  if (config.maxSteps !== null && (!Number.isInteger(config.maxSteps) || config.maxSteps < 1)) throw new InputError(`--max-steps ${config.maxSteps}: must be a positive integer`);
  if (config.lr !== null && !(config.lr > 0)) throw new InputError(`--lr ${config.lr}: the learning rate must be positive`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new InputError(`--dropout ${config.dropout}: must be in [0, 1)`);
  if (!(config.weightDecay >= 0)) throw new InputError(`--weight-decay ${config.weightDecay}: must be ≥ 0`);
  if (config.p !== undefined && !(config.p >= 0 && config.p <= 1)) throw new InputError(`--p ${config.p}: the corruption probability must be in [0, 1]`);
  if (config.randomization === 'corrupt-labels' && config.p === undefined) throw new InputError('--randomization corrupt-labels needs --p, the corruption probability in [0, 1]');
}

/** Fields that must match when resuming (the budget and the output flags may change). */
const RESUME_KEYS: (keyof FitConfig)[] = ['data', 'n', 'model', 'randomization', 'p', 'lr', 'momentum', 'batchSize', 'decay', 'decaySteps', 'weightDecay', 'dropout', 'augment', 'seed'];

/**
 * Runs one training.
 *
 * @param config the run's configuration (see {@link FIT_DEFAULTS})
 * @param hooks progress callbacks
 * @example
 * const r = await fit({ ...FIT_DEFAULTS, data: 'mnist', n: 1000, model: 'mlp-1x512', randomization: 'random-labels', backend: 'auto', seed: 1, out: null });
 * r.trainAccuracy; // 1
 */
export async function fit(config: FitConfig, hooks: TrainHooks = {}): Promise<FitResult> {
  validate(config);
  const t0 = performance.now();
  if (config.out !== null && config.resume) {
    const path = join(config.out, 'config.json');
    if (existsSync(path)) {
      const before = JSON.parse(readFileSync(path, 'utf8')) as Partial<FitConfig>;
      for (const k of RESUME_KEYS) {
        if (JSON.stringify(before[k]) !== JSON.stringify(config[k])) {
          throw new InputError(`--resume: ${k} was ${JSON.stringify(before[k])} in ${path}, now ${JSON.stringify(config[k])}; resume with the same settings or use a new --out`);
        }
      }
    }
  }
  const info = await startBackend(config.backend);
  const dataOptions = { seed: config.seed, ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}) };
  const fullTrain = loadImages(config.data, 'train', dataOptions);
  const trainSet = config.n === null ? fullTrain : subset(fullTrain, config.n, config.seed);
  const fullTest = loadImages(config.data, 'test', dataOptions);
  const testN = Math.min(config.testN ?? fullTest.n, fullTest.n);
  const testSet: ImageSet = testN === fullTest.n ? fullTest : { ...fullTest, n: testN, images: fullTest.images.subarray(0, testN * fullTest.shape.reduce((a, b) => a * b, 1)), labels: fullTest.labels.subarray(0, testN) };
  const r = randomize(trainSet, testSet, config.randomization, config.p, config.seed);
  const lr = config.lr ?? (config.model.startsWith('small-inception') ? 0.1 : 0.01);
  if (config.out !== null) {
    mkdirSync(config.out, { recursive: true });
    writeFileSync(join(config.out, 'config.json'), JSON.stringify({ ...config, lrResolved: lr, backendResolved: info.name }, null, 2));
  }
  const model = buildModel(config.model, trainSet.shape, { seed: config.seed, classes: trainSet.classes });
  try {
    const result = await train(
      model,
      r.train,
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
        seed: config.seed,
      },
      config.out,
      config.resume,
      hooks,
    );
    const testAccuracy = await evaluate(model, r.test);
    const summary: FitResult = {
      backend: info.name,
      versions: info.versions,
      model: config.model,
      parameterCount: model.parameterCount,
      randomization: config.randomization,
      p: r.p,
      labelsChanged: r.labelsChanged,
      n: trainSet.n,
      testN,
      epochs: result.history.length,
      steps: result.steps,
      stepsToFit: result.stepsToFit,
      trainAccuracy: result.trainAccuracy,
      testAccuracy,
      history: result.history,
      seed: config.seed,
      lr,
      resumed: result.resumed,
      wallMs: Math.round(performance.now() - t0),
      gitCommit: gitCommit(),
    };
    if (config.out !== null) writeFileSync(join(config.out, 'summary.json'), JSON.stringify(summary, null, 2));
    return summary;
  } finally {
    model.dispose();
  }
}
