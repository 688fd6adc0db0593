/**
 * Every command's flags, summary and examples, and where its code lives. This module imports only
 * constant lists, so that `rethink --help` and `rethink <command> --help` load no math library and
 * no TensorFlow.js; a command's code is imported when it runs.
 */
import { DATASETS } from '../data/images.js';
import { BACKENDS } from '../engine/names.js';
import { DEFAULT_LAMBDA } from '../expressivity/interpolate.js';
import { MODEL_IDS } from '../models/registry.js';
import { CLASSES, CLASS_IDS, CLASS_OPTIONS, classesTaking, type ClassId, type ClassOption, type ClassSpec } from '../rademacher/classes.js';
import { MAX_EXACT_N } from '../rademacher/signs.js';
import { LABEL_RANDOMIZATIONS, RANDOMIZATIONS } from '../randomization/registry.js';
import { CHECKPOINT_SECONDS, FIT_DEFAULTS } from '../training/defaults.js';
import { DEFAULT_STORE } from '../conjectures/defaults.js';
import { commonFlags, outputFlags, type FlagSpecs, type Flags } from './args.js';
import type { Output } from './output.js';

/** A command: what it does, its flags, examples, and its code (loaded on use). */
export interface Command<S extends FlagSpecs = FlagSpecs> {
  readonly summary: string;
  readonly flags: S;
  readonly examples: readonly string[];
  /** The usage line in help, when the command takes operands (default `rethink <command> [flags]`). */
  readonly usage?: string;
  /** How many arguments that are not flags the command takes (default 0: any is an error). */
  readonly operands?: number;
  load(): Promise<(flags: Flags<S>, out: Output, operands: readonly string[]) => Promise<number>>;
}

function command<const S extends FlagSpecs>(c: Command<S>): Command<S> {
  return c;
}

/** `--randomization` and `--p` as the theory commands take them (label randomizations only). */
const labelRandomizationFlags = {
  randomization: {
    type: 'string',
    choices: LABEL_RANDOMIZATIONS,
    placeholder: LABEL_RANDOMIZATIONS.join('|'),
    description: 'the data\'s labels, labels each replaced with probability --p by a uniform class, or uniform random classes (default true-labels); drawn once from the seed',
  },
  p: { type: 'number', min: 0, max: 1, placeholder: 'p', description: 'corruption probability for --randomization corrupt-labels' },
  labels: { type: 'string', choices: ['true', 'random'], placeholder: 'true|random', description: 'same as --randomization true-labels|random-labels', deprecated: 'use --randomization true-labels or --randomization random-labels' },
} as const satisfies FlagSpecs;

export const expressivityFlags = {
  data: { type: 'string', placeholder: 'mnist|synthetic|FILE.csv', description: 'data set: MNIST\'s 60,000 training images (default), seeded Gaussian clusters, or a CSV file (one point per row, label last)' },
  n: { type: 'count', placeholder: 'N|all', description: 'number of points: a seeded subset (default all; synthetic: 1000)' },
  d: { type: 'integer', min: 1, max: 100_000, placeholder: 'D', description: 'features of synthetic data (default 20)' },
  ...labelRandomizationFlags,
  classes: { type: 'boolean', description: 'one-hot outputs, one per class (d + n + n·k parameters) instead of a scalar output' },
  direction: { type: 'string', placeholder: 'best-of:M|gaussian|v1,v2,…', description: 'projection direction a: best of M seeded Gaussians (default best-of:4), one Gaussian, or an explicit vector' },
  lambda: { type: 'number', above: 0, below: 1, placeholder: 'λ', description: `bias placement fraction in (0, 1) (default ${DEFAULT_LAMBDA}; not with --exact)` },
  exact: { type: 'boolean', description: 'construct in exact rational arithmetic and check every point exactly (n·d ≤ 100,000; the rationals grow with n: ≈ 10 s at n = 150, ≈ 1 min at n = 300 on real-valued data)' },
  depth: { type: 'integer', min: 1, placeholder: 'k', description: 'also build the depth-k network of width ⌈n/k⌉ + 3 and compare it with the shallow one' },
  save: { type: 'string', placeholder: 'FILE', description: 'write the network as JSON (a, b, w, n, d, k, point order); an existing file is not replaced unless --force' },
  force: { type: 'boolean', description: 'with --save: replace an existing file' },
  ...commonFlags,
} as const satisfies FlagSpecs;

