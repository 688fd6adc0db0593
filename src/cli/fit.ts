import { InputError } from '../errors.js';
import { BACKENDS, type BackendName } from '../engine/names.js';
import { DATASETS } from '../data/images.js';
import { MODEL_IDS, parseModelId } from '../models/ids.js';
import type { InputShape } from '../models/zoo.js';
import { RANDOMIZATIONS, parseRandomization } from '../randomization/images.js';
import { freshSeed } from '../random/rng.js';
import { FIT_DEFAULTS } from '../training/defaults.js';
import type { FitConfig } from '../training/fit.js';
import type { EpochRecord } from '../training/trainer.js';
import { commonFlags, outputFlags, parseFlags, type FlagSpecs } from './args.js';
import { formatTable, type Output } from './output.js';

export const fitFlags: FlagSpecs = {
  data: { type: 'string', choices: DATASETS, placeholder: DATASETS.join('|'), description: 'data set (default mnist)' },
  'data-dir': { type: 'string', placeholder: 'DIR', description: 'CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin)' },
  n: { type: 'integer', placeholder: 'N', description: 'training images: a stratified, seeded subset (default: the whole split)' },
  'test-n': { type: 'integer', placeholder: 'N', description: 'test images evaluated at the end (default: all)' },
  model: { type: 'string', placeholder: MODEL_IDS.join('|'), description: 'model (default mlp-1x512)' },
  randomization: { type: 'string', placeholder: 'R', description: `one of ${RANDOMIZATIONS.join(', ')} (default true-labels)` },
  p: { type: 'number', placeholder: 'p', description: 'corruption probability for corrupt-labels' },
  backend: { type: 'string', choices: BACKENDS, placeholder: BACKENDS.join('|'), description: 'tfjs backend (default auto: tensorflow if @tensorflow/tfjs-node loads, else wasm)' },
  epochs: { type: 'integer', placeholder: 'E', description: `epoch budget (default ${FIT_DEFAULTS.epochs}); training stops earlier once the training set is fitted` },
  'max-steps': { type: 'integer', placeholder: 'S', description: 'step budget' },
  lr: { type: 'number', placeholder: 'η', description: 'initial learning rate (default: 0.1 Inception, 0.01 otherwise)' },
  'batch-size': { type: 'integer', placeholder: 'B', description: `batch size (default ${FIT_DEFAULTS.batchSize})` },
  momentum: { type: 'number', placeholder: 'μ', description: `momentum (default ${FIT_DEFAULTS.momentum})` },
  'decay-steps': { type: 'integer', placeholder: 'T', description: `learning rate × 0.95 every T steps (default ${FIT_DEFAULTS.decaySteps})` },
  'weight-decay': { type: 'number', placeholder: 'λ', description: 'weight decay on kernels (default 0)' },
  dropout: { type: 'number', placeholder: 'rate', description: 'dropout on hidden fully-connected layers (default 0)' },
  augment: { type: 'string', choices: ['none', 'crop'], placeholder: 'none|crop', description: 'random-crop augmentation (default none)' },
  out: { type: 'string', placeholder: 'DIR', description: 'write config.json, metrics.csv, checkpoint, summary.json here' },
  resume: { type: 'boolean', description: 'continue the run in --out from its last checkpoint' },
  ...commonFlags,
};

