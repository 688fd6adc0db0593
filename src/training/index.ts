/**
 * `rethink/training`: the training engine as a library (loads TensorFlow.js; the theory in `rethink`
 * does not).
 *
 * @example
 * import { fit, FIT_DEFAULTS } from 'rethink/training';
 * const r = await fit({ ...FIT_DEFAULTS, data: 'mnist', n: 1000, model: 'mlp-1x512', randomization: 'random-labels', backend: 'auto', seed: 1, out: null });
 */
export { FIT_DEFAULTS, fit, readRunConfig, type FitConfig, type FitResult } from './fit.js';
export { evaluate, train, type EpochRecord, type TrainHooks, type TrainOptions, type TrainResult } from './trainer.js';
export { fitParallel } from './parallel.js';
export { MomentumSgd, crossEntropy, learningRate } from './sgd.js';
export { BACKENDS, startBackend, type BackendInfo, type BackendName } from '../engine/backend.js';
export { registerWasmOps } from '../engine/wasm-ops.js';
export { MODELS, MODEL_IDS, buildModel, type Model, type ModelId, type ModelSpec, type InputShape } from '../models/zoo.js';
export { RANDOMIZATIONS, RANDOMIZATION_SPECS, randomizePoints, corruptLabels, type RandomizationId, type RandomizationSpec } from '../randomization/registry.js';
export { loadDataset, type Dataset, type DatasetSpec } from '../data/dataset.js';
export type { ImageSet } from '../data/images.js';
export { DirectoryRunStore, MemoryRunStore, type RunStore, type Checkpoint, type RunState } from './run-store.js';
export { WorkerPool, type Job, type JobContext } from '../workers/pool.js';
export { readCifar10 } from '../data/cifar.js';
export { kernelInterpolateFast, kernelInterpolateFastSets, type FastKernelInterpolant, type FastKernelOptions, type KernelProgress } from '../implicit/kernel-fast.js';