/** The registry's classes as the help lists them: id, summary, and a note for the classes reported as lower bounds. */
const classHelp = CLASS_IDS.map((id) => {
  const spec: ClassSpec = CLASSES[id];
  return `${id} (${spec.summary}${spec.supKind === 'lower' ? '; its sup is found from below: reported as a lower bound' : ''})`;
}).join('; ');
const classList = (ids: readonly ClassId[]): string => ids.join(', ');
const oneDimensional = CLASS_IDS.filter((id) => (CLASSES[id] as ClassSpec).oneDimensional === true);
/** A class option's help: what it is, the classes that take it (from the registry), its default. */
const optionHelp = (option: ClassOption, extra = ''): string =>
  `${CLASS_OPTIONS[option].help}, for ${classList(classesTaking(option))}${extra} (default ${CLASS_OPTIONS[option].default})`;
const drawDefaults = CLASS_IDS.flatMap((id) => {
  const d = (CLASSES[id] as ClassSpec).defaultDraws;
  return d === undefined ? [] : [`${id} ${d.draws}, ${d.why}`];
});

export const rademacherFlags = {
  class: { type: 'string', choices: CLASS_IDS, placeholder: 'NAME', description: `hypothesis class: ${classHelp}` },
  data: { type: 'string', placeholder: 'mnist|synthetic|FILE.csv', description: `sample (default mnist, pixels/255; the classes on the line, ${classList(oneDimensional)}: synthetic uniform points on [0, 1], MNIST mean intensity, or a CSV's first column)` },
  n: { type: 'count', placeholder: 'N|all', description: 'sample size: a seeded subset (default 1000; a file: all rows)' },
  d: { type: 'integer', min: 1, max: 100_000, placeholder: 'D', description: 'features of synthetic vector data (default 20)' },
  exact: { type: 'boolean', description: `enumerate all 2^n sign vectors (n ≤ ${MAX_EXACT_N}); exact fractions for integer-valued classes` },
  draws: { type: 'integer', min: 1, max: 10_000_000, placeholder: 'm', description: `Monte Carlo sign vectors (default 1000${drawDefaults.map((d) => `; ${d}`).join('')})` },
  delta: { type: 'number', above: 0, below: 1, placeholder: 'δ', description: 'confidence: half-widths and bounds hold with probability ≥ 1 − δ (default 0.05)' },
  B: { type: 'number', above: 0, placeholder: 'B', description: optionHelp('B') },
  gamma: { type: 'number', above: 0, placeholder: 'γ', description: optionHelp('gamma', ' and --compare') },
  degree: { type: 'integer', min: 1, max: 64, placeholder: 'p', description: optionHelp('degree') },
  hypotheses: { type: 'integer', min: 1, max: 1_000_000, placeholder: 'N', description: optionHelp('hypotheses') },
  convention: { type: 'string', choices: ['zhang', 'bartlett-mendelson'], placeholder: 'zhang|bartlett-mendelson', description: 'the paper\'s Eq. 1 (default) or E sup |(2/n)Σσh|' },
  compare: { type: 'boolean', description: 'the paper\'s point in one table: norm-bounded linear, a kernel ball and Theorem 1\'s ReLU class on MNIST, with their bounds (not with --class)' },
  ...commonFlags,
} as const satisfies FlagSpecs & { readonly [K in ClassOption]: FlagSpecs[string] };

export const boundFlags = {
  'train-error': { type: 'number', min: 0, placeholder: 'e', description: 'training loss L_S(h) (required)' },
  rademacher: { type: 'number', min: 0, placeholder: 'r', description: 'empirical Rademacher complexity of the loss class on the sample (required)' },
  n: { type: 'integer', min: 1, placeholder: 'N', description: 'sample size (required)' },
  delta: { type: 'number', above: 0, below: 1, placeholder: 'δ', description: 'confidence (default 0.05)' },
  'loss-bound': { type: 'number', above: 0, placeholder: 'c', description: 'the loss lies in [0, c] (default 1); Mohri et al. needs c = 1' },
  ...outputFlags,
} as const satisfies FlagSpecs;

