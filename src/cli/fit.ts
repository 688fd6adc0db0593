import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, InterruptedError } from '../errors.js';
import { freshSeed } from '../random/rng.js';
import { FIT_DEFAULTS } from '../training/defaults.js';
import type { FitConfig, FitResult } from '../training/fit.js';
import type { EpochRecord } from '../training/trainer.js';
import type { Flags } from './args.js';
import type { fitFlags, modelsFlags } from './commands.js';
import { INTERRUPTED_EXIT, flagsText, shellWord, whileInterruptible } from './interrupt.js';
import { acquireLock } from './lock.js';
import { formatTable, type Output } from './output.js';
import { progressDisplay } from './progress.js';

type FitFlags = Flags<typeof fitFlags>;

/** Each flag that sets a config field, with the field and the value it gives. */
const FIELDS = {
  data: (f: FitFlags) => ['data', f.data],
  'data-dir': (f: FitFlags) => ['dataDir', f['data-dir']],
  n: (f: FitFlags) => ['n', f.n === 'all' ? null : f.n],
  'test-n': (f: FitFlags) => ['testN', f['test-n'] === 'all' ? null : f['test-n']],
  model: (f: FitFlags) => ['model', f.model],
  randomization: (f: FitFlags) => ['randomization', f.randomization],
  p: (f: FitFlags) => ['p', f.p],
  backend: (f: FitFlags) => ['backend', f.backend],
  epochs: (f: FitFlags) => ['epochs', f.epochs],
  'max-steps': (f: FitFlags) => ['maxSteps', f['max-steps']],
  lr: (f: FitFlags) => ['lr', f.lr],
  'batch-size': (f: FitFlags) => ['batchSize', f['batch-size']],
  momentum: (f: FitFlags) => ['momentum', f.momentum],
  'decay-steps': (f: FitFlags) => ['decaySteps', f['decay-steps']],
  'weight-decay': (f: FitFlags) => ['weightDecay', f['weight-decay']],
  dropout: (f: FitFlags) => ['dropout', f.dropout],
  augment: (f: FitFlags) => ['augment', f.augment],
  seed: (f: FitFlags) => ['seed', f.seed],
} as const satisfies Partial<Record<keyof FitFlags, (f: FitFlags) => readonly [keyof FitConfig, unknown]>>;

/**
 * The run's configuration from the flags; with `--resume`, from the run's config.json, where a
 * flag given must agree on the fields that define the run (the budget, backend and test size may change).
 */
export async function fitConfig(flags: FitFlags): Promise<FitConfig> {
  const given: Partial<Record<keyof FitConfig, unknown>> = {};
  for (const [flag, field] of Object.entries(FIELDS) as [keyof FitFlags, (f: FitFlags) => readonly [keyof FitConfig, unknown]][]) {
    if (flags[flag] !== undefined) {
      const [key, value] = field(flags);
      given[key] = value;
    }
  }
  const out = flags.out ?? null;
  // How often to checkpoint does not change the run: not a stored field, free to change on --resume.
  const every = flags['checkpoint-every'] !== undefined ? { checkpointSeconds: flags['checkpoint-every'] } : {};
  const base: FitConfig = {
    ...FIT_DEFAULTS,
    data: 'mnist',
    n: null,
    testN: null,
    model: 'mlp-1x512',
    randomization: 'true-labels',
    backend: 'auto',
    seed: -1,
    out,
    resume: flags.resume === true,
    force: flags.force === true,
  };
  if (flags.resume === true && flags.force === true) throw new InputError('--resume continues a run and --force replaces it: give one');
  if (flags.resume === true) {
    if (out === null) throw new InputError('--resume needs --out DIR, the directory of the run to continue');
    const { readRunConfig, RUN_KEYS } = await import('../training/fit.js');
    const { DirectoryRunStore } = await import('../training/run-store.js');
    if (!existsSync(out) || !new DirectoryRunStore(out).state().started) {
      throw new InputError(`--resume: there is no run in ${out} (${existsSync(out) ? 'none of its files is there' : 'no such directory'}); start one without --resume`);
    }
    const stored = readRunConfig(out);
    if (stored !== null) {
      for (const key of RUN_KEYS) {
        if (key in given && JSON.stringify(given[key] ?? null) !== JSON.stringify(stored[key] ?? null)) {
          const flag = Object.keys(FIELDS).find((f) => FIELDS[f as keyof typeof FIELDS](flags)[0] === key);
          const theirs = key === 'lr' && stored.lr == null && typeof (stored as { lrResolved?: unknown }).lrResolved === 'number' ? `${(stored as { lrResolved: number }).lrResolved} (the model's default)` : JSON.stringify(stored[key] ?? null);
          throw new InputError(`--${flag} ${JSON.stringify(given[key])} conflicts with the run's ${key} = ${theirs} (${out}/config.json); drop the flag to continue the run, or start a new one in another --out`);
        }
      }
      const kept = Object.fromEntries(Object.entries(stored).filter(([k]) => k in base || k === 'p' || k === 'dataDir'));
      return { ...base, ...kept, ...given, ...every, out, resume: true, force: flags.force === true } as FitConfig;
    }
  }
  return { ...base, ...given, ...every, seed: flags.seed ?? freshSeed() } as FitConfig;
}