/** `rethink fit`: train a model on (randomized) data until it fits the training set. */
export async function runFit(argv: readonly string[], out: Output): Promise<number> {
  const flags = parseFlags(argv, fitFlags, 'fit');
  const str = (k: string): string | undefined => flags[k] as string | undefined;
  const num = (k: string): number | undefined => flags[k] as number | undefined;
  const seed = num('seed') ?? freshSeed();
  if (flags.resume === true && str('out') === undefined) throw new InputError('--resume needs --out DIR, the directory of the run to continue');
  const config: FitConfig = {
    ...FIT_DEFAULTS,
    data: str('data') ?? 'mnist',
    ...(str('data-dir') !== undefined ? { dataDir: str('data-dir') as string } : {}),
    n: num('n') ?? null,
    testN: num('test-n') ?? null,
    model: parseModelId(str('model') ?? 'mlp-1x512'),
    randomization: parseRandomization(str('randomization') ?? 'true-labels'),
    ...(num('p') !== undefined ? { p: num('p') as number } : {}),
    backend: (str('backend') ?? 'auto') as BackendName,
    epochs: num('epochs') ?? FIT_DEFAULTS.epochs,
    maxSteps: num('max-steps') ?? null,
    lr: num('lr') ?? null,
    batchSize: num('batch-size') ?? FIT_DEFAULTS.batchSize,
    momentum: num('momentum') ?? FIT_DEFAULTS.momentum,
    decaySteps: num('decay-steps') ?? FIT_DEFAULTS.decaySteps,
    weightDecay: num('weight-decay') ?? FIT_DEFAULTS.weightDecay,
    dropout: num('dropout') ?? FIT_DEFAULTS.dropout,
    augment: (str('augment') ?? 'none') as 'none' | 'crop',
    seed,
    out: str('out') ?? null,
    resume: flags.resume === true,
  };
  if (config.p !== undefined && config.randomization !== 'corrupt-labels') {
    throw new InputError(`--p is for --randomization corrupt-labels (got ${config.randomization})`);
  }
  const json = flags.json === true;
  out.info(`seed: ${seed}`);
  // Epoch lines go to stdout for people, to stderr under --json (stdout stays one JSON object).
  const log = json ? out.info : out.table;
  const tty = !json && process.stderr.isTTY === true;
  let header = false;
  const { fit } = await import('../training/fit.js'); // tfjs loads only for the commands that train
  const result = await fit(config, {
    onEpoch: (r: EpochRecord) => {
      if (tty) process.stderr.write('\r\x1b[K');
      if (!header) {
        log(`${'epoch'.padStart(5)}  ${'steps'.padStart(7)}  ${'loss'.padStart(8)}  ${'train acc'.padStart(9)}  ${'lr'.padStart(9)}  ${'ms'.padStart(7)}`);
        header = true;
      }
      log(`${String(r.epoch).padStart(5)}  ${String(r.steps).padStart(7)}  ${r.loss.toFixed(4).padStart(8)}  ${(100 * r.trainAccuracy).toFixed(2).padStart(8)}%  ${r.lr.toPrecision(3).padStart(9)}  ${String(r.ms).padStart(7)}`);
    },
    onStep: tty
      ? (s, total, epoch) => {
          if (s % 4 === 0 || s === total) {
            const width = 30;
            const filled = Math.round((s / total) * width);
            process.stderr.write(`\r  epoch ${epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${s}/${total}`);
          }
        }
      : undefined,
  });
  if (json) {
    out.json(result);
    return 0;
  }
  out.table(
    formatTable([
      ['backend', `${result.backend} (${Object.entries(result.versions).map(([k, v]) => `${k} ${v}`).join(', ')})`],
      ['model', `${result.model}, ${result.parameterCount.toLocaleString('en-US')} parameters`],
      ['data', `${config.data}, n = ${result.n} training images, ${result.testN} test images`],
      ['randomization', `${result.randomization}${result.p !== null ? `, p = ${result.p}` : ''}; labels changed: ${(100 * result.labelsChanged).toFixed(1)}%`],
      ['training', `${result.epochs} epochs, ${result.steps} steps${result.resumed ? ' (resumed)' : ''}, ${(result.wallMs / 1000).toFixed(1)} s`],
      ['fitted', result.stepsToFit === null ? `no: train accuracy ${(100 * result.trainAccuracy).toFixed(2)}% when the budget ran out` : `100% train accuracy after ${result.stepsToFit} steps`],
      ['test accuracy', `${(100 * result.testAccuracy).toFixed(2)}% (clean test labels${result.p === null && config.randomization !== 'true-labels' ? ', inputs randomized alike' : ''})`],
      ['seed', `${result.seed}`],
      ...(config.out !== null ? ([['files', `${config.out}/{config.json,metrics.csv,checkpoint.*,summary.json}`]] as [string, string][]) : []),
    ]),
  );
  return 0;
}

export const modelsFlags: FlagSpecs = {
  'input-shape': { type: 'string', placeholder: 'HxWxC', description: 'input shape (default 28x28x3, the paper\'s cropped CIFAR-10; 28x28x1 for MNIST)' },
  ...outputFlags,
};

/** `rethink models`: each model's parameter count for an input shape. */
export async function runModels(argv: readonly string[], out: Output): Promise<number> {
  const flags = parseFlags(argv, modelsFlags, 'models');
  const raw = (flags['input-shape'] as string | undefined) ?? '28x28x3';
  const dims = raw.split('x').map(Number);
  if (dims.length !== 3 || !dims.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new InputError(`--input-shape '${raw}': expected HxWxC with positive integers, e.g. 28x28x1`);
  }
  const { startBackend } = await import('../engine/backend.js');
  const { buildModel } = await import('../models/zoo.js');
  await startBackend('wasm');
  const shape = dims as InputShape;
  const models = MODEL_IDS.map((id) => {
    const m = buildModel(id, shape, { seed: 1 });
    const row = { model: id, parameterCount: m.parameterCount, bnParameterCount: m.bnParameterCount };
    m.dispose();
    return row;
  });
  if (flags.json === true) out.json({ inputShape: shape, models });
  else out.table(formatTable(models.map((m) => [m.model, `${m.parameterCount.toLocaleString('en-US')}${m.bnParameterCount > 0 ? ` (+ ${m.bnParameterCount.toLocaleString('en-US')} BatchNorm γ, β)` : ''}`])));
  return 0;
}