export const sgdMinNormFlags = {
  n: { type: 'integer', min: 1, max: 5000, placeholder: 'N', description: 'examples (default 50; at most --d, so that an interpolant exists)' },
  d: { type: 'integer', min: 1, max: 20_000, placeholder: 'D', description: 'features (default 200)' },
  w0: { type: 'string', choices: ['zero', 'random'], placeholder: 'zero|random', description: 'start of SGD (default zero)' },
  epochs: { type: 'integer', min: 1, max: 1_000_000, placeholder: 'E', description: 'maximum passes (default 5000)' },
  ...commonFlags,
} as const satisfies FlagSpecs;

/** The MNIST test split's size: the largest --test-n. */
export const MNIST_TEST_N = 10_000;

export const kernelFlags = {
  data: { type: 'string', choices: ['mnist'], placeholder: 'mnist', description: 'training data (MNIST pixels/255); the test set is MNIST\'s 10,000' },
  n: { type: 'count', max: 60_000, placeholder: 'N|all', description: 'training images, a seeded subset (default 1000; all: the 60,000 of the paper)' },
  'test-n': { type: 'count', max: MNIST_TEST_N, placeholder: 'M|all', description: 'test images to score, the first M of the split (default all 10,000)' },
  kernel: { type: 'string', choices: ['gaussian', 'polynomial'], placeholder: 'gaussian|polynomial', description: 'kernel (default gaussian)' },
  gamma: { type: 'number', above: 0, placeholder: 'γ', description: 'Gaussian width exp(−γ‖x − x′‖²) (default 0.02, the paper\'s MNIST setting on pixels/255)' },
  degree: { type: 'integer', min: 1, max: 64, placeholder: 'p', description: 'polynomial degree (⟨x, x′⟩ + 1)^p (default 3)' },
  ...labelRandomizationFlags,
  solver: { type: 'string', choices: ['auto', 'cholesky', 'cg'], placeholder: 'auto|cholesky|cg', description: 'cholesky: exact float64 in JavaScript; cg: preconditioned conjugate gradients on the tfjs engine, K float32 in blocks outside the wasm heap, both cores (default auto: cholesky up to n = 2000)' },
  tol: { type: 'number', above: 0, below: 1, placeholder: 'ε', description: 'cg: stop at relative residual ‖Y − Kα‖/‖Y‖ ≤ ε per class (default 0.1; 0.01 costs hundreds of iterations at n = 60,000)' },
  preconditioner: { type: 'string', choices: ['nystrom', 'none'], placeholder: 'nystrom|none', description: 'cg: Nyström (EigenPro-style) preconditioner from seeded landmarks, or none (default nystrom)' },
  landmarks: { type: 'integer', min: 2, max: 60_000, placeholder: 's', description: 'cg: the preconditioner\'s landmarks, a seeded subsample (default min(1000, ⌈n/4⌉))' },
  rank: { type: 'integer', min: 1, max: 59_999, placeholder: 'q', description: 'cg: the preconditioner\'s rank, top-q eigenpairs, q < s (default s − 1)' },
  checkpoint: { type: 'string', placeholder: 'DIR', description: 'cg: write the iteration to DIR/kernel-checkpoint.bin after every step and resume from it when it is there (one from another n, γ or seed is refused)' },
  memory: { type: 'number', above: 0, placeholder: 'GiB', description: 'memory the solve may plan for (default: the available memory less 0.5 GiB); a solve that needs more is refused with the largest n that fits' },
  backend: { type: 'string', choices: BACKENDS, placeholder: BACKENDS.join('|'), description: 'cg: tfjs backend of this thread (default auto; the second thread runs wasm)' },
  'compare-norms': { type: 'boolean', description: 'interpolate labels corrupted with each --ps level: the RKHS norm rises while the training error stays 0 (not with --randomization)' },
  ps: { type: 'string', placeholder: 'p1,p2,…', description: 'with --compare-norms: the corruption levels (default 0,0.25,0.5,0.75,1; at n = 60,000 use 0,1); cg solves them together on one K' },
  ...commonFlags,
} as const satisfies FlagSpecs;