/** `rethink fit`: train a model on (randomized) data until it fits the training set. */
export async function runFit(flags: FitFlags, out: Output): Promise<number> {
  const config = await fitConfig(flags);
  (await import('../training/fit.js')).checkFitConfig(config); // bad input is refused before anything is printed
  // One writer per run directory: a second `rethink fit --out` on it is refused until this one ends.
  const lock = config.out !== null ? acquireLock(config.out, `rethink fit ${flagsText(flags)}`, out.info, 'the run directory') : null;
  try {
    return await fitLocked(config, flags, out);
  } finally {
    lock?.release();
  }
}

/** {@link runFit} once its run directory (if any) is locked. */
async function fitLocked(config: FitConfig, flags: FitFlags, out: Output): Promise<number> {
  const json = flags.json === true;
  out.info(`seed: ${config.seed}${config.resume ? ` (the run's, from ${config.out}/config.json)` : ''}`);
  if (config.out === null) out.info('no --out: nothing is written to disk (add --out DIR to keep metrics, checkpoints and the summary, and to resume)');
  // Epoch lines go to stdout for people, to stderr under --json (stdout stays one JSON object).
  const log = json ? out.info : out.table;
  const progress = progressDisplay();
  let header = false;
  let epochsDone = 0;
  let fellBackSaid = false;
  const { fit } = await import('../training/fit.js'); // tfjs loads only for the commands that train
  let result: FitResult;
  try {
    result = await whileInterruptible((signal) =>
      fit(config, {
        signal,
        onEpoch: (r: EpochRecord) => {
          progress.clear();
          if (!header) {
            log(`${'epoch'.padStart(5)}  ${'steps'.padStart(7)}  ${'loss'.padStart(8)}  ${'train err'.padStart(9)}  ${'lr'.padStart(9)}  ${'ms'.padStart(7)}`);
            header = true;
          }
          log(`${String(r.epoch).padStart(5)}  ${String(r.steps).padStart(7)}  ${r.loss.toFixed(4).padStart(8)}  ${(100 * r.trainError).toFixed(2).padStart(8)}%  ${r.lr.toPrecision(3).padStart(9)}  ${String(r.ms).padStart(7)}`);
          epochsDone = r.epoch;
        },
        onProgress: (p) => progress.update(p),
        onResume: (r) => {
          progress.clear();
          if (r.fellBack === undefined) {
            // Checkpoints are seconds apart: after a kill, epochs after this one were trained and are lost.
            out.info(`resuming at epoch ${r.epoch + 1} from the checkpoint of epoch ${r.epoch}${r.epoch > 0 ? ' (epochs trained after it, if any, are trained again)' : ''}`);
            return;
          }
          out.info(`note: ${r.fellBack}`); // said now, before the epochs it costs are trained again
          fellBackSaid = true;
        },
      }),
    );
  } catch (err) {
    progress.clear();
    if (err instanceof InterruptedError) {
      const done = Math.max(err.epochsDone, epochsDone);
      if (config.out === null) out.error(`interrupted ${done === 0 ? 'before epoch 1 finished' : `after epoch ${done}`} (nothing was saved: no --out)`);
      else if (err.epochsDone === 0) {
        // No checkpoint yet: --resume has nothing to continue from; the same run starts over (its seed kept).
        out.error(`interrupted before epoch 1 finished; continue with: rethink fit ${flagsText({ ...flags, resume: undefined, force: undefined, seed: config.seed })} --force`);
      } else out.error(`interrupted after epoch ${err.epochsDone}; continue with: rethink fit --out ${shellWord(config.out)} --resume`);
      return INTERRUPTED_EXIT;
    }
    throw err;
  }
  progress.clear();
  if (result.fellBack !== undefined && !fellBackSaid) out.info(`note: ${result.fellBack}`);
  if (json) {
    out.json(result);
    return 0;
  }
  out.table(
    formatTable([
      ['backend', `${result.backend}${result.threads !== null ? `, ${result.threads} thread${result.threads === 1 ? '' : 's'}` : ''} (${Object.entries(result.versions).map(([k, v]) => `${k} ${v}`).join(', ')})`],
      ['model', `${result.model}, ${result.parameterCount.toLocaleString('en-US')} parameters`],
      ['data', `${config.data}, n = ${result.n} training images, ${result.testN} test images`],
      ['randomization', `${result.randomization}${result.p !== null ? `, p = ${result.p}` : ''}; labels changed: ${(100 * result.labelsChanged).toFixed(1)}%`],
      ['training', `${result.epochs} epochs, ${result.steps} steps${result.resumed ? ' (resumed)' : ''}, ${(result.wallMs / 1000).toFixed(1)} s`],
      ['fitted', result.stepsToFit === null ? `no: train error ${(100 * result.trainError).toFixed(2)}% when the budget ran out` : `train error 0 after ${result.stepsToFit} steps`],
      ['test error', `${(100 * result.testError).toFixed(2)}% (clean test labels${result.p === null && config.randomization !== 'true-labels' ? ', inputs randomized alike' : ''})`],
      ['seed', `${result.seed}`],
      ...(config.out !== null ? ([['files', `${config.out}/{config.json,metrics.csv,checkpoint.bin,${existsSync(join(config.out, 'checkpoint.prev.bin')) ? 'checkpoint.prev.bin,' : ''}summary.json}`]] as [string, string][]) : []),
    ]),
  );
  return 0;
}

/** The largest input side `rethink models` builds (the paper's models are for 28–32 pixel images). */
const MAX_SIDE = 512;
const MAX_CHANNELS = 64;

/** `rethink models`: each model's parameter count for an input shape. */
export async function runModels(flags: Flags<typeof modelsFlags>, out: Output): Promise<number> {
  const raw = flags['input-shape'] ?? '28x28x3';
  const parts = raw.split('x');
  const dims = parts.map(Number);
  if (dims.length !== 3 || !parts.every((p) => /^\d+$/.test(p)) || !dims.every((v) => v >= 1)) {
    throw new InputError(`--input-shape '${raw}': expected HxWxC with positive integers, e.g. 28x28x1`);
  }
  const [h, w, c] = dims as [number, number, number];
  if (h > MAX_SIDE || w > MAX_SIDE || c > MAX_CHANNELS) {
    throw new InputError(`--input-shape ${raw}: at most ${MAX_SIDE}×${MAX_SIDE}×${MAX_CHANNELS} (the paper's models are for 28×28 and 32×32 images; larger inputs would need gigabytes of weights)`);
  }
  const { startBackend } = await import('../engine/backend.js');
  const { buildModel, MODEL_IDS } = await import('../models/zoo.js');
  await startBackend('wasm');
  const models = MODEL_IDS.map((id) => {
    const m = buildModel(id, [h, w, c], { seed: 1 });
    const row = { model: id, parameterCount: m.parameterCount, bnParameterCount: m.bnParameterCount };
    m.dispose();
    return row;
  });
  if (flags.json === true) out.json({ inputShape: [h, w, c], models });
  else out.table(formatTable(models.map((m) => [m.model, `${m.parameterCount.toLocaleString('en-US')}${m.bnParameterCount > 0 ? ` (+ ${m.bnParameterCount.toLocaleString('en-US')} BatchNorm γ, β)` : ''}`])));
  return 0;
}