/** Flags shared by `fit` and `figure1` (one training run, or each of its runs). */
const trainingDataFlags = {
  data: { type: 'string', choices: DATASETS, placeholder: DATASETS.join('|'), description: 'data set (default mnist)' },
  'data-dir': { type: 'string', placeholder: 'DIR', description: 'with --data cifar10: the directory of the binary batches (data_batch_1..5.bin, test_batch.bin)' },
  model: { type: 'string', choices: MODEL_IDS, placeholder: 'ID', description: `model: ${MODEL_IDS.join(', ')} (default mlp-1x512)` },
  backend: { type: 'string', choices: BACKENDS, placeholder: BACKENDS.join('|'), description: 'tfjs backend (default auto: tensorflow if @tensorflow/tfjs-node loads, else wasm)' },
  threads: { type: 'integer', min: 1, max: 8, placeholder: 'N', description: 'threads of the wasm engine in each run (default: the cores, shared out among parallel runs); the same seed and thread count give the same numbers' },
} as const satisfies FlagSpecs;

/** `--out`, `--resume`, `--force`: a run directory is never replaced without being asked. */
const runDirectoryFlags = {
  resume: { type: 'boolean', description: 'continue the run in --out from its last checkpoint, with its stored settings (flags given must agree)' },
  force: { type: 'boolean', description: 'replace the run in --out (its own files only; not with --resume)' },
} as const satisfies FlagSpecs;

export const fitFlags = {
  ...trainingDataFlags,
  n: { type: 'count', placeholder: 'N|all', description: 'training images: a stratified, seeded subset (default all)' },
  'test-n': { type: 'count', placeholder: 'M|all', description: 'test images evaluated at the end, the first M of the test split (default all)' },
  randomization: { type: 'string', choices: RANDOMIZATIONS, placeholder: 'R', description: `one of ${RANDOMIZATIONS.join(', ')} (default true-labels), drawn once from the seed` },
  p: { type: 'number', min: 0, max: 1, placeholder: 'p', description: 'corruption probability for corrupt-labels' },
  epochs: { type: 'integer', min: 1, max: 1_000_000, placeholder: 'E', description: `epoch budget (default ${FIT_DEFAULTS.epochs}); training stops earlier once the training set is fitted` },
  'max-steps': { type: 'integer', min: 1, placeholder: 'S', description: 'step budget' },
  lr: { type: 'number', above: 0, placeholder: 'η', description: 'initial learning rate (default: 0.1 Inception, 0.01 otherwise)' },
  'batch-size': { type: 'integer', min: 1, max: 65_536, placeholder: 'B', description: `batch size (default ${FIT_DEFAULTS.batchSize})` },
  momentum: { type: 'number', min: 0, below: 1, placeholder: 'μ', description: `momentum in [0, 1) (default ${FIT_DEFAULTS.momentum})` },
  'decay-steps': { type: 'integer', min: 1, placeholder: 'T', description: `learning rate × 0.95 every T steps (default ${FIT_DEFAULTS.decaySteps})` },
  'weight-decay': { type: 'number', min: 0, placeholder: 'λ', description: 'weight decay on kernels (default 0)' },
  dropout: { type: 'number', min: 0, below: 1, placeholder: 'rate', description: 'dropout on hidden fully-connected layers, in [0, 1) (default 0)' },
  augment: { type: 'string', choices: ['none', 'crop'], placeholder: 'none|crop', description: 'random-crop augmentation (default none)' },
  out: { type: 'string', placeholder: 'DIR', description: 'write config.json, metrics.csv (a row per epoch), checkpoints and summary.json here' },
  'checkpoint-every': { type: 'number', min: 0, placeholder: 'S', description: `with --out: seconds of training between two checkpoints (default ${CHECKPOINT_SECONDS}; 0: after every epoch); the last epoch, and the last finished one on an interrupt or error, are always written` },
  ...runDirectoryFlags,
  ...commonFlags,
} as const satisfies FlagSpecs;

/** The executors of a plan: where its runs execute. */
export const EXECUTORS = ['local', 'slurm', 'kubernetes'] as const;

/** Flags that choose and configure the executor (`--executor slurm|kubernetes`: a cluster runs the plan). */
const executorFlags = {
  executor: { type: 'string', choices: EXECUTORS, placeholder: EXECUTORS.join('|'), description: 'where the runs execute: local (default): worker threads here; slurm: ONE job array, task i = rethink run --index i (sbatch here, a login node); kubernetes: an Indexed Job manifest (--apply submits it)' },
  wait: { type: 'boolean', description: 'slurm, kubernetes --apply: wait for the tasks, printing each one\'s progress, then report (default: print the job and the rethink report command, and return)' },
  parallel: { type: 'integer', min: 1, max: 100_000, placeholder: 'P', description: 'slurm, kubernetes: at most P tasks at once (sbatch --array=…%P, the Job\'s parallelism; default: all)' },
  cpus: { type: 'integer', min: 1, max: 1024, placeholder: 'N', description: 'slurm, kubernetes: CPUs per task (default 1)' },
  mem: { type: 'string', placeholder: '8G', description: 'slurm, kubernetes: memory per task, an integer and K, M, G or T (Slurm --mem=8G, Kubernetes 8Gi)' },
  partition: { type: 'string', placeholder: 'NAME', description: 'slurm: the partition (default: the cluster\'s default)' },
  time: { type: 'string', placeholder: 'HH:MM:SS', description: 'slurm: time limit per task (minutes, HH:MM:SS or D-HH:MM:SS); a task stopped by it continues from its checkpoint with --resume' },
  gres: { type: 'string', placeholder: 'gpu:1', description: 'slurm: generic resources per task (e.g. gpu:1, gpu:a100:1)' },
  sbatch: { type: 'list', placeholder: 'opt=value', description: 'slurm: an extra #SBATCH line, repeatable, its leading dashes left out (--sbatch account=lab --sbatch qos=long)' },
  requeue: { type: 'boolean', description: 'slurm: a preempted task goes back to the queue and continues from its checkpoint (#SBATCH --requeue)' },
  image: { type: 'string', placeholder: 'IMAGE', description: 'kubernetes: the container image with rethink installed (the Dockerfile in the package builds one; required)' },
  pvc: { type: 'string', placeholder: 'CLAIM', description: 'kubernetes: the PersistentVolumeClaim that holds the results directory (required); the pods mount it at the --out path' },
  'pvc-path': { type: 'string', placeholder: 'PATH', description: 'kubernetes: the results directory\'s path inside the volume (default: its root)' },
  namespace: { type: 'string', placeholder: 'NS', description: 'kubernetes: the namespace of the Job (default: default)' },
  gpus: { type: 'integer', min: 1, max: 64, placeholder: 'N', description: 'kubernetes: GPUs per pod (nvidia.com/gpu; default none)' },
  apply: { type: 'boolean', description: 'kubernetes: submit the Job through the Kubernetes API (kubeconfig as kubectl finds it); without it, the manifest is only written' },
} as const satisfies FlagSpecs;

/** Flags of `rethink experiment`, `figure1` and (with `--only`) `reproduce`. */
export const experimentFlags = {
  profile: { type: 'string', choices: ['quick', 'full'], placeholder: 'quick|full', description: 'quick (default): MNIST subsets, ≤ 15 min on 2 cores; full: the paper\'s scale (CIFAR-10, the paper\'s n and models — for a GPU or much time)' },
  data: { type: 'string', choices: ['mnist', 'cifar10', 'synthetic'], placeholder: 'mnist|cifar10|synthetic', description: 'data of every run (default: mnist for quick, cifar10 for full)' },
  'data-dir': { type: 'string', placeholder: 'DIR', description: 'with --data cifar10: the directory of the binary batches (data_batch_1..5.bin, test_batch.bin)' },
  backend: { type: 'string', choices: BACKENDS, placeholder: BACKENDS.join('|'), description: 'tfjs backend of the runs (default auto: tensorflow if @tensorflow/tfjs-node loads, else wasm)' },
  threads: { type: 'integer', min: 1, max: 8, placeholder: 'N', description: 'threads of the wasm engine in each run (default: the cores, shared out among parallel runs); the same seed and thread count give the same numbers' },
  jobs: { type: 'integer', min: 1, max: 256, placeholder: 'N', description: 'runs in parallel, one worker thread each (default: the number of cores); MNIST is loaded once and shared' },
  out: { type: 'string', placeholder: 'DIR', description: 'results directory: plan.json, runs/<run>/, <study>/{results.json,report.md,report.html,plots/}, results.json, report.md, report.html (default runs/<name>)' },
  resume: { type: 'boolean', description: 'continue the plan in --out: finished runs are kept, runs in flight continue from their checkpoints (the flags must give the same plan)' },
  set: { type: 'list', placeholder: 'key=value', description: 'override a study config field (repeatable): --set epochs=3, --set fig1b.seeds=1,2; unknown keys and ill-typed values are refused' },
  'plan-only': { type: 'boolean', description: 'write plan.json and stop (then: rethink run --plan DIR/plan.json --index i, and rethink report DIR); with --executor slurm also the batch script, not submitted' },
  ...executorFlags,
  ...outputFlags,
} as const satisfies FlagSpecs;

export const reproduceFlags = {
  only: { type: 'string', placeholder: 'study,…', description: 'run these studies only: fig1a, fig1b, fig1c, table1, regularizers, memorization, rademacher-of-networks (default all)' },
  ...experimentFlags,
} as const satisfies FlagSpecs;

export const runPlanFlags = {
  plan: { type: 'string', placeholder: 'FILE', description: 'the plan.json written by rethink reproduce (required); the run goes to its directory' },
  index: { type: 'integer', min: 0, placeholder: 'i', description: 'which run of the plan, 0 … runs − 1 (required)' },
  backend: { type: 'string', choices: BACKENDS, placeholder: BACKENDS.join('|'), description: 'tfjs backend (default: the plan\'s)' },
  threads: { type: 'integer', min: 1, max: 8, placeholder: 'N', description: 'threads of the wasm engine in each run (default: the cores, shared out among parallel runs); the same seed and thread count give the same numbers' },
  ...outputFlags,
} as const satisfies FlagSpecs;

export const reportFlags = {
  ...outputFlags,
} as const satisfies FlagSpecs;

export const searchFlags = {
  list: { type: 'boolean', description: 'list the built-in conjectures with their expected outcomes' },
  all: { type: 'boolean', description: 'run every built-in conjecture; exit 1 if an outcome differs from its expected one' },
  runs: { type: 'integer', min: 1, max: 10_000_000, placeholder: 'N', description: 'predicate evaluations (default: the conjecture\'s own budget; shrinking not counted)' },
  path: { type: 'string', placeholder: 'p', description: 'replay the counterexample at this path (with the --seed it was found with) instead of searching' },
  'no-target': { type: 'boolean', description: 'random search only, no hill-climbing on the score (same budget)' },
  'no-store': { type: 'boolean', description: `neither replay nor save counterexamples (default store: ${DEFAULT_STORE}/<name>.json)` },
  store: { type: 'string', placeholder: 'DIR', description: `where counterexamples are stored and replayed first (default ${DEFAULT_STORE})` },
  ...commonFlags,
} as const satisfies FlagSpecs;

export const modelsFlags = {
  'input-shape': { type: 'string', placeholder: 'HxWxC', description: 'input shape (default 28x28x3, the paper\'s cropped CIFAR-10; 28x28x1 for MNIST)' },
  ...outputFlags,
} as const satisfies FlagSpecs;

/** The commands, in the order `rethink --help` lists them. */
export const COMMANDS = {
  expressivity: command({
    summary: 'Theorem 1: build a two-layer ReLU net with 2n + d weights that fits the labels, and certify it',
    flags: expressivityFlags,
    examples: ['rethink expressivity --data mnist --randomization random-labels --seed 1', 'rethink expressivity --data synthetic --n 40 --d 3 --exact --depth 3'],
    load: async () => (await import('./expressivity.js')).runExpressivity,
  }),
  rademacher: command({
    summary: 'empirical Rademacher complexity of a class: exact, estimated with confidence, and bounded (--compare: the paper\'s point)',
    flags: rademacherFlags,
    examples: ['rethink rademacher --class thresholds --n 8 --exact', 'rethink rademacher --class linear-l2 --data mnist --n 2000', 'rethink rademacher --compare --seed 1'],
    load: async () => (await import('./rademacher.js')).runRademacher,
  }),
  bound: command({
    summary: 'generalization bounds from a Rademacher complexity, and whether they are vacuous',
    flags: boundFlags,
    examples: ['rethink bound --train-error 0 --rademacher 1 --n 50000'],
    load: async () => (await import('./bound.js')).runBound,
  }),
  'sgd-min-norm': command({
    summary: 'SGD on least squares converges to the minimum-norm interpolant X⁺y (paper §5)',
    flags: sgdMinNormFlags,
    examples: ['rethink sgd-min-norm --n 50 --d 200 --w0 random --seed 1'],
    load: async () => (await import('./implicit.js')).runSgdMinNorm,
  }),
  kernel: command({
    summary: 'minimum-norm kernel interpolation on MNIST: test error, RKHS norm (--compare-norms: true vs random labels)',
    flags: kernelFlags,
    examples: ['rethink kernel --data mnist --n 2000 --seed 1', 'rethink kernel --n 500 --compare-norms --seed 1', 'rethink kernel --n all --seed 1 --checkpoint runs/kernel60k --json', 'rethink kernel --n 60000 --compare-norms --ps 0,1 --seed 1'],
    load: async () => (await import('./implicit.js')).runKernel,
  }),
  fit: command({
    summary: 'train a network (MLP, small AlexNet, small Inception) on true or randomized data until it fits the training set',
    flags: fitFlags,
    examples: ['rethink fit --n 1000 --model mlp-1x512 --randomization random-labels --seed 1 --out runs/a', 'rethink fit --out runs/a --resume --epochs 200'],
    load: async () => (await import('./fit.js')).runFit,
  }),
  reproduce: command({
    summary: 'every empirical claim of the paper re-run: plan, runs on a worker pool, verdicts, plots and reports (exit 0: all confirmed, 1: one is not)',
    flags: reproduceFlags,
    examples: ['rethink reproduce', 'rethink reproduce --only fig1a,fig1c --set epochs=50 --out runs/fig1', 'rethink reproduce --profile full --data-dir ~/cifar-10-batches-bin --plan-only --out runs/full', 'rethink reproduce --out runs/reproduce-quick --resume', 'rethink reproduce --profile full --data-dir /shared/cifar --out /shared/full --executor slurm', 'rethink reproduce --out /shared/full --resume --executor slurm --wait', 'rethink reproduce --out /results --executor kubernetes --image rethink:1 --pvc results --apply'],
    load: async () => (await import('./reproduce.js')).runReproduce,
  }),
  experiment: command({
    summary: 'run a study file of your own (default export: study({...}), .ts without a build step) like rethink reproduce runs the shipped ones',
    flags: experimentFlags,
    usage: 'rethink experiment <file.ts|file.js> [flags]',
    operands: 1,
    examples: ['rethink experiment ./my-study.ts --set n=300'],
    load: async () => (await import('./reproduce.js')).runExperiment,
  }),
  run: command({
    summary: 'one run of a plan, alone (what a cluster task executes): rethink run --plan DIR/plan.json --index i',
    flags: runPlanFlags,
    examples: ['rethink run --plan runs/full/plan.json --index 7'],
    load: async () => (await import('./reproduce.js')).runPlanIndex,
  }),
  report: command({
    summary: 'rebuild the verdicts, results.json and reports of a results directory from whatever runs it holds',
    flags: reportFlags,
    usage: 'rethink report <DIR> [flags]',
    operands: 1,
    examples: ['rethink report runs/reproduce-quick'],
    load: async () => (await import('./reproduce.js')).runReport,
  }),
  figure1: command({
    summary: 'the paper\'s Figure 1 (1a, 1b, 1c): rethink reproduce --only fig1a,fig1b,fig1c',
    flags: experimentFlags,
    examples: ['rethink figure1 --out runs/figure1', 'rethink figure1 --set n=300 --set seeds=1'],
    load: async () => (await import('./reproduce.js')).runFigure1,
  }),
  search: command({
    summary: 'counterexample search: the built-in conjectures about generalization (--list, --all) or your own file, shrunk, stored and replayable',
    flags: searchFlags,
    usage: 'rethink search (--list | --all | <name> | <file.ts|file.js>) [flags]',
    operands: 1,
    examples: ['rethink search --all', 'rethink search hidden-units-n-minus-3 --seed 1', 'rethink search my-claim.ts --runs 1000', 'rethink search weight-bound --seed 3 --path 3:1:0:0:1:2:1:1:3:3:4'],
    load: async () => (await import('./search.js')).runSearch,
  }),
  models: command({
    summary: 'the paper\'s models and their parameter counts for an input shape',
    flags: modelsFlags,
    examples: ['rethink models --input-shape 28x28x1'],
    load: async () => (await import('./fit.js')).runModels,
  }),
};

export type CommandName = keyof typeof COMMANDS;
